// A fresh directory under the system's temporary directory, for one test: removed with
// everything in it when the object goes, also when the test fails.
#pragma once

#include <filesystem>

namespace mirari::testing {

class TempDir {
 public:
  // Throws std::system_error when no directory can be made.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace mirari::testing
