#include "block_device.hpp"

#include "rtnetlink/optional_json.hpp"

namespace mirari::block {

using rtnetlink::optional_from_json;
using rtnetlink::optional_to_json;

void to_json(nlohmann::json& j, const BlockDevice& d) {
  j = {{"name", d.name},
       {"major", d.major},
       {"minor", d.minor},
       {"size_bytes", d.size_bytes},
       {"read_only", d.read_only},
       {"rotational", d.rotational},
       {"backing_file", optional_to_json(d.backing_file)}};
}

void from_json(const nlohmann::json& j, BlockDevice& d) {
  j.at("name").get_to(d.name);
  j.at("major").get_to(d.major);
  j.at("minor").get_to(d.minor);
  j.at("size_bytes").get_to(d.size_bytes);
  j.at("read_only").get_to(d.read_only);
  j.at("rotational").get_to(d.rotational);
  d.backing_file = optional_from_json<std::string>(j, "backing_file");
}

void to_json(nlohmann::json& j, const BlockEvent& e) {
  j = {{"kind", e.kind},
       {"old", optional_to_json(e.old_device)},
       {"new", optional_to_json(e.new_device)}};
}

void from_json(const nlohmann::json& j, BlockEvent& e) {
  j.at("kind").get_to(e.kind);
  e.old_device = optional_from_json<BlockDevice>(j, "old");
  e.new_device = optional_from_json<BlockDevice>(j, "new");
}

}  // namespace mirari::block
