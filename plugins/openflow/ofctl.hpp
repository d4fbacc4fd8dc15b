// Talking OpenFlow 1.4 to one bridge through ovs-ofctl, over the bridge's management socket
// (unix:RUNDIR/BRIDGE.mgmt): the path of a set with a rule the plugin's own encoder does not
// cover (of_bundle.hpp). Each call runs ovs-ofctl to its end and so blocks the calling
// thread, for at most the configured timeout: call it from the plugin's executor, never from
// the graph's thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace mirari::openflow {

// ovs-ofctl failed; what() is its own message (or why it could not run), trimmed.
class OfctlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Ofctl {
 public:
  Ofctl(std::string program, std::filesystem::path rundir, std::chrono::seconds timeout)
      : program_(std::move(program)), rundir_(std::move(rundir)), timeout_(timeout) {}

  // "unix:RUNDIR/BRIDGE.mgmt"
  std::string target(const std::string& bridge) const;
  // RUNDIR/BRIDGE.mgmt, the socket itself.
  std::filesystem::path socket(const std::string& bridge) const;
  std::chrono::seconds timeout() const noexcept { return timeout_; }

  // Sends bundle (bundle_file.hpp) as one atomic bundle. Throws OfctlError with the switch's
  // refusal; the bridge then holds what it held before.
  void apply(const std::string& bridge, const std::string& bundle) const;

 private:
  // ovs-ofctl's output for args; stdin is input. Throws OfctlError unless it exits with 0.
  std::string run(const std::vector<std::string>& args, const std::string& input = {}) const;

  std::string program_;
  std::filesystem::path rundir_;
  std::chrono::seconds timeout_;
};

}  // namespace mirari::openflow
