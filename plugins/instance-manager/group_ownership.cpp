#include "group_ownership.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include "atomic_file.hpp"

namespace mirari::instances {

GroupOwnership::GroupOwnership(const std::filesystem::path& dir) : owner_file_(dir / "owner") {
  const std::filesystem::path lock = dir / "lock";
  lock_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_ < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot open '" + lock.string() + "'");
  }
}

GroupOwnership::~GroupOwnership() {
  ::close(lock_);
}

GroupOwnership::Held::Held(int fd) : fd_(fd) {
  while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
  }
}

GroupOwnership::Held::~Held() {
  ::flock(fd_, LOCK_UN);
}

std::uint64_t GroupOwnership::read_owner() const {
  std::ifstream file(owner_file_);
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  std::uint64_t generation = 0;
  std::from_chars(text.data(), text.data() + text.size(), generation);
  return generation;
}

void GroupOwnership::claim() {
  previous_ = read_owner();
  const std::uint64_t next = previous_ + 1;
  write_file_atomically(owner_file_, std::to_string(next) + "\n");
  mine_ = next;
}

bool GroupOwnership::owned() const {
  return mine_ != 0 && read_owner() == mine_;
}

void GroupOwnership::give_back() {
  if (!owned()) return;
  write_file_atomically(owner_file_, std::to_string(previous_) + "\n");
  mine_ = 0;
}

std::optional<std::string> GroupOwnership::leave() noexcept {
  try {
    const Held held = hold();
    give_back();
    return std::nullopt;
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace mirari::instances
