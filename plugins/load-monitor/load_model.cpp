#include "load_model.hpp"

#include "mirari/json_read.hpp"

#include <algorithm>

namespace mirari::load {

LoadSample LoadModel::report(const Report& report, LoadSample::Source source) {
  const auto* known = reports_.find(report.instance);
  std::map<std::string, double> keys = known ? *known : std::map<std::string, double>{};
  if (report.key == kLoadKey && !keys.contains(kLoadKey)) averages_.erase(report.instance);
  keys[report.key] = report.value;
  reports_.set(report.instance, std::move(keys));
  if (report.key == kLoadKey) smooth(report.instance, report.value);
  return {report.instance, report.key, report.value, source};
}

LoadSample LoadModel::cpu(const std::string& instance, double share) {
  const auto* known = reports_.find(instance);
  std::map<std::string, double> keys = known ? *known : std::map<std::string, double>{};
  keys[kCpuKey] = share;
  const bool reports_load = keys.contains(kLoadKey);
  reports_.set(instance, std::move(keys));
  if (!reports_load) smooth(instance, share);
  return {instance, kCpuKey, share, LoadSample::Source::proc};
}

bool LoadModel::forget_cpu(const std::string& instance) {
  const auto* known = reports_.find(instance);
  if (known == nullptr || !known->contains(kCpuKey)) return false;
  std::map<std::string, double> keys = *known;
  keys.erase(kCpuKey);
  if (!keys.contains(kLoadKey)) {
    erase_load(instance);
    averages_.erase(instance);
  }
  if (keys.empty()) {
    reports_.erase(instance);
  } else {
    reports_.set(instance, std::move(keys));
  }
  return true;
}

bool LoadModel::forget(const std::string& instance) {
  const bool known = reports_.erase(instance);
  averages_.erase(instance);
  return erase_load(instance) || known;
}

LoadModel::State LoadModel::state() const {
  State state{reports_.build(), {}};
  for (const auto& [instance, average] : averages_) {
    state.samples[instance].assign(average.samples().begin(), average.samples().end());
  }
  return state;
}

void LoadModel::restore(const State& state) {
  reports_ = InstanceReports::Builder(state.reports);
  averages_.clear();
  by_instance_ = LoadByInstance::Builder();
  total_ = 0;
  for (const auto& [instance, samples] : state.samples) {
    for (const double sample : samples) smooth(instance, sample);
  }
}

void to_json(nlohmann::json& j, const LoadModel::State& s) {
  j = {{"reports", s.reports}, {"samples", s.samples}};
}

void from_json(const nlohmann::json& j, LoadModel::State& s) {
  mirari::read_json(j.at("reports"), s.reports);
  mirari::read_json(j.at("samples"), s.samples);
}

void LoadModel::smooth(const std::string& instance, double load) {
  auto it = averages_.try_emplace(instance, window_).first;
  set_load(instance, it->second.add(load));
}

void LoadModel::set_load(const std::string& instance, double load) {
  const double* was = by_instance_.find(instance);
  total_ += static_cast<long double>(load) - (was ? *was : 0.0);
  by_instance_.set(instance, load);
  count_change();
}

bool LoadModel::erase_load(const std::string& instance) {
  const double* was = by_instance_.find(instance);
  if (was == nullptr) return false;
  total_ -= *was;
  by_instance_.erase(instance);
  count_change();
  return true;
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
