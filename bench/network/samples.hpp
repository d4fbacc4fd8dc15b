// What the network and cluster benchmarks share: the medians and tails (latency.hpp) and a
// wait on the SDK's harness.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

#include "latency.hpp"
#include "mirari/testing.hpp"

namespace mirari::bench {

// Settles the harness until done holds; throws what when it does not within ten seconds.
template <class Done>
void settle_or_throw(testing::PluginHarness& h, Done done, const std::string& what) {
  if (!h.settle_until(done, std::chrono::seconds(10))) throw std::runtime_error(what);
}

}  // namespace mirari::bench
