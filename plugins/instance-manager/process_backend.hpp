// The process backend: runs one group's instances as processes of this host and reports what
// runs. Knows nothing of the host; the plugin adapter (instance_manager_plugin.hpp) hands it
// the event loop, the sources its reports go to, and a log.
//
// It acts only on plans (plan.hpp) given to apply(), each an effect of a committed tick, and
// only while the plan was computed from its latest report. Everything it learns — a process
// started or could not, stayed up through start_grace, ended — changes its report, which it
// writes as an input, and its state file. Exits are noticed through pidfds on the event loop.
//
// Life of an instance:
//   create/retry → starting (spawned; failed when it cannot be) → running once it has stayed
//   up start_grace → stopping (SIGTERM after network.drain; SIGKILL stop_timeout later) →
//   exited(status)
//   An instance that ends while starting is failed, like one that cannot be spawned: the
//   next try waits Backoff::delay(failures) (InstanceStatus::retry_at).
//
// Files (dir = state_dir/GROUP):
//   dir/state.json          the state file (state_file.hpp): each change appended to it,
//                           rewritten whole now and then (state_recorder.hpp)
//   dir/NAME/               the instance's working directory, made when it is created and
//                           removed when it is forgotten
//   dir/NAME/log            its standard output and error
//   dir/NAME/config.json    its entry of instances.config, a JSON object of strings (the
//                           environment variable MIRARI_CONFIG holds this path; MIRARI_INSTANCE
//                           and MIRARI_GROUP its name and group). Written before it starts;
//                           rewritten, followed by SIGHUP, when the entry changes while it runs.
//                           An instance gets no SIGHUP before it counts as running, so it has
//                           start_grace to install its handler; a change made while it starts
//                           reaches it then.
//
// Network (options.network with a bridge): before an instance's process starts, it gets its
// attachment (network_attachment.hpp: namespace mirari-GROUP-N, a veth whose host end, named
// in InstanceStatus::port, is a port of the bridge, eth0 with its address); a create whose
// attachment fails is a failed create, and leaves nothing of it. The process starts inside
// the namespace with MIRARI_ADDRESS and MIRARI_NETNS in its environment. The attachment is
// removed when the instance is forgotten, and made afresh for a retry. A backend that adopts
// keeps the attachments of the instances it adopts and removes every other namespace of the
// group's (and its port), so none outlives its instance.
//
// Instances outlive the backend: stop() closes what watches them and leaves them running, so
// that a restarted mirarid (or a reloaded plugin) continues with them. A backend made on the
// same directory adopts every recorded instance whose pid still names the same process (same
// /proc start time), and records the others as exited (status unknown). Before a plan starts
// processes, the state file names the instances about to start; one recorded so (no pid yet)
// is looked for by its MIRARI_CONFIG (process_search.hpp), adopted if found, else failed and
// retried at once. So no crash makes it start a second process for an instance, and it never
// kills what it did not start or adopt.
//
// Two backends on one directory (a reload's old and new plugin instances, side by side for a
// moment): the newer one owns it, and the older one starts, stops and records nothing more
// (group_ownership.hpp).
//
// Threads, and the calls it answers: backend_core.hpp (CoreBackend), shared with the xen
// backend; this file adds only how it is made.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "backend_core.hpp"
#include "backoff.hpp"
#include "network_settings.hpp"

namespace mirari::instances {

class ProcessBackend final : public CoreBackend {
 public:
  struct Options {
    std::string group;
    std::filesystem::path dir;  // state_dir/GROUP
    std::chrono::milliseconds start_grace{1000};
    std::chrono::milliseconds stop_timeout{10000};
    Backoff backoff;
    // With a bridge, each instance runs in a network namespace of its own
    // (network_attachment.hpp); drain applies with or without one.
    NetworkSettings network;
  };

  // Makes dir if needed, reads its state file and adopts the recorded instances that still
  // run; rewrites the state file. Throws std::runtime_error or std::system_error naming the
  // path when dir cannot be made or the state file cannot be read, parsed or written; nothing
  // is watched then, and nothing was started or stopped; std::runtime_error when the network
  // needs a tool this host lacks (ip, ovs-vsctl). deliver(): entries of this backend's
  // running instances that changed are written to their files, and the instance gets SIGHUP.
  ProcessBackend(boost::asio::any_io_executor io, Options options, Log log);
};

}  // namespace mirari::instances
