#include "netns.hpp"

#include <unistd.h>

#include <atomic>
#include <iostream>

#include "command.hpp"

namespace mirari::testing {

namespace {
std::string next_name() {
  static std::atomic<int> counter{0};
  return "mirari-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}
}  // namespace

NetworkNamespace::NetworkNamespace() : name_(next_name()) {
  check_command({"ip", "netns", "add", name_});
  try {
    for (const char* scope : {"default", "all"}) {
      check_command({"ip", "netns", "exec", name_, "sysctl", "-q", "-w",
                     std::string("net.ipv6.conf.") + scope + ".addr_gen_mode=1"});
    }
  } catch (...) {
    run_command({"ip", "netns", "del", name_});
    throw;
  }
}

NetworkNamespace::~NetworkNamespace() {
  // Deleting the namespace deletes the links in it, and with them their addresses and
  // neighbour entries.
  const CommandResult result = run_command({"ip", "netns", "del", name_});
  if (result.exit_code != 0) {
    std::cerr << "cannot delete network namespace " << name_ << ": " << result.output;
  }
}

std::string NetworkNamespace::ip(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"ip", "-n", name_};
  argv.insert(argv.end(), args.begin(), args.end());
  return check_command(argv);
}

void NetworkNamespace::ip_batch(const std::string& commands) const {
  check_command({"ip", "-n", name_, "-batch", "-"}, commands);
}

void NetworkNamespace::add_veth(const std::string& a, const std::string& b) const {
  ip({"link", "add", a, "type", "veth", "peer", "name", b});
}

}  // namespace mirari::testing
