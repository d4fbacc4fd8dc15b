#include "load_sample.hpp"

#include "mirari/json_read.hpp"

namespace mirari::load {

void to_json(nlohmann::json& j, const LoadSample& s) {
  j = {{"instance", s.instance}, {"key", s.key}, {"value", s.value}, {"source", s.source}};
}

void from_json(const nlohmann::json& j, LoadSample& s) {
  mirari::read_json(j.at("instance"), s.instance);
  mirari::read_json(j.at("key"), s.key);
  mirari::read_json(j.at("value"), s.value);
  mirari::read_json(j.at("source"), s.source);
}

}  // namespace mirari::load
