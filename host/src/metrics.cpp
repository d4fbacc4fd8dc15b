#include "metrics.hpp"

#include <sstream>

namespace mirari::host {

namespace {

std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

class Exposition {
 public:
  template <class V>
  void single(const char* name, const char* type, const char* help, V value) {
    family(name, type, help);
    out_ << name << ' ' << value << '\n';
  }
  void family(const char* name, const char* type, const char* help) {
    out_ << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  }
  std::ostream& line() { return out_; }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

double seconds(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

}  // namespace

std::string prometheus_text(const Metrics& m) {
  Exposition e;
  e.single("mirari_ticks_total", "counter", "Ticks committed by the graph.", m.graph.ticks);
  e.single("mirari_ticks_rolled_back_total", "counter", "Ticks undone because a node failed.",
           m.graph.rolled_back);
  e.single("mirari_inputs_total", "counter", "Inputs taken into ticks.", m.graph.inputs);
  e.single("mirari_recomputes_total", "counter", "Node computations.", m.graph.recomputes);
  e.single("mirari_effects_total", "counter", "Effects run after commit.", m.graph.effects);
  e.single("mirari_effect_errors_total", "counter", "Effects that failed.", m.graph.effect_errors);
  e.single("mirari_nodes", "gauge", "Nodes in the graph.", m.graph.nodes);
  e.single("mirari_ports", "gauge", "Ports in the graph.", m.ports);
  e.single("mirari_plugins", "gauge", "Plugin instances loaded.", m.instances.size());

  e.family("mirari_tick_duration_seconds", "summary",
           "Duration of ticks; quantiles over the most recent ticks.");
  const std::pair<const char*, std::uint64_t> quantiles[] = {
      {"0.5", m.ticks.p50_ns}, {"0.9", m.ticks.p90_ns}, {"0.99", m.ticks.p99_ns}};
  for (const auto& [q, ns] : quantiles) {
    e.line() << "mirari_tick_duration_seconds{quantile=\"" << q << "\"} " << seconds(ns) << '\n';
  }
  e.line() << "mirari_tick_duration_seconds_sum " << seconds(m.ticks.total_ns) << '\n';
  e.line() << "mirari_tick_duration_seconds_count " << m.ticks.count << '\n';

  e.family("mirari_plugin_reloads_total", "counter", "Successful reloads of a plugin instance.");
  for (const auto& i : m.instances) {
    e.line() << "mirari_plugin_reloads_total{instance=\"" << label(i.instance) << "\",plugin=\""
             << label(i.plugin) << "\"} " << i.reloads << '\n';
  }
  e.family("mirari_plugin_work_in_flight", "gauge",
           "Work a plugin instance posted that is queued or running.");
  for (const auto& i : m.instances) {
    e.line() << "mirari_plugin_work_in_flight{instance=\"" << label(i.instance) << "\",plugin=\""
             << label(i.plugin) << "\"} " << i.work_in_flight << '\n';
  }
  return e.text();
}

}  // namespace mirari::host
