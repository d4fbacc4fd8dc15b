#include "route_diff.hpp"

#include <algorithm>
#include <iterator>

namespace mirari::routes {

namespace {

template <class T>
std::vector<T> minus(std::vector<T> a, std::vector<T> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<T> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

RouteChanges diff(const ports::routes::RouterRoutes& held,
                  const ports::routes::RouterRoutes& wanted) {
  return {minus(held.routes, wanted.routes), minus(wanted.routes, held.routes),
          minus(held.announce, wanted.announce), minus(wanted.announce, held.announce)};
}

}  // namespace mirari::routes
