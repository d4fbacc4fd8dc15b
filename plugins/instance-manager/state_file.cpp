#include "state_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "mirari/json_read.hpp"

namespace mirari::instances {

namespace {

constexpr int kFormat = 1;

}  // namespace

RecordedState read_state_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) {
    std::error_code error;
    if (!std::filesystem::exists(path, error) && !error) return {};
    throw std::runtime_error("state file '" + path.string() + "' cannot be read");
  }
  std::ostringstream text;
  text << file.rdbuf();
  try {
    const nlohmann::json j = nlohmann::json::parse(text.str());
    if (j.at("format").get<int>() != kFormat) {
      throw std::invalid_argument("format " + j.at("format").dump() + " is not " +
                                  std::to_string(kFormat));
    }
    RecordedState state;
    mirari::read_json(j.at("next_serial"), state.next_serial);
    for (const auto& [name, entry] : j.at("instances").items()) {
      RecordedInstance recorded;
      mirari::read_json(entry.at("instance"), recorded.instance);
      mirari::read_json(entry.at("spec"), recorded.spec);
      mirari::read_json(entry.at("start_time"), recorded.start_time);
      if (const auto uuid = entry.find("domain_uuid"); uuid != entry.end()) {
        mirari::read_json(*uuid, recorded.domain_uuid);
      }
      state.instances.emplace(name, std::move(recorded));
    }
    return state;
  } catch (const std::exception& e) {
    throw std::runtime_error("state file '" + path.string() + "' is not a state of the " +
                             "instance manager: " + e.what());
  }
}

void write_state_file(const std::filesystem::path& path, const RecordedState& state) {
  nlohmann::json instances = nlohmann::json::object();
  for (const auto& [name, recorded] : state.instances) {
    nlohmann::json& entry = instances[name];
    entry = {{"instance", recorded.instance},
             {"spec", recorded.spec},
             {"start_time", recorded.start_time}};
    if (!recorded.domain_uuid.empty()) entry["domain_uuid"] = recorded.domain_uuid;
  }
  const nlohmann::json j = {
      {"format", kFormat}, {"next_serial", state.next_serial}, {"instances", std::move(instances)}};
  write_file_atomically(path, j.dump(2) + "\n");
}

}  // namespace mirari::instances
