// Which manager acts for a group's directory when two exist at once — a reload starts the
// new plugin instance before it stops the old one, and the old one's handlers may still run
// meanwhile: the one that claimed the directory last.
//
// Invariant: a manager starts or stops processes and writes the state file only while it
// holds the directory's lock (flock on dir/lock) and is its owner (dir/owner holds the
// generation it claimed). A claim takes the same lock, so it never falls between an older
// manager's check and its act: the newer manager reads a state file that holds everything
// the older one did, and the older one does nothing after.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace mirari::instances {

class GroupOwnership {
 public:
  // Opens dir/lock, making it if needed. Throws std::system_error naming the path.
  explicit GroupOwnership(const std::filesystem::path& dir);
  ~GroupOwnership();
  GroupOwnership(const GroupOwnership&) = delete;
  GroupOwnership& operator=(const GroupOwnership&) = delete;

  // The lock, held until the object goes. Waits while another manager holds it (for the
  // length of one of its steps: a claim, or acting on one plan or event).
  class Held {
   public:
    explicit Held(int fd);
    ~Held();
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;

   private:
    int fd_;
  };
  [[nodiscard]] Held hold() const { return Held(lock_); }

  // While held: makes this manager the owner. Throws std::system_error naming dir/owner.
  void claim();
  // While held: whether this manager is still the owner.
  bool owned() const;
  // While held: gives the directory back to the owner before this one's claim, if this one
  // still owns it (for a start that fails after claiming: the running manager goes on).
  void give_back();
  // Takes the lock and gives the directory back, for a backend that goes. Returns what
  // failed, if anything; never throws.
  std::optional<std::string> leave() noexcept;

 private:
  std::uint64_t read_owner() const;

  std::filesystem::path owner_file_;
  int lock_ = -1;
  std::uint64_t previous_ = 0;
  std::uint64_t mine_ = 0;  // 0: never claimed
};

}  // namespace mirari::instances
