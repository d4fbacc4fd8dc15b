#include "human_output.hpp"

#include "control_command_table.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

namespace mirari::host {

using nlohmann::json;

namespace {

using Row = std::vector<std::string>;

// Columns padded to their widest cell; the last column is not padded.
std::string table(const Row& header, const std::vector<Row>& rows) {
  std::vector<std::size_t> width(header.size(), 0);
  const auto measure = [&](const Row& row) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  };
  measure(header);
  for (const Row& row : rows) measure(row);
  std::ostringstream out;
  const auto print = [&](const Row& row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out << row[i];
      if (i + 1 < row.size()) out << std::string(width[i] - row[i].size() + 2, ' ');
    }
    out << '\n';
  };
  print(header);
  for (const Row& row : rows) print(row);
  return out.str();
}

std::string text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::string duration(std::int64_t seconds) {
  std::ostringstream out;
  if (seconds >= 86400) out << seconds / 86400 << "d ";
  if (seconds >= 3600) out << (seconds % 86400) / 3600 << "h ";
  if (seconds >= 60) out << (seconds % 3600) / 60 << "m ";
  out << seconds % 60 << "s";
  return out.str();
}

std::string micros(const json& ns) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << ns.get<double>() / 1000.0 << " us";
  return out.str();
}

// One row per key, a nested key named by its path: `template.memory` in a table, `groups[].name`
// in each table of an array. config (an instance's flat values, by path) adds a VALUE column.
void describe_rows(const json& keys, const std::string& prefix, const json* config,
                   std::vector<Row>& rows) {
  for (const json& k : keys) {
    const std::string path = prefix + text(k["name"]);
    const std::string type = text(k["type"]);
    Row row{path, type,
            k["required"].get<bool>() ? "(required)"
                                      : (k.contains("default") ? text(k["default"]) : "")};
    if (config != nullptr) row.push_back(config->contains(path) ? text((*config)[path]) : "");
    row.push_back(text(k["description"]));
    rows.push_back(std::move(row));
    if (k.contains("keys")) {
      describe_rows(k["keys"], path + (type == "table" ? "." : "[]."), config, rows);
    }
  }
}

}  // namespace

namespace human {

std::string status_text(const json& r) {
  std::ostringstream out;
  out << "mirarid " << text(r["version"]) << " (pid " << r["pid"] << "), up "
      << duration(r["uptime_s"].get<std::int64_t>()) << '\n';
  out << table({"plugins", text(r["plugins"])},
               {{"nodes", text(r["nodes"])},
                {"ports", text(r["ports"])},
                {"tick", text(r["tick"])},
                {"socket", text(r["control_socket"])},
                {"config", r["config"].get<std::string>().empty() ? "(none)" : text(r["config"])}});
  return out.str();
}

std::string plugins_text(const json& r) {
  std::vector<Row> rows;
  for (const json& p : r) {
    rows.push_back({text(p["name"]), text(p["plugin"]), text(p["version"]), text(p["kind"]),
                    text(p["state"]), text(p["reloads"]), text(p["origin"]), text(p["file"])});
  }
  if (rows.empty()) return "no plugin instance is loaded\n";
  return table({"NAME", "PLUGIN", "VERSION", "KIND", "STATE", "RELOADS", "ORIGIN", "FILE"}, rows);
}

std::string nodes_text(const json& r) {
  std::vector<Row> rows;
  for (const json& n : r) {
    rows.push_back({text(n["name"]), text(n["owner"]), text(n["kind"]),
                    (n["event"].get<bool>() ? "event<" : "signal<") + text(n["type"]) + ">",
                    text(n["height"]), text(n["recomputes"]),
                    n.value("needed", true) ? "yes" : "idle"});
  }
  return table({"NODE", "OWNER", "KIND", "TYPE", "HEIGHT", "RECOMPUTES", "NEEDED"}, rows);
}

std::string ports_text(const json& r) {
  std::vector<Row> rows;
  for (const json& p : r) {
    const std::string publisher = text(p["publisher"]);
    rows.push_back({text(p["name"]), p["event"].get<bool>() ? "event" : "signal", text(p["type"]),
                    publisher.empty() ? "(none)" : publisher, text(p["subscribers"]),
                    p.contains("meaning") ? text(p["meaning"]) : ""});
  }
  if (rows.empty()) return "no port\n";
  return table({"PORT", "KIND", "TYPE", "PUBLISHER", "SUBSCRIBERS", "MEANING"}, rows);
}

std::string graph_text(const json& r) {
  if (r.contains("dot")) return text(r["dot"]);
  return nodes_text(r["nodes"]) + '\n' + ports_text(r["ports"]);
}

std::string stats_text(const json& r) {
  const json& t = r["tick_duration_ns"];
  return table({"ticks", text(r["ticks"])}, {{"rolled back", text(r["rolled_back"])},
                                             {"inputs", text(r["inputs"])},
                                             {"recomputes", text(r["recomputes"])},
                                             {"effects", text(r["effects"])},
                                             {"effect errors", text(r["effect_errors"])},
                                             {"nodes", text(r["nodes"])},
                                             {"idle nodes", text(r["idle_nodes"])},
                                             {"max height", text(r["max_height"])},
                                             {"tick p50", micros(t["p50"])},
                                             {"tick p90", micros(t["p90"])},
                                             {"tick p99", micros(t["p99"])},
                                             {"tick max", micros(t["max"])},
                                             {"over last", text(t["window"]) + " ticks"}});
}

namespace {

std::string keys_text(const json& d) {
  if (d["keys"].empty()) return "no configuration keys\n";
  std::vector<Row> rows;
  describe_rows(d["keys"], "", d.contains("config") ? &d["config"] : nullptr, rows);
  if (d.contains("config")) return table({"KEY", "TYPE", "DEFAULT", "VALUE", "DESCRIPTION"}, rows);
  return table({"KEY", "TYPE", "DEFAULT", "DESCRIPTION"}, rows);
}

// A description from a mirarid older than port declarations has no "ports".
std::string declared_ports_text(const json& d) {
  if (!d.contains("ports") || d["ports"].empty()) return "no declared ports\n";
  std::vector<Row> rows;
  for (const json& p : d["ports"]) {
    std::string name = text(p["name"]);
    if (p.contains("configured_name")) {
      name += " (here " + text(p["configured_name"]) + ")";
    } else if (p.contains("default_name")) {
      name += " (default " + text(p["default_name"]) + ")";
    }
    rows.push_back({std::move(name), text(p["direction"]), text(p["kind"]), text(p["type"]),
                    text(p["meaning"])});
  }
  return table({"PORT", "DIRECTION", "KIND", "TYPE", "MEANING"}, rows);
}

}  // namespace

std::string describe_text(const json& d) {
  std::ostringstream out;
  out << text(d["plugin"]) << ' ' << text(d["version"]) << " (" << text(d["kind"]) << ")";
  if (!text(d["summary"]).empty()) out << ": " << text(d["summary"]);
  out << '\n';
  if (d.contains("instance")) out << "instance " << text(d["instance"]) << '\n';
  if (d.contains("file")) out << "file     " << text(d["file"]) << '\n';
  out << '\n' << keys_text(d) << '\n' << declared_ports_text(d);
  return out.str();
}

std::string load_text(const json& r) {
  return "loaded " + text(r["name"]) + " (" + text(r["plugin"]) + " " + text(r["version"]) +
         ") from " + text(r["file"]) + "\n";
}

std::string unload_text(const json& r) {
  return "unloaded " + text(r["name"]) + "\n";
}

std::string reload_text(const json& r) {
  return "reloaded " + text(r["name"]) + " (" + text(r["plugin"]) + " " + text(r["version"]) +
         ")\n";
}

std::string metrics_text(const json& r) {
  return text(r);
}

std::string value_text(const json& r) {
  return r.dump(2) + "\n";
}

std::string change_text(const json& r) {
  return r.dump() + "\n";
}

std::string nothing(const json&) {
  return "";
}

}  // namespace human

std::string human_text(const std::string& cmd, const json& result) {
  const ControlCommand* command = find_control_command(cmd);
  return command != nullptr ? command->human(result) : result.dump() + "\n";
}

}  // namespace mirari::host
