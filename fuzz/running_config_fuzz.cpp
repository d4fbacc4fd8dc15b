// The routes plugin's reading of an FRR instance's running configuration (vtysh's output),
// with the default marks and with marks that the input may also contain.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "running_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)mirari::routes::parse_running_config(text, mirari::routes::FrrMarks{});
  (void)mirari::routes::parse_running_config(text, mirari::routes::FrrMarks{17, "m"});
  return 0;
}
