// An instance's configuration (its entry of instances.config) in its domain's data space:
// XenStore's /local/domain/<domid>/data/config/<key>, where the guest reads it, the way the
// load a guest reports reaches mirari through the same data/ directory.
//
// Invariant: a write replaces the whole of data/config/ in one XenStore transaction (keys
// that left the entry removed, the others written), so the guest never sees half of an old
// configuration and half of a new one.
#pragma once

#include <cstdint>
#include <string>

#include "instance_types.hpp"
#include "xenstore.hpp"

namespace mirari::instances {

class DomainConfigWriter {
 public:
  // The domain's data/config directory.
  static std::string directory(std::uint32_t domid);

  // Replaces data/config/ of domid with config. Connects first (libxenstore: XENSTORED_PATH,
  // else the standard socket) if no connection is open. Throws xen::XenStoreError naming the
  // failing call; the connection is closed then, so the next write opens a new one, and the
  // store holds the old configuration (the transaction was not committed).
  void write(std::uint32_t domid, const InstanceConfig& config);

 private:
  xen::XenStore store_;
};

}  // namespace mirari::instances
