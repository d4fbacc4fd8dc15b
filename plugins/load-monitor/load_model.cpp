#include "load_model.hpp"

namespace mirari::load {

LoadSample LoadModel::report(const Report& report, LoadSample::Source source) {
  auto& keys = reports_[report.instance];
  if (report.key == kLoadKey && !keys.contains(kLoadKey)) averages_.erase(report.instance);
  keys[report.key] = report.value;
  if (report.key == kLoadKey) smooth(report.instance, report.value);
  return {report.instance, report.key, report.value, source};
}

LoadSample LoadModel::cpu(const std::string& instance, double share) {
  auto& keys = reports_[instance];
  keys[kCpuKey] = share;
  if (!keys.contains(kLoadKey)) smooth(instance, share);
  return {instance, kCpuKey, share, LoadSample::Source::proc};
}

bool LoadModel::forget_cpu(const std::string& instance) {
  auto it = reports_.find(instance);
  if (it == reports_.end() || it->second.erase(kCpuKey) == 0) return false;
  if (!it->second.contains(kLoadKey)) {
    by_instance_.erase(instance);
    averages_.erase(instance);
  }
  if (it->second.empty()) reports_.erase(it);
  return true;
}

bool LoadModel::forget(const std::string& instance) {
  const bool known = reports_.erase(instance) > 0;
  averages_.erase(instance);
  return by_instance_.erase(instance) > 0 || known;
}

double LoadModel::total() const noexcept {
  double sum = 0;
  for (const auto& [instance, load] : by_instance_) sum += load;
  return sum;
}

LoadModel::State LoadModel::state() const {
  State state{reports_, {}};
  for (const auto& [instance, average] : averages_) {
    state.samples[instance].assign(average.samples().begin(), average.samples().end());
  }
  return state;
}

void LoadModel::restore(const State& state) {
  reports_ = state.reports;
  averages_.clear();
  by_instance_.clear();
  for (const auto& [instance, samples] : state.samples) {
    for (const double sample : samples) smooth(instance, sample);
  }
}

void to_json(nlohmann::json& j, const LoadModel::State& s) {
  j = {{"reports", s.reports}, {"samples", s.samples}};
}

void from_json(const nlohmann::json& j, LoadModel::State& s) {
  j.at("reports").get_to(s.reports);
  j.at("samples").get_to(s.samples);
}

void LoadModel::smooth(const std::string& instance, double load) {
  auto it = averages_.try_emplace(instance, window_).first;
  by_instance_[instance] = it->second.add(load);
}

}  // namespace mirari::load
