#include "out_of_tree.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace mirari::test {

namespace fs = std::filesystem;

namespace {

// A build may take longer than any test deadline on a busy machine: it is not cut short.
void shell(const std::string& command, const fs::path& log) {
  fs::create_directories(log.parent_path());
  const std::string line = command + " >" + log.string() + " 2>&1";
  if (std::system(line.c_str()) != 0) {
    std::ifstream in(log);
    std::ostringstream output;
    output << in.rdbuf();
    throw std::runtime_error(command + " failed:\n" + output.str());
  }
}

}  // namespace

void install_build(const fs::path& build_dir, const fs::path& prefix) {
  shell("cmake --install " + build_dir.string() + " --prefix " + prefix.string(),
        prefix.parent_path() / "install.log");
}

void build_against(const fs::path& source, const fs::path& build, const fs::path& prefix) {
  shell("cmake -S " + source.string() + " -B " + build.string() +
            " -G Ninja -DCMAKE_PREFIX_PATH=" + prefix.string(),
        build.parent_path() / (build.filename().string() + ".configure.log"));
  shell("cmake --build " + build.string(),
        build.parent_path() / (build.filename().string() + ".build.log"));
}

}  // namespace mirari::test
