#include "restart_state.hpp"

#include <spdlog/logger.h>

#include <algorithm>

#include "atomic_file.hpp"
#include "bounded_json.hpp"
#include "config_json.hpp"
#include "plugin_manager.hpp"

namespace mirari::host {

namespace fs = std::filesystem;

namespace {

bool held_out(const PluginManager& plugins, const std::string& instance) {
  return plugins.held_out() && plugins.held_out()->instance == instance;
}

}  // namespace

RestartState::RestartState(fs::path file, spdlog::logger& log)
    : file_(std::move(file)), log_(log) {}

void RestartState::begin(PluginManager& plugins) {
  std::string problem;
  auto state = read_state(file_, problem);
  if (!problem.empty()) log_.warn("{}", problem);
  if (!state) return;
  saved_ = std::move(*state);
  for (const auto& i : saved_.loaded) {
    if (held_out(plugins, i.name)) carried_.loaded.push_back(i);
  }
  for (const auto& s : saved_.snapshots) {
    if (held_out(plugins, s.instance)) carried_.snapshots.push_back(s);
  }
  plugins.offer_snapshots(saved_.snapshots);
}

void RestartState::load_runtime_instances(PluginManager& plugins) {
  for (const SavedInstance& i : saved_.loaded) {
    if (plugins.find(i.name) != nullptr || held_out(plugins, i.name)) continue;
    try {
      std::optional<toml::table> settings;
      if (!i.settings.empty()) {
        settings = toml_from_json(parse_bounded_json(i.settings, kMaxRequestDepth));
      }
      plugins.load(i.file, i.name, i.origin == "control" ? Origin::control : Origin::directory,
                   std::move(settings));
    } catch (const std::exception& e) {
      log_.error("'{}', loaded at run time before the restart, is not loaded again: {}", i.name,
                 e.what());
    }
  }
  plugins.forget_snapshots();
}

void RestartState::save(const PluginManager& plugins) {
  SavedState state;
  for (const auto& [instance, stopping] : plugins.list()) {
    if (stopping) continue;
    if (instance->origin() != Origin::config) {
      const PluginTable& table = instance->table();
      state.loaded.push_back({instance->name(), instance->file(),
                              std::string(to_string(instance->origin())),
                              table.given ? json_from_toml(table.values).dump() : ""});
    }
    try {
      if (auto snapshot = instance->snapshot()) {
        state.snapshots.push_back({instance->name(), instance->descriptor().name, *snapshot});
      }
    } catch (const std::exception& e) {
      instance->log().error("snapshot() failed, its state is not saved: {}", e.what());
    }
  }
  if (plugins.held_out()) {
    const std::string& held = plugins.held_out()->instance;
    for (const auto& i : carried_.loaded) {
      if (i.name == held) state.loaded.push_back(i);
    }
    for (const auto& s : carried_.snapshots) {
      if (s.instance == held) state.snapshots.push_back(s);
    }
  }
  try {
    write_state(file_, state);
    if (!last_failure_.empty()) log_.info("state saved to {} again", file_.string());
    last_failure_.clear();
  } catch (const AtomicWriteError& e) {
    // Once per cause: a full disk is not logged at every interval.
    if (last_failure_ != e.what()) {
      log_.error("cannot save mirarid's state ({}); mirarid keeps running", e.what());
    }
    last_failure_ = e.what();
  }
}

}  // namespace mirari::host
