// What a plugin file goes through before mirarid maps it (plugin_file_check.hpp): trust of
// every directory above it, a private copy, a complete ELF, and a trial child process.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "elf_check.hpp"
#include "file_trust.hpp"
#include "mirari/plugin_library.hpp"
#include "plugin_file_check.hpp"
#include "plugin_probe.hpp"
#include "private_copy.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace mirari::host;
using mirari::PluginLoadError;
using mirari::testing::TempDir;

namespace {

fs::path test_plugin(const std::string& name) {
  return fs::path(MIRARI_TEST_PLUGIN_DIR) / (name + ".so");
}

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

fs::path write(const fs::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  return file;
}

std::string elf_refusal(const fs::path& file) {
  const OpenedFile opened = open_plugin_file(file, false);
  try {
    check_elf(opened.fd.get(), file);
  } catch (const PluginLoadError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("a complete plugin library passes the ELF check") {
  CHECK(elf_refusal(test_plugin("counter")) == "accepted");
  CHECK(elf_refusal(test_plugin("crash-on-load")) == "accepted");
}

TEST_CASE("a truncated library is refused by the ELF check, before anything maps it") {
  TempDir dir;
  const std::string whole = bytes_of(test_plugin("counter"));
  REQUIRE(whole.size() > 20000);
  for (const std::size_t size : {std::size_t{20000}, whole.size() / 2, whole.size() - 1}) {
    const fs::path part = write(dir.path() / "partial.so", whole.substr(0, size));
    const std::string why = elf_refusal(part);
    CHECK(why.find(part.string() + ": not a loadable library for this machine: ") == 0);
    CHECK(why.find("lies beyond the end of the file (" + std::to_string(size) +
                   " bytes): is it truncated?") != std::string::npos);
  }
  const fs::path stub = write(dir.path() / "stub.so", whole.substr(0, 40));
  CHECK(elf_refusal(stub) == stub.string() +
                                 ": not a loadable library for this machine: it is too short for "
                                 "an ELF header (40 bytes): is it truncated?");
}

TEST_CASE("a file that is not an ELF shared object for this machine is refused") {
  TempDir dir;
  const std::string suffix = ": not a loadable library for this machine: ";
  const fs::path text = write(dir.path() / "text.so", "#!/bin/sh\necho not a library\n");
  CHECK(elf_refusal(text) == text.string() + suffix + "it is not an ELF file");
  const fs::path empty = write(dir.path() / "empty.so", "");
  CHECK(elf_refusal(empty).find("too short for an ELF header (0 bytes)") != std::string::npos);

  std::string other = bytes_of(test_plugin("counter"));
  other[18] = 0x28;  // e_machine: EM_ARM
  other[19] = 0;
  const fs::path arm = write(dir.path() / "arm.so", other);
  CHECK(elf_refusal(arm) ==
        arm.string() + suffix + "it is built for ELF machine 40, mirarid runs on machine 62");

  std::string wide = bytes_of(test_plugin("counter"));
  wide[4] = 1;  // EI_CLASS: 32-bit
  const fs::path narrow = write(dir.path() / "narrow.so", wide);
  CHECK(elf_refusal(narrow) ==
        narrow.string() + suffix + "it is a 32-bit ELF file; mirarid is 64-bit");

  std::string far = bytes_of(test_plugin("counter"));
  for (int i = 0; i < 8; ++i) far[32 + i] = static_cast<char>(0x7f);  // e_phoff
  const fs::path bad_table = write(dir.path() / "far.so", far);
  CHECK(elf_refusal(bad_table).find("its program header table") != std::string::npos);
}

TEST_CASE("a library that crashes while loading crashes the trial process only") {
  TempDir dir;
  const fs::path file = test_plugin("crash-on-load");
  const OpenedFile opened = open_plugin_file(file, false);
  const PrivateCopy copy(opened.fd.get(), file, dir.path());
  CHECK_THROWS_WITH(probe_plugin(copy.path(), file),
                    file.string() +
                        ": opening it killed the trial process with signal 11 (SIGSEGV: "
                        "Segmentation fault); mirarid did not load it");
}

TEST_CASE("the trial process describes a good library and reports a refusal as the loader's") {
  TempDir dir;
  const CheckedPlugin checked = check_plugin_file(test_plugin("counter"), dir.path(), false);
  CHECK(checked.description["plugin"] == "counter");
  CHECK(checked.description["file"] == test_plugin("counter").string());
  CHECK(checked.description["keys"].size() == 2);
  CHECK(fs::exists(checked.copy->path()));

  const fs::path abi = test_plugin("bad-abi");
  CHECK_THROWS_WITH(check_plugin_file(abi, dir.path(), false),
                    Catch::StartsWith(abi.string() + ": built for plugin ABI "));
  const fs::path none = test_plugin("no-entry");
  CHECK_THROWS_WITH(check_plugin_file(none, dir.path(), false),
                    none.string() +
                        ": not a Mirari plugin: no 'mirari_plugin' entry point "
                        "(export one with MIRARI_PLUGIN)");
}

TEST_CASE("private copies are removed when done, and stale ones of dead daemons at start") {
  TempDir dir;
  fs::path made;
  {
    const OpenedFile opened = open_plugin_file(test_plugin("counter"), false);
    const PrivateCopy copy(opened.fd.get(), test_plugin("counter"), dir.path());
    made = copy.path();
    CHECK(bytes_of(made) == bytes_of(test_plugin("counter")));
    struct stat st {};
    REQUIRE(::stat(made.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  CHECK_FALSE(fs::exists(made));

  // pid 1 lives; a pid above the kernel's limit never ran; our own pid is an earlier daemon's.
  const std::string self = std::to_string(::getpid());
  write(dir.path() / "counter.1.3.so", "x");
  write(dir.path() / "counter.99999999.1.so", "x");
  write(dir.path() / ("net-watcher." + self + ".7.so"), "x");
  write(dir.path() / "notes.txt", "x");
  CHECK(remove_stale_copies(dir.path()) == 2);
  CHECK(fs::exists(dir.path() / "counter.1.3.so"));
  CHECK(fs::exists(dir.path() / "notes.txt"));
  CHECK_FALSE(fs::exists(dir.path() / "counter.99999999.1.so"));
}

TEST_CASE("every directory above a plugin file is checked, as sudo and OpenSSH do") {
  TempDir dir;
  const fs::path ww = dir.path() / "ww";
  fs::create_directories(ww / "sub");
  const fs::path file = ww / "sub" / "ok.so";
  fs::copy_file(test_plugin("counter"), file);
  ::chmod(ww.c_str(), 0777);
  CHECK_THROWS_WITH(open_plugin_file(file, true),
                    "refusing plugin " + file.string() + ": the directory " + ww.string() +
                        " above it is writable by group or others and not sticky (mode 0777; "
                        "chmod go-w it, or set allow_unsafe_permissions = true)");
  // Sticky, no one can rename what another user owns in it: as /tmp.
  ::chmod(ww.c_str(), 01777);
  CHECK(open_plugin_file(file, true).fd);
  ::chmod((ww / "sub").c_str(), 0775);
  CHECK_THROWS_WITH(open_plugin_file(file, true),
                    Catch::StartsWith("refusing plugin " + file.string() + ": its directory " +
                                      (ww / "sub").string() + " is writable by group"));
  ::chmod((ww / "sub").c_str(), 0755);
  // A link is followed: its target's path is what is checked.
  const fs::path link = dir.path() / "link.so";
  fs::create_symlink(file, link);
  CHECK(open_plugin_file(link, true).fd);
  ::chmod(ww.c_str(), 0757);
  CHECK_THROWS_WITH(open_plugin_file(link, true),
                    Catch::Contains("the directory " + ww.string() + " above it is writable"));
  // Without the check a directory is no matter, but a plugin is still a regular file.
  CHECK(open_plugin_file(file, false).fd);
  CHECK_THROWS_WITH(open_plugin_file(dir.path(), false),
                    "refusing plugin " + dir.path().string() + ": it is not a regular file");
}
