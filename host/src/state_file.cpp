#include "state_file.hpp"

#include <fstream>
#include <sstream>

#include "atomic_file.hpp"
#include "bounded_json.hpp"

namespace mirari::host {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kFormat = 1;

std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char byte : bytes) {
    out += digits[byte >> 4];
    out += digits[byte & 0xf];
  }
  return out;
}

std::string unhex(const std::string& text) {
  const auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    throw StateFileError("a snapshot's \"hex\" holds '" + std::string(1, c) + "'");
  };
  if (text.size() % 2 != 0) throw StateFileError("a snapshot's \"hex\" has an odd length");
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    out += static_cast<char>(value(text[i]) * 16 + value(text[i + 1]));
  }
  return out;
}

json snapshot_json(const SavedSnapshot& s) {
  json out = {{"instance", s.instance}, {"plugin", s.plugin}};
  try {
    json(s.state).dump();  // throws on invalid UTF-8
    out["text"] = s.state;
  } catch (const json::type_error&) {
    out["hex"] = hex(s.state);
  }
  return out;
}

std::string text_of(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    throw StateFileError(std::string("an entry has no string \"") + key + "\"");
  }
  return it->get<std::string>();
}

}  // namespace

std::string state_text(const SavedState& state) {
  json loaded = json::array(), snapshots = json::array();
  for (const SavedInstance& i : state.loaded) {
    json entry = {{"name", i.name}, {"file", i.file.string()}, {"origin", i.origin}};
    if (!i.settings.empty()) entry["settings"] = i.settings;
    loaded.push_back(std::move(entry));
  }
  for (const SavedSnapshot& s : state.snapshots) snapshots.push_back(snapshot_json(s));
  return json({{"format", kFormat},
               {"loaded", std::move(loaded)},
               {"snapshots", std::move(snapshots)}})
             .dump(1, ' ', false, json::error_handler_t::replace) +
         "\n";
}

SavedState parse_state(std::string_view text) {
  json root;
  try {
    root = parse_bounded_json(text, 8);
  } catch (const BadJson& e) {
    throw StateFileError(e.what());
  }
  if (!root.is_object() || root.value("format", json()) != json(kFormat)) {
    throw StateFileError("it is not a format " + std::to_string(kFormat) + " state file");
  }
  SavedState state;
  const auto list = [&](const char* key) -> const json& {
    auto it = root.find(key);
    if (it == root.end() || !it->is_array()) {
      throw StateFileError(std::string("it has no \"") + key + "\" list");
    }
    return *it;
  };
  for (const json& i : list("loaded")) {
    if (!i.is_object()) throw StateFileError("an entry of \"loaded\" is not an object");
    SavedInstance instance{text_of(i, "name"), text_of(i, "file"), text_of(i, "origin"),
                           i.contains("settings") ? text_of(i, "settings") : ""};
    if (instance.origin != "control" && instance.origin != "directory") {
      throw StateFileError("an instance's origin is '" + instance.origin + "'");
    }
    state.loaded.push_back(std::move(instance));
  }
  for (const json& s : list("snapshots")) {
    if (!s.is_object()) throw StateFileError("an entry of \"snapshots\" is not an object");
    SavedSnapshot snapshot{text_of(s, "instance"), text_of(s, "plugin"), {}};
    snapshot.state = s.contains("hex") ? unhex(text_of(s, "hex")) : text_of(s, "text");
    state.snapshots.push_back(std::move(snapshot));
  }
  return state;
}

std::optional<SavedState> read_state(const fs::path& path, std::string& problem) {
  problem.clear();
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  try {
    if (!in.good() && !in.eof()) throw StateFileError("it cannot be read");
    return parse_state(text.str());
  } catch (const StateFileError& e) {
    const fs::path aside = path.string() + ".corrupt";
    fs::rename(path, aside, ec);
    problem = "state file " + path.string() + " cannot be read (" + e.what() + "); set aside as " +
              aside.string() + ", starting without it";
    return std::nullopt;
  }
}

void write_state(const fs::path& path, const SavedState& state) {
  write_file_atomically(path, state_text(state));
}

}  // namespace mirari::host
