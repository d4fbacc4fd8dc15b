// Port catalogue: the load of each instance, every value instances report, and each sample as
// it arrives. Published by the stock load-monitor plugin (which reads xen.data too: see
// xen.hpp).
//
//   port               constant     kind    C++ type         stable type name
//   load.by_instance   kByInstance  signal  LoadByInstance   table<string,float64>
//   load.total         kTotal       signal  double           float64
//   instances.reports  kReports     signal  InstanceReports  table<string,table<string,float64>>
//   load.samples       kSamples     event   LoadSamples      list<load.sample>
//   load.rejected      kRejected    signal  std::uint64_t    uint64
//
// JSON forms, for tools (mirarictl get, watch, set):
//   LoadSample       {"instance": "web-1", "key": "load", "value": 0.75,
//                     "source": "report" | "proc" | "xenstore"}
//   LoadByInstance   {"web-1": 0.75, ...}
//   InstanceReports  {"web-1": {"cpu": 0.5, "load": 0.75, "queue": 12}, ...}
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mirari/json_form.hpp"
#include "mirari/table.hpp"
#include "mirari/type_layout.hpp"

namespace mirari::ports::load {

// Smoothed load per instance, by instance name (1.0 = one busy CPU): the mean of its last
// `window` samples of its reported "load", or of its sampled "cpu" when it never reports one.
// An instance appears with its first report or sample.
inline constexpr const char* kByInstance = "load.by_instance";
// The sum of load.by_instance.
inline constexpr const char* kTotal = "load.total";
// The latest value of every key per instance, reported or sampled ("cpu").
inline constexpr const char* kReports = "instances.reports";
// The samples one tick took, in the order they arrived.
inline constexpr const char* kSamples = "load.samples";
// Report lines refused so far: lines that are not "NAME KEY VALUE" with a finite number.
inline constexpr const char* kRejected = "load.rejected";

// The report key whose value is an instance's load, when the instance reports it.
inline constexpr const char* kLoadKey = "load";
// The key of the CPU share sampled from /proc for process instances (1.0 = one CPU).
inline constexpr const char* kCpuKey = "cpu";

// One value, as it arrived.
struct LoadSample {
  // report: a line on the monitor's socket; proc: sampled from /proc/<pid>/stat; xenstore:
  // a value under the domain's data/ (from xen.data).
  enum class Source { report, proc, xenstore };
  std::string instance;  // the instance's name (a domain's name for xenstore)
  std::string key;       // what was measured ("load", "cpu", "queue", ...)
  double value = 0;      // in the key's own unit (load and cpu: 1.0 = one busy CPU)
  Source source = Source::report;
  friend bool operator==(const LoadSample&, const LoadSample&) = default;
};

using LoadByInstance = Table<std::string, double>;
// Each instance's keys are a Table too, not a std::map: a new version of the fleet's table copies
// the entries of the nodes on a changed key's path, and copying a Table is taking a reference
// where copying a map allocates each of its nodes anew.
using InstanceReports = Table<std::string, Table<std::string, double>>;
using LoadSamples = std::vector<LoadSample>;

NLOHMANN_JSON_SERIALIZE_ENUM(LoadSample::Source, {{LoadSample::Source::report, "report"},
                                                  {LoadSample::Source::proc, "proc"},
                                                  {LoadSample::Source::xenstore, "xenstore"}})

inline void to_json(nlohmann::json& j, const LoadSample& s) {
  j = {{"instance", s.instance}, {"key", s.key}, {"value", s.value}, {"source", s.source}};
}

inline void from_json(const nlohmann::json& j, LoadSample& s) {
  read_json(j.at("instance"), s.instance);
  read_json(j.at("key"), s.key);
  read_json(j.at("value"), s.value);
  read_json(j.at("source"), s.source);
}

}  // namespace mirari::ports::load

MIRARI_ENUM(mirari::ports::load::LoadSample::Source, "load.sample_source", report, proc, xenstore)
MIRARI_TYPE(mirari::ports::load::LoadSample, "load.sample", instance, key, value, source)
