#include "load_sample.hpp"

namespace mirari::load {

void to_json(nlohmann::json& j, const LoadSample& s) {
  j = {{"instance", s.instance}, {"key", s.key}, {"value", s.value}, {"source", s.source}};
}

void from_json(const nlohmann::json& j, LoadSample& s) {
  j.at("instance").get_to(s.instance);
  j.at("key").get_to(s.key);
  j.at("value").get_to(s.value);
  j.at("source").get_to(s.source);
}

}  // namespace mirari::load
