// Invariant: each port appears in one row, whatever the number of plugins declaring it, and
// the rows depend only on the declarations (not on the order of their files but for meanings).
#include "port_table.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace mirari::host {

using nlohmann::json;

namespace {

struct Row {
  std::string kind, type, meaning, first_plugin;
  std::vector<std::string> publishers, subscribers;
  bool meaning_from_publisher = false;
};

std::string cell(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string names(std::vector<std::string> plugins) {
  std::sort(plugins.begin(), plugins.end());
  plugins.erase(std::unique(plugins.begin(), plugins.end()), plugins.end());
  std::string out;
  for (const std::string& p : plugins) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

std::string port_table_markdown(const std::vector<json>& descriptions) {
  std::map<std::string, Row> rows;
  for (const json& d : descriptions) {
    const std::string plugin = d.at("plugin").get<std::string>();
    for (const json& p : d.value("ports", json::array())) {
      const std::string name = p.value("default_name", p.at("name").get<std::string>());
      const std::string kind = p.at("kind").get<std::string>();
      const std::string type = p.at("type").get<std::string>();
      const bool publishes = p.at("direction") == "publishes";
      auto [it, added] = rows.try_emplace(name, Row{kind, type, "", plugin, {}, {}, false});
      Row& row = it->second;
      if (row.kind != kind || row.type != type) {
        throw PortTableError("port '" + name + "' is a " + row.kind + " of " + row.type + " for " +
                             row.first_plugin + " but a " + kind + " of " + type + " for " +
                             plugin);
      }
      (publishes ? row.publishers : row.subscribers).push_back(plugin);
      if (row.meaning.empty() || (publishes && !row.meaning_from_publisher)) {
        row.meaning = p.at("meaning").get<std::string>();
        row.meaning_from_publisher = publishes;
      }
    }
  }
  std::ostringstream out;
  out << "| Port | Kind | Type | Published by | Subscribed by | Meaning |\n"
      << "|---|---|---|---|---|---|\n";
  for (const auto& [name, row] : rows) {
    out << "| `" << cell(name) << "` | " << row.kind << " | `" << cell(row.type) << "` | "
        << names(row.publishers) << " | " << names(row.subscribers) << " | " << cell(row.meaning)
        << " |\n";
  }
  return out.str();
}

}  // namespace mirari::host
