#include "block_device.hpp"

#include "mirari/json_read.hpp"
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
  mirari::read_json(j.at("name"), d.name);
  mirari::read_json(j.at("major"), d.major);
  mirari::read_json(j.at("minor"), d.minor);
  mirari::read_json(j.at("size_bytes"), d.size_bytes);
  mirari::read_json(j.at("read_only"), d.read_only);
  mirari::read_json(j.at("rotational"), d.rotational);
  d.backing_file = optional_from_json<std::string>(j, "backing_file");
}

void to_json(nlohmann::json& j, const BlockEvent& e) {
  j = {{"kind", e.kind},
       {"old", optional_to_json(e.old_device)},
       {"new", optional_to_json(e.new_device)}};
}

void from_json(const nlohmann::json& j, BlockEvent& e) {
  mirari::read_json(j.at("kind"), e.kind);
  e.old_device = optional_from_json<BlockDevice>(j, "old");
  e.new_device = optional_from_json<BlockDevice>(j, "new");
}

}  // namespace mirari::block
