#include "path.hpp"

#include <cerrno>

#include "protocol_error.hpp"
#include "wire.hpp"

namespace mirari::xenstored {

namespace {

bool allowed_character(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '/' || c == '_' || c == '@';
}

[[noreturn]] void invalid(std::string_view path, const char* why) {
  throw ProtocolError(EINVAL, "invalid path '" + std::string(path) + "': " + why);
}

}  // namespace

bool is_special_path(std::string_view path) noexcept {
  return path == kIntroduceDomain || path == kReleaseDomain;
}

std::string canonical_path(std::string_view path, bool allow_special) {
  if (path.empty()) invalid(path, "empty");
  if (path.front() == '@') {
    if (allow_special && is_special_path(path)) return std::string(path);
    invalid(path, "not a special watch path");
  }
  for (char c : path) {
    if (!allowed_character(c)) invalid(path, "character not allowed");
  }
  if (path.find("//") != std::string_view::npos) invalid(path, "empty component");
  if (path.size() > 1 && path.back() == '/') invalid(path, "trailing slash");

  if (path.front() == '/') {
    if (path.size() > kAbsolutePathMax) invalid(path, "too long");
    return std::string(path);
  }
  if (path.size() > kRelativePathMax) invalid(path, "too long");
  std::string absolute = child_path(kHomePath, path);
  if (absolute.size() > kAbsolutePathMax) invalid(path, "too long");
  return absolute;
}

bool is_within(std::string_view child, std::string_view path) noexcept {
  if (path == "/") return !child.empty() && child.front() == '/';
  if (!child.starts_with(path)) return false;
  return child.size() == path.size() || child[path.size()] == '/';
}

std::string parent_path(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == 0 ? std::string("/") : std::string(path.substr(0, slash));
}

std::string_view leaf_name(std::string_view path) noexcept {
  return path.substr(path.rfind('/') + 1);
}

std::string child_path(std::string_view parent, std::string_view leaf) {
  std::string path(parent);
  if (path != "/") path += '/';
  path += leaf;
  return path;
}

std::string relative_to_home(std::string_view absolute) {
  return std::string(absolute.substr(kHomePath.size() + 1));
}

}  // namespace mirari::xenstored
