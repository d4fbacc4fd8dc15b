// What the load monitor publishes: each instance's load, every value instances report, and
// each sample as it arrives.
//
// Ports (see load_monitor_plugin.hpp):
//   load.by_instance   signal  Table<std::string, double>  (type "table<string,float64>"):
//                              smoothed load per instance (1.0 = one busy CPU)
//   load.total         signal  double  (type "float64"): sum of load.by_instance
//   instances.reports  signal  Table<std::string, std::map<std::string, double>>
//                              (type "table<string,map<string,float64>>"): the latest value
//                              of every key per instance, reported or sampled ("cpu")
//   load.samples       event   std::vector<LoadSample>  (type "list<load.sample>"): the
//                              samples one tick took, in the order they arrived
//   load.rejected      signal  std::uint64_t  (type "uint64"): report lines refused so far
//
// JSON forms, for tools:
//   LoadSample      {"instance": "web-1", "key": "load", "value": 0.75,
//                    "source": "report" | "proc" | "xenstore"}
//   LoadByInstance  {"web-1": 0.75, ...}
//   InstanceReports {"web-1": {"cpu": 0.5, "load": 0.75, "queue": 12}, ...}
#pragma once

#include <map>
#include <string>

#include <mirari/ports/load.hpp>
#include <mirari/table.hpp>
#include <mirari/type_name.hpp>
#include <nlohmann/json.hpp>

namespace mirari::load {

using LoadByInstance = ports::LoadByInstance;  // the port catalogue's type
using InstanceReports = mirari::Table<std::string, std::map<std::string, double>>;

// The key whose value is an instance's load, when the instance reports it.
inline constexpr const char* kLoadKey = "load";
// The key of the CPU share sampled from /proc for process instances.
inline constexpr const char* kCpuKey = "cpu";

struct LoadSample {
  enum class Source { report, proc, xenstore };
  std::string instance;
  std::string key;
  double value = 0;
  Source source = Source::report;
  friend bool operator==(const LoadSample&, const LoadSample&) = default;
};

NLOHMANN_JSON_SERIALIZE_ENUM(LoadSample::Source, {{LoadSample::Source::report, "report"},
                                                  {LoadSample::Source::proc, "proc"},
                                                  {LoadSample::Source::xenstore, "xenstore"}})

void to_json(nlohmann::json& j, const LoadSample& s);
void from_json(const nlohmann::json& j, LoadSample& s);

}  // namespace mirari::load

MIRARI_TYPE_NAME(mirari::load::LoadSample, "load.sample")
