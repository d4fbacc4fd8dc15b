// Talking OpenFlow 1.4 to one bridge through ovs-ofctl, over the bridge's management socket
// (unix:RUNDIR/BRIDGE.mgmt). Each call runs ovs-ofctl to its end and so blocks the calling
// thread, for at most the configured timeout: call it from the plugin's executor, never from
// the graph's thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <set>
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

  // Sends bundle (bundle_file.hpp) as one atomic bundle. Throws OfctlError with the switch's
  // refusal; the bridge then holds what it held before.
  void apply(const std::string& bridge, const std::string& bundle) const;
  // What the bridge holds, normalized (switch_dump.hpp): its flows without statistics, then
  // its groups. Throws OfctlError when the bridge cannot be read.
  std::string held(const std::string& bridge) const;
  // The names of the bridge's ports. Throws OfctlError when the bridge cannot be read.
  std::set<std::string> ports(const std::string& bridge) const;

 private:
  // ovs-ofctl's output for args; stdin is input. Throws OfctlError unless it exits with 0.
  std::string run(const std::vector<std::string>& args, const std::string& input = {}) const;

  std::string program_;
  std::filesystem::path rundir_;
  std::chrono::seconds timeout_;
};

}  // namespace mirari::openflow
