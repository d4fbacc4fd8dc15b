#include "crash_marker.hpp"

#include <fstream>
#include <sstream>

#include "bounded_json.hpp"

namespace mirari::host {

namespace fs = std::filesystem;

std::optional<CrashMarker> read_crash_marker(const fs::path& path, std::string& problem) {
  problem.clear();
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  try {
    const nlohmann::json j = parse_bounded_json(text.str(), 4);
    CrashMarker marker;
    marker.instance = j.at("instance").get<std::string>();
    marker.plugin = j.at("plugin").get<std::string>();
    marker.version = j.at("version").get<std::string>();
    marker.file = j.at("file").get<std::string>();
    marker.signal = j.at("signal").get<int>();
    if (marker.instance.empty()) throw std::runtime_error("it names no instance");
    return marker;
  } catch (const std::exception& e) {
    const fs::path aside = path.string() + ".unreadable";
    fs::rename(path, aside, ec);
    problem = "crash marker " + path.string() + " cannot be read (" + e.what() +
              "); set aside as " + aside.string();
    return std::nullopt;
  }
}

void clear_crash_marker(const fs::path& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

}  // namespace mirari::host
