// The routes plugin in the SDK's harness, for the tests against a real kernel and real FRR:
// routes.desired is the test's input, routes.applied is read back.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <mirari/testing.hpp>

#include "routes_plugin.hpp"

namespace mirari::routes::test {

using ports::routes::AppliedRouter;
using ports::routes::Route;
using ports::routes::RouterRoutes;

// How long a router may take to hold what was asked (FRR with BGP included).
inline constexpr std::chrono::seconds kDeadline{30};

struct RouterConfig {
  std::string name;
  std::string backend;
  std::string netns;
  std::string pathspace{};
};

class RoutesHarness {
 public:
  // verify_ms is short so that faults are repaired quickly.
  explicit RoutesHarness(const std::vector<RouterConfig>& routers, std::int64_t verify_ms = 100) {
    std::vector<Config> tables;
    for (const RouterConfig& r : routers) {
      tables.emplace_back(Config::Values{{"name", r.name},
                                         {"backend", r.backend},
                                         {"netns", r.netns},
                                         {"pathspace", r.pathspace}});
    }
    desired_ = harness_.input<RoutesDesired>(ports::routes::kRoutesDesired);
    harness_.start(std::make_unique<RoutesPlugin>(),
                   {{"verify_ms", verify_ms}, {"routers", std::move(tables)}});
  }

  // Publishes set as router's in routes.desired; returns what the ticks that followed did.
  TickResult want(const std::string& router, RouterRoutes set) {
    wanted_ = wanted_.set(router, std::move(set));
    desired_.set(wanted_);
    return harness_.settle();
  }

  AppliedRouter applied(const std::string& router) {
    const auto& all = harness_.value<RoutesApplied>(ports::routes::kRoutesApplied);
    const AppliedRouter* r = all.find(router);
    return r != nullptr ? *r : AppliedRouter{};
  }

  // routes.applied's entry for router as JSON, for failure messages.
  std::string shown(const std::string& router) { return nlohmann::json(applied(router)).dump(); }

  // Runs the plugin (ticks, passes, verify timer) until done() holds; false after kDeadline.
  bool until(const std::function<bool()>& done) { return harness_.settle_until(done, kDeadline); }
  // Runs the plugin for a while (several verify periods, say), whatever happens.
  void run_for(std::chrono::milliseconds time) {
    harness_.settle_until([] { return false; }, time);
  }

 private:
  testing::PluginHarness harness_;
  Source<RoutesDesired> desired_;
  RoutesDesired wanted_;
};

}  // namespace mirari::routes::test
