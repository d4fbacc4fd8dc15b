#include "logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <algorithm>

namespace mirari::host {

Logging::Logging(spdlog::level::level_enum level)
    : level_(level), sink_(std::make_shared<spdlog::sinks::stderr_color_sink_mt>()) {
  sink_->set_pattern("%Y-%m-%d %H:%M:%S.%e [%n] %^%l%$: %v");
  daemon_ = make("mirarid");
}

std::shared_ptr<spdlog::logger> Logging::make(const std::string& name) {
  auto logger = std::make_shared<spdlog::logger>(name, sink_);
  logger->set_level(level_);
  logger->flush_on(spdlog::level::trace);
  std::erase_if(made_, [](const auto& weak) { return weak.expired(); });
  made_.push_back(logger);
  return logger;
}

void Logging::set_level(spdlog::level::level_enum level) {
  level_ = level;
  for (const auto& weak : made_) {
    if (auto logger = weak.lock()) logger->set_level(level);
  }
}

}  // namespace mirari::host
