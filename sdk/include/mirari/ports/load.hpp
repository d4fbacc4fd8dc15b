// The load of each instance, as the load monitor publishes it.
//
//   load.by_instance   signal  Table<std::string, double> (type "table<string,float64>"):
//                      each instance's smoothed load by instance name; 1.0 is one busy CPU.
//                      An instance appears with its first report or sample. JSON form:
//                      {"web-1": 0.75, "web-2": 0.4}.
#pragma once

#include <string>

#include "mirari/table.hpp"

namespace mirari::ports {

using LoadByInstance = Table<std::string, double>;

inline constexpr const char* kLoadByInstance = "load.by_instance";

}  // namespace mirari::ports
