// How the plugin recognises, in an FRR instance's configuration, what it programmed: static
// routes carry its tag, network statements its route-map. Everything else is someone
// else's and is never touched.
#pragma once

#include <cstdint>
#include <string>

namespace mirari::routes {

struct FrrMarks {
  std::uint32_t tag = 4242;
  std::string route_map = "mirari";
};

}  // namespace mirari::routes
