// The load of every instance, as reports and CPU samples build it. No I/O, no clock.
//
// Invariants:
// - reports() holds, per instance, the latest value of every key it reported, and "cpu" for
//   process instances once sampled twice.
// - by_instance() holds the moving average (see smoother.hpp) of an instance's load
//   samples: its reported "load" values if it has ever reported one, else its sampled CPU
//   shares. Once an instance reports "load", its CPU share no longer feeds its load, so the
//   two scales never mix in one average.
// - A process instance that is gone (forget_cpu()) loses its "cpu" key, and its load too
//   unless it reported one itself: a dead process has no load to scale on.
// - total() is the sum of by_instance(), kept as each load changes (O(1) per report) and
//   summed again exactly once the changes since the last exact sum outnumber the instances,
//   so rounding cannot accumulate.
// - instances_ holds an entry for exactly the instances that reports() or by_instance() hold,
//   and each entry says what those two tables hold for it: a report finds its instance's
//   state with one lookup by the name's view, and writes each table once, without reading it.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "load_ports.hpp"
#include "report_parser.hpp"
#include "smoother.hpp"

namespace mirari::load {

class LoadModel {
 public:
  explicit LoadModel(std::size_t window) : window_(window) {}

  // Applies a value an instance reported (on the socket, or in XenStore); returns the sample
  // to publish. O(1) in the number of instances, and allocates only for an instance's first
  // report or first value of a key.
  LoadSample report(std::string_view instance, std::string_view key, double value,
                    LoadSample::Source source = LoadSample::Source::report);
  LoadSample report(const Report& report, LoadSample::Source source = LoadSample::Source::report) {
    return this->report(report.instance, report.key, report.value, source);
  }
  // Applies a CPU share sampled for a process instance; returns the sample to publish.
  LoadSample cpu(const std::string& instance, double share);
  // Drops what CPU sampling said of a process instance that can no longer be sampled.
  // Returns whether anything changed.
  bool forget_cpu(const std::string& instance);
  // Drops everything known of an instance that is gone (a domain XenStore no longer lists).
  // Returns whether anything changed.
  bool forget(const std::string& instance);

  // The current versions, O(1): later reports never change them.
  LoadByInstance by_instance() const noexcept { return by_instance_.build(); }
  InstanceReports reports() const noexcept { return reports_.build(); }
  double total() const noexcept { return static_cast<double>(total_); }

  // What a reload carries over: the latest reports and the samples each average holds.
  struct State {
    InstanceReports reports;
    std::map<std::string, std::vector<double>> samples;  // by instance, oldest first
    friend bool operator==(const State&, const State&) = default;
  };
  State state() const;
  // Takes over state from a model that may have had another window: the newest samples that
  // fit this one are averaged again.
  void restore(const State& state);

 private:
  // What the model knows of one instance.
  struct Instance {
    explicit Instance(std::size_t window) : average(window) {}
    Table<std::string, double> keys;  // what reports() holds for it; empty: absent
    bool reports_load = false;        // keys holds kLoadKey
    MovingAverage average;            // its load samples; empty: none
    std::optional<double> load;       // what by_instance() holds for it
  };
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const noexcept {
      return std::hash<std::string_view>{}(name);
    }
  };
  using Instances = std::unordered_map<std::string, Instance, NameHash, std::equal_to<>>;

  Instances::iterator instance(std::string_view name);
  void publish_keys(const std::string& name, const Instance& state);
  void smooth(const std::string& name, Instance& state, double load);
  bool erase_load(const std::string& name, Instance& state);
  void drop_if_unknown(Instances::iterator it);
  void count_change();

  std::size_t window_;
  Instances instances_;
  LoadByInstance::Builder by_instance_;
  InstanceReports::Builder reports_;
  long double total_ = 0;
  std::size_t changes_since_exact_ = 0;
};

void to_json(nlohmann::json& j, const LoadModel::State& s);
void from_json(const nlohmann::json& j, LoadModel::State& s);

}  // namespace mirari::load
