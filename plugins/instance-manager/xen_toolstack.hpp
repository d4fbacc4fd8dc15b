// The xen backend's only contact with Xen: libxenctrl for the domain list, libxl for create,
// shutdown and destroy. Thin on purpose — what the calls mean is decided in files that make
// none (xen_domain_config.hpp, xen_domain_state.hpp, xen_adoption.hpp).
//
// Needs a Xen host: dom0 with /dev/xen/privcmd (the hypervisor interface) for libxenctrl,
// and xenstored with the toolstack's daemons for libxl. open() fails on any other host, with
// an error naming what is missing.
//
// XenToolstack is the interface the xen backend uses; open() gives the one of a Xen host, and
// tests give the backend one of their own where a hypervisor would be needed.
//
// Threads: create() and destroy() block until libxl has finished (a domain build: up to
// seconds); the xen backend makes them on a thread of its own while list_domains() and
// shutdown() are made on the event loop, so an implementation takes calls from two threads at
// once. The host's does: libxl's ctx is thread-safe (libxl.h), and the libxenctrl interface is
// opened reentrant.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "xen_adoption.hpp"
#include "xen_domain_config.hpp"

namespace mirari::instances {

// This host cannot run the xen backend; what() names what is missing.
class XenUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class XenToolstack {
 public:
  // Opens the hypervisor interface (xc_interface_open) and a libxl context
  // (libxl_ctx_alloc). Throws XenUnavailable naming the one that failed and why.
  static std::unique_ptr<XenToolstack> open();
  XenToolstack() = default;
  virtual ~XenToolstack() = default;
  XenToolstack(const XenToolstack&) = delete;
  XenToolstack& operator=(const XenToolstack&) = delete;

  // Every domain, with its name from XenStore. Throws std::runtime_error when the hypervisor
  // does not answer.
  virtual std::vector<ListedDomain> list_domains() = 0;
  // Creates and unpauses the domain; returns its id. Throws std::runtime_error with libxl's
  // error code; libxl has then removed what it built.
  virtual std::uint32_t create(const XenDomainConfig& config) = 0;
  // Asks the guest to power off (PV control/shutdown); returns at once. Throws
  // std::runtime_error when the request cannot be written.
  virtual void shutdown(std::uint32_t domid) = 0;
  // Destroys the domain at once. Throws std::runtime_error with libxl's error code.
  virtual void destroy(std::uint32_t domid) = 0;
};

}  // namespace mirari::instances
