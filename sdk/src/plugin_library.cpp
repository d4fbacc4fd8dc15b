#define BOOST_DLL_USE_STD_FS
#include "mirari/plugin_library.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <boost/dll/shared_library.hpp>
#include <system_error>

namespace mirari {

namespace fs = std::filesystem;

struct PluginLibrary::Handle {
  boost::dll::shared_library library;
};

namespace {

fs::path private_copy(const fs::path& file, const fs::path& dir) {
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path copy = dir / (file.stem().string() + "." + std::to_string(::getpid()) + "." +
                               std::to_string(++counter) + ".so");
  fs::copy_file(file, copy, fs::copy_options::overwrite_existing, ec);
  if (ec)
    throw PluginLoadError(file.string() + ": cannot copy to " + copy.string() + ": " +
                          ec.message());
  return copy;
}

// Boost.DLL clears dlerror(); ask the dynamic loader again for the reason (a missing
// symbol, a wrong architecture) a user can act on.
std::string loader_diagnostic(const fs::path& copy) {
  void* handle = ::dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle != nullptr) {
    ::dlclose(handle);
    return "the dynamic loader refused it";
  }
  const char* why = ::dlerror();
  return why != nullptr ? why : "the dynamic loader refused it";
}

void check_build(const fs::path& file, const Descriptor& d) {
  const auto refuse = [&](const std::string& why) {
    throw PluginLoadError(file.string() + ": " + why);
  };
  if (d.abi != kAbiVersion) {
    refuse("built for plugin ABI " + std::to_string(d.abi) + ", this host speaks ABI " +
           std::to_string(kAbiVersion) + "; rebuild it against this SDK");
  }
#if defined(_GLIBCXX_RELEASE)
  if (d.glibcxx_release != _GLIBCXX_RELEASE || d.glibcxx_cxx11_abi != _GLIBCXX_USE_CXX11_ABI) {
    refuse("built against libstdc++ " + std::to_string(d.glibcxx_release) + " (cxx11 ABI " +
           std::to_string(d.glibcxx_cxx11_abi) + ") with " + d.compiler + ", this host uses " +
           std::to_string(_GLIBCXX_RELEASE) + " (cxx11 ABI " +
           std::to_string(_GLIBCXX_USE_CXX11_ABI) + ") with " + __VERSION__);
  }
#endif
  if (d.cplusplus < 202002L) refuse("built as C++ " + std::to_string(d.cplusplus) + ", not C++20");
  if (d.name == nullptr || *d.name == '\0') refuse("the plugin has no name");
  if (d.create == nullptr || d.config_keys == nullptr)
    refuse("the plugin's descriptor is incomplete");
}

}  // namespace

std::shared_ptr<PluginLibrary> PluginLibrary::open(const fs::path& file,
                                                   const fs::path& private_dir) {
  if (!fs::is_regular_file(file)) throw PluginLoadError(file.string() + ": no such plugin file");
  return open_copy(private_copy(file, private_dir), file);
}

std::shared_ptr<PluginLibrary> PluginLibrary::open_copy(const fs::path& copy, const fs::path& file,
                                                        bool keep_copy) {
  auto handle = std::make_unique<Handle>();
  std::error_code ec;
  handle->library.load(copy, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local,
                       ec);
  if (ec) {
    const std::string why = loader_diagnostic(copy);
    if (!keep_copy) fs::remove(copy, ec);
    throw PluginLoadError(file.string() + ": cannot open: " + why);
  }
  if (!keep_copy) fs::remove(copy, ec);  // the mapping stays; nothing is left behind
  if (!handle->library.has(kEntryPoint)) {
    throw PluginLoadError(file.string() + ": not a Mirari plugin: no '" + std::string(kEntryPoint) +
                          "' entry point (export one with MIRARI_PLUGIN)");
  }
  const Descriptor* descriptor = handle->library.get_alias<EntryPoint>(kEntryPoint)();
  if (descriptor == nullptr)
    throw PluginLoadError(file.string() + ": the entry point returned nothing");
  check_build(file, *descriptor);
  return std::shared_ptr<PluginLibrary>(new PluginLibrary(file, std::move(handle), descriptor));
}

PluginLibrary::PluginLibrary(fs::path file, std::unique_ptr<Handle> handle,
                             const Descriptor* descriptor)
    : file_(std::move(file)), handle_(std::move(handle)), descriptor_(descriptor) {}

PluginLibrary::~PluginLibrary() = default;

}  // namespace mirari
