// The seed's three scenarios driven through one graph, tick by tick, on this host alone:
// hotplug (the application moves to a faster NIC), reconfiguration (the move changes the
// routes pushed to routers B and C) and self-scaling (load crosses bounds, instances are
// started or stopped and the flow table follows). A malformed device report shows a tick
// rolled back whole.
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "mirari/mirari.hpp"

namespace {

struct LinkReport {
  std::string name;
  int speed_mbps;  // 0: the link went away
};

using Links = std::map<std::string, int>;

std::string fastest(const Links& links) {
  std::string best = "none";
  int best_speed = 0;
  for (const auto& [name, speed] : links) {
    if (speed > best_speed) best = name, best_speed = speed;
  }
  return best;
}

// Instances wanted for a load, with a band so that small swings do not flap.
int scale(int instances, double load) {
  if (load > 0.8 * instances) return instances + 1;
  if (instances > 1 && load < 0.3 * instances) return instances - 1;
  return instances;
}

void print(const char* what, const mirari::TickResult& r) {
  std::printf("-- %s: tick %llu, %zu input(s), %zu recomputed, %zu effect(s)\n", what,
              static_cast<unsigned long long>(r.tick), r.inputs, r.recomputed, r.effects);
  for (const auto& e : r.errors) std::printf("   rolled back: %s\n", e.what());
}

}  // namespace

int main() {
  using namespace mirari;
  Graph graph;
  const OwnerId watcher = graph.add_owner("net-watcher");
  const OwnerId policy = graph.add_owner("device-preference");
  const OwnerId scaler = graph.add_owner("threshold-scaler");

  EventSource<LinkReport> reports;
  Source<double> load;
  graph.change(watcher, [&] {
    reports = graph.event_source<LinkReport>();
    auto links = fold(reports.event(), Links{}, [](Links links, const LinkReport& r) {
      if (r.speed_mbps < 0) throw std::invalid_argument("negative speed for " + r.name);
      if (r.speed_mbps == 0) {
        links.erase(r.name);
      } else {
        links[r.name] = r.speed_mbps;
      }
      return links;
    });
    graph.publish("net.links", links.named("links"));
  });

  graph.change(policy, [&] {
    auto links = graph.subscribe<Links>("net.links");
    auto preferred = map(links, fastest).named("preferred-nic");
    // Scenario 2: the routes this host announces follow the interface the app is on.
    auto routes = map(preferred, [](const std::string& nic) {
      return std::vector<std::string>{"198.51.100.0/24 via " + nic, "203.0.113.0/24 via " + nic};
    });
    observe(preferred,
            [](const std::string& nic) { std::printf("   app now on %s\n", nic.c_str()); });
    observe(routes, [](const std::vector<std::string>& rs) {
      for (const char* peer : {"router-b", "router-c"}) {
        for (const auto& r : rs) std::printf("   push to %s: %s\n", peer, r.c_str());
      }
    });
  });

  graph.change(scaler, [&] {
    load = graph.source<double>(0.0);
    auto instances = fold(changes(load.signal()), 1, scale).named("instances");
    observe(instances, [](int n) {
      std::printf("   run %d instance(s); flows: ", n);
      for (int i = 0; i < n; ++i) std::printf("in_port=%d->app-%d ", i + 1, i);
      std::printf("\n");
    });
  });
  std::printf("== graph built: %zu nodes\n", graph.stats().nodes);

  std::printf("\n== scenario 1: hotplug\n");
  reports.emit({"eth0", 1000});
  print("eth0 appears", graph.tick());
  reports.emit({"eth1", 10000});
  print("faster eth1 is hot-plugged", graph.tick());

  std::printf("\n== scenario 2: reconfiguration\n");
  reports.emit({"eth1", 0});
  print("eth1 goes away", graph.tick());

  std::printf("\n== scenario 3: self-scaling\n");
  for (double l : {0.5, 0.9, 1.7, 1.0, 0.2}) {
    load.set(l);
    char what[64];
    std::snprintf(what, sizeof what, "load %.1f", l);
    print(what, graph.tick());
  }

  std::printf("\n== a malformed report is refused whole\n");
  reports.emit({"eth2", -5});
  print("eth2 with a negative speed", graph.tick());
  std::printf("   links still: %zu, app still on %s\n",
              graph.subscribe<Links>("net.links").value().size(),
              fastest(graph.subscribe<Links>("net.links").value()).c_str());
  return 0;
}
