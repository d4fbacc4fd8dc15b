#include "load_model.hpp"

#include "mirari/json_read.hpp"

#include <algorithm>

namespace mirari::load {

LoadSample LoadModel::report(std::string_view name, std::string_view key, double value,
                             LoadSample::Source source) {
  const auto it = instance(name);
  Instance& state = it->second;
  const bool is_load = key == kLoadKey;
  // An instance's first load report ends the CPU samples' part in its average.
  if (is_load && !state.reports_load) {
    state.average.clear();
    state.reports_load = true;
  }
  std::string key_text(key);
  state.keys = state.keys.set(key_text, value);
  publish_keys(it->first, state);
  if (is_load) smooth(it->first, state, value);
  return {it->first, std::move(key_text), value, source};
}

LoadSample LoadModel::cpu(const std::string& name, double share) {
  const auto it = instance(name);
  Instance& state = it->second;
  state.keys = state.keys.set(kCpuKey, share);
  publish_keys(name, state);
  if (!state.reports_load) smooth(name, state, share);
  return {name, kCpuKey, share, LoadSample::Source::proc};
}

bool LoadModel::forget_cpu(const std::string& name) {
  const auto it = instances_.find(name);
  if (it == instances_.end()) return false;
  Instance& state = it->second;
  if (!state.keys.contains(kCpuKey)) return false;
  state.keys = state.keys.erase(kCpuKey);
  if (!state.reports_load) {
    erase_load(name, state);
    state.average.clear();
  }
  if (state.keys.empty()) {
    reports_.erase(name);
  } else {
    publish_keys(name, state);
  }
  drop_if_unknown(it);
  return true;
}

bool LoadModel::forget(const std::string& name) {
  const auto it = instances_.find(name);
  if (it == instances_.end()) return false;
  const bool known = reports_.erase(name);
  const bool had_load = erase_load(name, it->second);
  instances_.erase(it);
  return had_load || known;
}

LoadModel::State LoadModel::state() const {
  State state{reports_.build(), {}};
  for (const auto& [name, instance] : instances_) {
    if (instance.average.size() > 0) state.samples.emplace(name, instance.average.samples());
  }
  return state;
}

void LoadModel::restore(const State& state) {
  instances_.clear();
  reports_ = InstanceReports::Builder(state.reports);
  by_instance_ = LoadByInstance::Builder();
  total_ = 0;
  for (const auto& [name, keys] : state.reports) {
    Instance& known = instance(name)->second;
    known.keys = keys;
    known.reports_load = keys.contains(kLoadKey);
  }
  for (const auto& [name, samples] : state.samples) {
    const auto it = instance(name);
    for (const double sample : samples) smooth(it->first, it->second, sample);
  }
}

void to_json(nlohmann::json& j, const LoadModel::State& s) {
  j = {{"reports", s.reports}, {"samples", s.samples}};
}

void from_json(const nlohmann::json& j, LoadModel::State& s) {
  mirari::read_json(j.at("reports"), s.reports);
  mirari::read_json(j.at("samples"), s.samples);
}

LoadModel::Instances::iterator LoadModel::instance(std::string_view name) {
  auto it = instances_.find(name);
  if (it == instances_.end()) it = instances_.try_emplace(std::string(name), window_).first;
  return it;
}

void LoadModel::publish_keys(const std::string& name, const Instance& state) {
  reports_.set(name, state.keys);
}

void LoadModel::smooth(const std::string& name, Instance& state, double load) {
  const double average = state.average.add(load);
  total_ += static_cast<long double>(average) - state.load.value_or(0.0);
  state.load = average;
  by_instance_.set(name, average);
  count_change();
}

bool LoadModel::erase_load(const std::string& name, Instance& state) {
  if (!state.load) return false;
  total_ -= *state.load;
  state.load.reset();
  by_instance_.erase(name);
  count_change();
  return true;
}

void LoadModel::drop_if_unknown(Instances::iterator it) {
  if (it->second.keys.empty() && !it->second.load) instances_.erase(it);
}

void LoadModel::count_change() {
  if (by_instance_.size() == 0) {
    total_ = 0;
    changes_since_exact_ = 0;
    return;
  }
  if (++changes_since_exact_ < std::max<std::size_t>(by_instance_.size(), 64)) return;
  changes_since_exact_ = 0;
  total_ = 0;
  for (const auto& [instance, load] : by_instance_.build()) total_ += load;
}

}  // namespace mirari::load
