// The baselines the network benchmarks set their figures beside: one bundle of a set alone,
// sent as the openflow plugin sends it (over the bridge's management socket, encoded by the
// plugin's own encoder: of_bundle.hpp, of_channel.hpp), and through `ovs-ofctl bundle` (the
// plugin's path for sets its encoder does not cover).
#pragma once

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "bundle_file.hpp"
#include "of_bundle.hpp"
#include "of_channel.hpp"
#include "ofctl.hpp"

namespace mirari::bench {

// Connects to bridge, reads its ports and sends set as one bundle, as the plugin's pass does.
// Throws when the switch refuses it or the encoder does not cover it.
inline void openflow_bundle(const std::filesystem::path& rundir, const std::string& bridge,
                            const ports::flows::BridgeFlows& set) {
  openflow::OfChannel channel(rundir / (bridge + ".mgmt"), std::chrono::seconds(60));
  const auto messages = openflow::encode_bundle(set, channel.ports());
  if (!messages) throw std::runtime_error("the encoder does not cover the benchmark's set");
  std::vector<std::string> lines;
  const std::string file = openflow::bundle_file(set);
  for (std::size_t start = 0, end; (end = file.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(file.substr(start, end - start));
  }
  channel.bundle(*messages, lines);
}

inline void ofctl_bundle(const std::filesystem::path& rundir, const std::string& bridge,
                         const ports::flows::BridgeFlows& set) {
  openflow::Ofctl("ovs-ofctl", rundir, std::chrono::seconds(60))
      .apply(bridge, openflow::bundle_file(set));
}

}  // namespace mirari::bench
