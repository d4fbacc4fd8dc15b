#include <cxxabi.h>

#include <cstdlib>
#include <memory>

#include "mirari/type_name.hpp"

namespace mirari::detail {

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

}  // namespace mirari::detail
