// A XenStore for one test, as tools/xenstored's fixture makes it (the protocol server on a
// socket in a fresh directory, XENSTORED_PATH pointing libxenstore at it), plus a toolstack's
// connection to write domains and devices the way xl and the backends do. Everything goes
// with the fixture, also when the test fails.
#pragma once

#include <map>
#include <string>

#include "xenstore.hpp"
#include "xs_fixture.hpp"

namespace mirari::testing {

class XenStoreFixture {
 public:
  XenStoreFixture() : toolstack_(xen::XenStore::open()) {}

  XenstoreServer& server() { return store_.server(); }
  xen::XenStore& toolstack() { return toolstack_; }
  // A connection of the toolstack's again, after the server dropped the last one.
  void reconnect() { toolstack_ = xen::XenStore::open(); }
  // The server dies and a new, empty one starts on the same socket; the toolstack reconnects.
  void restart_server() {
    store_.restart();
    reconnect();
  }

  static std::string domain(unsigned domid) { return "/local/domain/" + std::to_string(domid); }

  // Writes every key (relative to the domain's directory) in one transaction.
  void write(unsigned domid, const std::map<std::string, std::string>& keys) {
    for (;;) {
      const xen::XenStore::Transaction t = toolstack_.begin();
      for (const auto& [key, value] : keys) {
        toolstack_.write(t, domain(domid) + "/" + key, value);
      }
      if (toolstack_.commit(t)) return;
    }
  }
  void write(unsigned domid, const std::string& key, const std::string& value) {
    write(domid, {{key, value}});
  }
  // Removes the domain's directory, or the node key in it.
  void remove(unsigned domid, const std::string& key = "") {
    toolstack_.remove(xen::XenStore::kNoTransaction,
                      key.empty() ? domain(domid) : domain(domid) + "/" + key);
  }

  // What xl writes for a new domain.
  void create_domain(unsigned domid, const std::string& name) {
    write(domid, {{"name", name},
                  {"vm", "/vm/00000000-0000-4000-8000-00000000000" + std::to_string(domid % 10)},
                  {"memory/target", "131072"}});
  }
  // What netback in dom0 writes for a domain's vif, in the given xenbus state.
  void create_vif(unsigned domid, unsigned devid, const std::string& state) {
    const std::string dir = "backend/vif/" + std::to_string(domid) + "/" + std::to_string(devid);
    write(0, {{dir + "/frontend", domain(domid) + "/device/vif/" + std::to_string(devid)},
              {dir + "/frontend-id", std::to_string(domid)},
              {dir + "/mac", "00:16:3e:00:00:0" + std::to_string(domid % 10)},
              {dir + "/bridge", "xenbr0"},
              {dir + "/online", "1"},
              {dir + "/state", state}});
  }

 private:
  xs::XenstoreFixture store_;
  xen::XenStore toolstack_;
};

}  // namespace mirari::testing
