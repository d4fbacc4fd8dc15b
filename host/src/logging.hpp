// The daemon's loggers: "mirarid" and one per plugin instance, named after the instance. All
// write to one sink (standard error) and share one level.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <vector>

namespace mirari::host {

class Logging {
 public:
  explicit Logging(spdlog::level::level_enum level);
  // The daemon's own logger.
  spdlog::logger& daemon() noexcept { return *daemon_; }
  // A new logger named name. Loggers are not registered globally: a reloading instance has
  // two loggers of one name for a moment.
  std::shared_ptr<spdlog::logger> make(const std::string& name);
  // Applies to every logger made so far and to those made later.
  void set_level(spdlog::level::level_enum level);

 private:
  spdlog::level::level_enum level_;
  spdlog::sink_ptr sink_;
  std::shared_ptr<spdlog::logger> daemon_;
  std::vector<std::weak_ptr<spdlog::logger>> made_;
};

}  // namespace mirari::host
