// A segment for neighbour-table tests: a network namespace of the test's own with a veth
// pair va <-> vb, both up, on whose end va entries are set with `ip neigh`.
#pragma once

#include <string>

#include "netns.hpp"

namespace mirari::testing {

struct NeighbourSegment {
  NeighbourSegment() {
    ns.add_veth("va", "vb");
    ns.ip({"link", "set", "vb", "up"});
    ns.ip({"link", "set", "va", "up"});
  }
  // `ip neigh <verb> <address> lladdr <mac> dev va nud permanent`: an entry that needs no
  // traffic.
  void neigh(const std::string& verb, const std::string& address, const std::string& mac) const {
    ns.ip({"neigh", verb, address, "lladdr", mac, "dev", "va", "nud", "permanent"});
  }

  NetworkNamespace ns;
};

}  // namespace mirari::testing
