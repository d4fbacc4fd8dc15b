// What the whole benchmark process uses: memory (resident, and malloc's in use) and CPU time.
#pragma once

#include <malloc.h>
#include <time.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

namespace mirari::bench {

// Resident memory of the process whose status file is status (VmRSS), in KiB.
inline long vm_rss_kib(const std::string& status) {
  std::ifstream in(status);
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      long kib = 0;
      in >> kib;
      return kib;
    }
    std::getline(in, key);
  }
  throw std::runtime_error("no VmRSS in " + status);
}

// Resident memory in KiB (VmRSS of /proc/self/status), once malloc has given back to the
// system what it holds free (malloc_trim), so that only memory in use counts.
inline long resident_kib() {
  ::malloc_trim(0);
  return vm_rss_kib("/proc/self/status");
}

// Bytes malloc has handed out and not had back, all threads' arenas and mmapped blocks
// together (mallinfo2): memory in use to the byte, where resident memory moves by pages and
// by what the allocator keeps.
inline std::size_t heap_bytes() {
  const struct mallinfo2 info = ::mallinfo2();
  return info.uordblks + info.hblkhd;
}

// CPU time used by all the process's threads so far, in nanoseconds.
inline std::int64_t process_cpu_ns() {
  timespec used{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &used);
  return std::int64_t{used.tv_sec} * 1'000'000'000 + used.tv_nsec;
}

}  // namespace mirari::bench
