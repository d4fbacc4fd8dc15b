// Texts and layouts kept once for the life of the process (type_name.hpp, type_layout.hpp).
// Invariant: an entry, once made, is never moved or destroyed before exit, so the references
// handed out stay valid; equal keys share one entry.
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "mirari/type_layout.hpp"
#include "mirari/type_name.hpp"

namespace mirari::detail {

namespace {
std::mutex& interned_mutex() {
  static std::mutex mutex;
  return mutex;
}
}  // namespace

const std::string& intern_text(std::string text) {
  static std::set<std::string, std::less<>> texts;
  std::lock_guard lock(interned_mutex());
  return *texts.insert(std::move(text)).first;
}

const TypeLayout& intern_layout(TypeLayout layout) {
  static std::map<std::pair<std::string, std::uint64_t>, TypeLayout> layouts;
  std::lock_guard lock(interned_mutex());
  auto key = std::make_pair(layout.name, layout.fingerprint);
  return layouts.try_emplace(std::move(key), std::move(layout)).first->second;
}

}  // namespace mirari::detail
