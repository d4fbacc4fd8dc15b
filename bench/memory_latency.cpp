// The cost of one miss to memory, the unit the 1M-node tick is measured against: a chain of
// dependent loads through 256 MiB, one cache line each, in a random order the hardware
// prefetcher cannot follow, in memory backed by huge pages as the graph's node arena is (so a
// load pays the miss, not a page walk). report.py divides the 1M-node tick's extra cost by it.
#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <numeric>
#include <random>
#include <vector>

namespace mirari::bench {
namespace {

constexpr std::size_t kBytes = std::size_t{256} << 20;
constexpr std::size_t kLine = 64;
constexpr std::size_t kHugePage = std::size_t{2} << 20;

struct FreeBytes {
  void operator()(std::byte* at) const noexcept { std::free(at); }
};

// Each line holds the address of the next one; the lines form one cycle through the region.
class PointerCycle {
 public:
  PointerCycle() : memory_(static_cast<std::byte*>(std::aligned_alloc(kHugePage, kBytes))) {
    if (!memory_) throw std::bad_alloc();
    madvise(memory_.get(), kBytes, MADV_HUGEPAGE);  // advice only: 4 KiB pages still work
    std::vector<std::size_t> order(kBytes / kLine);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), std::mt19937_64(48271));
    for (std::size_t i = 0; i < order.size(); ++i) {
      *reinterpret_cast<std::byte**>(line(order[i])) = line(order[(i + 1) % order.size()]);
    }
  }
  std::byte* start() const noexcept { return memory_.get(); }

 private:
  std::byte* line(std::size_t index) const noexcept { return memory_.get() + index * kLine; }
  std::unique_ptr<std::byte, FreeBytes> memory_;
};

void BM_MemoryLatency(benchmark::State& state) {
  static const PointerCycle cycle;  // built once for every repetition
  std::byte* at = cycle.start();
  for (auto _ : state) {
    at = *reinterpret_cast<std::byte* const*>(at);
    benchmark::DoNotOptimize(at);
  }
}
BENCHMARK(BM_MemoryLatency);

}  // namespace
}  // namespace mirari::bench
