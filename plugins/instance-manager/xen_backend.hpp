// The xen backend: runs one group's instances as Xen domains (one domain per instance, named
// after it) and reports what runs. Knows nothing of the host; the plugin adapter
// (instance_manager_plugin.hpp) hands it the event loop, the outputs and a log, and opens the
// toolstack (xen_toolstack.hpp) at configure, so a host without Xen is refused there.
//
// Like the process backend (process_backend.hpp), it acts only on plans given to apply(),
// each an effect of a committed tick, and only while the plan was computed from its latest
// report; what it learns changes its report, written as an input, and its state file
// (state_dir/GROUP/state.json, state_file.hpp, with each domain's UUID).
//
// Life of an instance:
//   create/retry → starting (libxl built the domain; failed when it could not) → running
//   once its domain has been alive start_grace → stopping (the guest is asked to power off;
//   destroyed after stop_timeout) → exited(the guest's shutdown code, none when it just went)
//   A domain that ends or goes while starting is failed; the next try waits
//   Backoff::delay(failures). A domain that shuts down is destroyed as soon as that is seen.
// Xen tells nothing by itself: the domain list is read every poll_interval, and the state
// of each of the group's domains judged (xen_domain_state.hpp).
//
// Instances outlive the backend: stop() leaves the domains running. A backend made on the
// same directory adopts the recorded domains that still exist (xen_adoption.hpp: same name
// and UUID), records the others as exited, and leaves alone every domain it did not record.
// Each domain's UUID is recorded before libxl is asked to create it, so a crash in between
// does not lead to a second domain. Two backends on one directory: the newer one owns it
// (group_ownership.hpp).
//
// Configuration into the data space: a running domain's entry of instances.config is written
// to XenStore's /local/domain/<domid>/data/config/ (xen_data_config.hpp: the whole directory
// in one transaction) when the domain comes to run, when the entry changes, after the domain
// is adopted (nothing is assumed of what an earlier manager wrote) and when its domain id
// changed; a failed write is tried again at each poll. Nothing is written before the first
// deliver(), so an adopted domain's configuration is never emptied for want of it.
//
// Threads, and the calls it answers: backend_core.hpp (CoreBackend), shared with the process
// backend; this file adds only how it is made. libxl's create and destroy, which block for as
// long as libxl works (xen_toolstack.hpp), run on a thread of the backend's own, one call at a
// time; their results come back to the event loop as handlers, so the polling, the other
// instances and the other groups go on meanwhile. An instance whose domain is being built is
// starting with no domain id. The backend, when it goes, waits for the calls already asked
// for.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "backend_core.hpp"
#include "backoff.hpp"
#include "xen_domain_config.hpp"
#include "xen_toolstack.hpp"

namespace mirari::instances {

class XenBackend final : public CoreBackend {
 public:
  struct Options {
    std::string group;
    std::filesystem::path dir;  // state_dir/GROUP
    XenSettings settings;
    std::chrono::milliseconds start_grace{1000};
    std::chrono::milliseconds stop_timeout{10000};
    std::chrono::milliseconds poll_interval{1000};
    Backoff backoff;
  };

  // Makes dir if needed, reads its state file, lists the domains and adopts the recorded
  // ones; rewrites the state file. Throws std::runtime_error or std::system_error naming the
  // path or the failing call; nothing was created or destroyed then. stop() stops polling.
  XenBackend(boost::asio::any_io_executor io, Options options,
             std::unique_ptr<XenToolstack> toolstack, Log log);
};

}  // namespace mirari::instances
