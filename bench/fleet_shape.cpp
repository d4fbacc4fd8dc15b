#include "fleet_shape.hpp"

#include <string>
#include <vector>

#include "threshold_policy.hpp"

namespace mirari::bench {
namespace {

class FleetGraph final : public Fleet {
 public:
  FleetGraph() {
    const example::Bounds bounds{0.3, 0.8, 1, kGroupSize};
    graph.change(graph.add_owner("load-monitor"), [&] {
      reports_.reserve(kInstances);
      for (int i = 0; i < kInstances; ++i) reports_.push_back(graph.source<double>(0.5));
      for (int g = 0; g < kInstances / kGroupSize; ++g) {
        std::vector<Signal<double>> members;
        for (int i = 0; i < kGroupSize; ++i) members.push_back(reports_[g * kGroupSize + i]);
        graph.publish("load.group." + std::to_string(g), lift_all(members, [](Values<double> xs) {
                        double total = 0;
                        for (double x : xs) total += x;
                        return total;
                      }));
      }
    });
    graph.change(graph.add_owner("threshold-policies"), [&] {
      for (int g = 0; g < kInstances / kGroupSize; ++g) {
        auto load = graph.subscribe<double>("load.group." + std::to_string(g));
        auto desired = fold(changes(load), kGroupSize / 2, [bounds](int count, double l) {
          return example::next_count(count, l, bounds);
        });
        graph.publish("instances.desired." + std::to_string(g), desired);
      }
    });
    graph.change(graph.add_owner("instance-manager"), [&] {
      for (int g = 0; g < kInstances / kGroupSize; ++g) {
        observe(graph.subscribe<int>("instances.desired." + std::to_string(g)),
                [this](int) { ++decisions; });
      }
    });
  }
  void report(int instance, double load) override {
    reports_[static_cast<std::size_t>(instance)].set(load);
    graph.tick();
  }

 private:
  std::vector<Source<double>> reports_;
};

}  // namespace

std::unique_ptr<Fleet> make_fleet() {
  return std::make_unique<FleetGraph>();
}

}  // namespace mirari::bench
