#include "state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "atomic_file.hpp"
#include "mirari/json_read.hpp"

namespace mirari::instances {

namespace {

constexpr int kFormat = 1;

nlohmann::json to_json(const RecordedInstance& recorded) {
  nlohmann::json entry = {{"instance", recorded.instance},
                          {"spec", recorded.spec},
                          {"start_time", recorded.start_time}};
  if (!recorded.domain_uuid.empty()) entry["domain_uuid"] = recorded.domain_uuid;
  return entry;
}

RecordedInstance recorded_instance(const nlohmann::json& entry) {
  RecordedInstance recorded;
  mirari::read_json(entry.at("instance"), recorded.instance);
  mirari::read_json(entry.at("spec"), recorded.spec);
  mirari::read_json(entry.at("start_time"), recorded.start_time);
  if (const auto uuid = entry.find("domain_uuid"); uuid != entry.end()) {
    mirari::read_json(*uuid, recorded.domain_uuid);
  }
  return recorded;
}

RecordedState whole_state(const nlohmann::json& j) {
  if (j.at("format").get<int>() != kFormat) {
    throw std::invalid_argument("format " + j.at("format").dump() + " is not " +
                                std::to_string(kFormat));
  }
  RecordedState state;
  mirari::read_json(j.at("next_serial"), state.next_serial);
  for (const auto& [name, entry] : j.at("instances").items()) {
    state.instances.emplace(name, recorded_instance(entry));
  }
  return state;
}

StateChanges state_changes(const nlohmann::json& j) {
  StateChanges changes;
  mirari::read_json(j.at("next_serial"), changes.next_serial);
  for (const auto& [name, entry] : j.at("instances").items()) {
    changes.instances.emplace(
        name, entry.is_null() ? std::nullopt : std::optional(recorded_instance(entry)));
  }
  return changes;
}

// The state text holds: its first line and the complete change lines after it; or, when the
// first line is not a whole JSON value, the whole text as one state (an earlier format).
RecordedState parse_state(std::string_view text) {
  const std::size_t first_end = text.find('\n');
  const std::string_view first = text.substr(0, first_end);
  if (first_end == std::string_view::npos || !nlohmann::json::accept(first.begin(), first.end())) {
    return whole_state(nlohmann::json::parse(text.begin(), text.end()));
  }
  RecordedState state = whole_state(nlohmann::json::parse(first.begin(), first.end()));
  std::size_t line = 1;
  for (std::size_t at = first_end + 1; at < text.size(); ++line) {
    const std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) break;  // an append cut short: never flushed
    const std::string_view change = text.substr(at, end - at);
    at = end + 1;
    if (change.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    try {
      apply_state_changes(state,
                          state_changes(nlohmann::json::parse(change.begin(), change.end())));
    } catch (const std::exception& e) {
      throw std::invalid_argument("change on line " + std::to_string(line + 1) + ": " + e.what());
    }
  }
  return state;
}

[[noreturn]] void fail(int error, const std::filesystem::path& path) {
  throw std::system_error(error, std::generic_category(),
                          "cannot append to '" + path.string() + "'");
}

}  // namespace

void apply_state_changes(RecordedState& state, const StateChanges& changes) {
  state.next_serial = changes.next_serial;
  for (const auto& [name, recorded] : changes.instances) {
    if (recorded) {
      state.instances.insert_or_assign(name, *recorded);
    } else {
      state.instances.erase(name);
    }
  }
}

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
    return parse_state(text.str());
  } catch (const std::exception& e) {
    throw std::runtime_error("state file '" + path.string() + "' is not a state of the " +
                             "instance manager: " + e.what());
  }
}

void write_state_file(const std::filesystem::path& path, const RecordedState& state, Flush flush) {
  nlohmann::json instances = nlohmann::json::object();
  for (const auto& [name, recorded] : state.instances) instances[name] = to_json(recorded);
  const nlohmann::json j = {
      {"format", kFormat}, {"next_serial", state.next_serial}, {"instances", std::move(instances)}};
  write_file_atomically(path, j.dump() + "\n", flush);
}

void append_state_changes(const std::filesystem::path& path, const StateChanges& changes,
                          Flush flush) {
  nlohmann::json instances = nlohmann::json::object();
  for (const auto& [name, recorded] : changes.instances) {
    instances[name] = recorded ? to_json(*recorded) : nullptr;
  }
  const nlohmann::json j = {{"next_serial", changes.next_serial},
                            {"instances", std::move(instances)}};
  const std::string line = j.dump() + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) fail(errno, path);
  int error = 0;
  for (std::size_t done = 0; done < line.size() && error == 0;) {
    const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error = errno;
    if (n >= 0) done += static_cast<std::size_t>(n);
  }
  if (error == 0 && flush == Flush::to_disk && ::fdatasync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) fail(error, path);
}

}  // namespace mirari::instances
