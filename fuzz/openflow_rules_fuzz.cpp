// The openflow plugin's readers of outside text: the validator of flows.desired's rules (a
// rule it accepts must become exactly one line of the bundle file: no rule can smuggle in a
// message of its own), the OpenFlow encoder of those rules (any text gives an encoding or
// none, never a crash; an encoded set is one whole, 8-byte aligned message per bundle line)
// and the reader of ovs-ofctl's listings.
//
// Input: NUL-separated fields: a flow's match, its actions, then group 1's buckets.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "bundle_file.hpp"
#include "flow_validator.hpp"
#include "of_actions.hpp"
#include "of_bundle.hpp"
#include "of_match.hpp"
#include "switch_dump.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mirari::openflow;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const std::string once = normalized_dump(input);
  if (normalized_dump(once) != once) std::abort();

  std::vector<std::string> fields;
  for (std::size_t start = 0;;) {
    const std::size_t end = input.find('\0', start);
    fields.emplace_back(input.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  fields.resize(std::max<std::size_t>(fields.size(), 2));
  const PortNumbers ports = {{"p1", 1}, {"p2", 2}, {"br0", wire::kPortLocal}};
  // The encoder reads any text, validated or not.
  (void)encode_match(fields[0], ports);
  (void)encode_flow_actions(fields[1], ports);
  for (std::size_t i = 2; i < fields.size(); ++i) (void)encode_bucket_actions(fields[i], ports);

  BridgeFlows set;
  set.flows.push_back(Flow{0, 1, fields[0], fields[1], 0});
  set.groups.push_back(FlowGroup{1, "all", {fields.begin() + 2, fields.end()}});
  try {
    validate("br0", set);
  } catch (const InvalidFlows&) {
    return 0;
  }
  // Two deletes, the group and the flow: four lines, whatever the rule held.
  const std::string file = bundle_file(set);
  if (std::count(file.begin(), file.end(), '\n') != 4 || file.find('#') != std::string::npos) {
    std::abort();
  }
  if (const auto messages = encode_bundle(set, ports)) {
    if (messages->size() != 4) std::abort();
    for (const wire::Bytes& m : *messages) {
      if (m.size() % 8 != 0 || wire::get16(&m[2]) != m.size() || m[0] != wire::kVersion) {
        std::abort();
      }
    }
  }
  return 0;
}
