// Writing a plugin: the contract between a plugin .so and the host that loads it.
//
// A plugin is a class derived from mirari::Plugin, exported with one line:
//
//   class CpuScaler final : public mirari::Plugin {
//    public:
//     static std::vector<mirari::ConfigKey> config_keys() {
//       return {mirari::ConfigKey::optional("high", 0.8, "load above which to add an instance")};
//     }
//     // The ports it uses (port_declaration.hpp): printed by describe, checked by the host.
//     static std::vector<mirari::PortDecl> ports() {
//       return {mirari::PortDecl::subscribes<double>(mirari::ports::load::kTotal, "the load"),
//               mirari::PortDecl::publishes<int>("instances.desired", "instances wanted")};
//     }
//     void configure(const mirari::Config& c) override { high_ = c.get<double>("high"); }
//     void start(mirari::Context& ctx) override {
//       // A stock port, by its name and type in the port catalogue (mirari/ports/load.hpp).
//       auto load = ctx.subscribe<double>(mirari::ports::load::kTotal);
//       ctx.publish("instances.desired", mirari::map(load, [h = high_](double l) { ... }));
//     }
//    private:
//     double high_ = 0.8;
//   };
//   MIRARI_PLUGIN(CpuScaler, "cpu-scaler", "1.0.0", mirari::Kind::policy, "scales on CPU load")
//
// Lifecycle, driven by the host on the graph's thread: create → configure (its checked
// table) → start (every node it makes, in one step) → running → stop (cancel its I/O; the
// host then waits until no work it posted is running) → its nodes leave in one step →
// destroyed → library released last. On reload the host asks the old instance for
// snapshot() and gives it to the new one's restore() before start.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/dll/alias.hpp>

#include "mirari/config.hpp"
#include "mirari/executor.hpp"
#include "mirari/graph.hpp"
#include "mirari/port_declaration.hpp"

namespace spdlog {
class logger;
}

namespace mirari {

// Raised whenever the layout of anything in this header or the graph's headers changes
// (type_layout.hpp's TypeLayout included), and when the way a fingerprint is computed does.
inline constexpr std::uint32_t kAbiVersion = 7;

enum class Kind { watcher, policy, reconfigurer };
std::string_view to_string(Kind kind) noexcept;

// What the host hands a plugin. Valid from start() until the plugin is destroyed; used on
// the graph's thread except executor(), which any thread may use.
class Context {
 public:
  virtual ~Context() = default;
  // The shared graph. Nodes made in start() belong to this plugin and leave with it.
  virtual Graph& graph() = 0;
  // Runs the plugin's asynchronous work (for task() and the plugin's own I/O). The host
  // counts what is posted here and waits for it to finish before releasing the library.
  virtual Executor& executor() = 0;
  // The event loop for the plugin's file descriptors (netlink, uevent, XenStore, inotify):
  // build Asio I/O objects on it. Handlers run one at a time, in order, on a host thread that
  // is not the graph's, so they reach the graph through sources. stop() must close these
  // objects; the host then lets the handlers that were cancelled run before it releases the
  // library.
  virtual boost::asio::any_io_executor io() = 0;
  virtual const Config& config() const = 0;
  // The plugin's own logger, named after its instance.
  virtual spdlog::logger& log() = 0;
  // The instance's name: the plugin's name, or the name given to it in the host's config.
  virtual const std::string& instance_name() const = 0;

  // Ports, as Graph::subscribe and Graph::publish (graph.hpp), in the current step: a
  // subscription never waits for a publisher (a signal holds T{} until one publishes), and a
  // type that differs from the port's, in kind, stable name or layout, throws PortError. The
  // stock ports' names and types are in the port catalogue (mirari/ports/*.hpp).
  template <class T>
  Signal<T> subscribe(const std::string& port) {
    return graph().template subscribe<T>(port);
  }
  template <class T>
  Event<T> subscribe_events(const std::string& port) {
    return graph().template subscribe_events<T>(port);
  }
  template <class Node>
  void publish(const std::string& port, Node node) {
    graph().publish(port, node);
  }
};

class Plugin {
 public:
  virtual ~Plugin() = default;
  // Receives the checked configuration before start. Throw to refuse it.
  virtual void configure(const Config& config) { (void)config; }
  // Builds the plugin's nodes and starts its I/O. Runs inside one structural step: if it
  // throws, nothing it built stays.
  virtual void start(Context& context) = 0;
  // Cancels the plugin's I/O. After it returns the plugin posts no new work.
  virtual void stop() {}
  // State to carry across a reload, in any text form the plugin chooses.
  virtual std::optional<std::string> snapshot() const { return std::nullopt; }
  // Receives the previous instance's snapshot, before start.
  virtual void restore(const std::string& state) { (void)state; }
};

// What a plugin library exports. The first fields never move, so the host can read the ABI
// and the build of any plugin before trusting the rest.
struct Descriptor {
  std::uint32_t abi;      // kAbiVersion the plugin was built with
  long cplusplus;         // __cplusplus
  int glibcxx_release;    // _GLIBCXX_RELEASE: the libstdc++ the plugin was built against
  int glibcxx_cxx11_abi;  // _GLIBCXX_USE_CXX11_ABI
  const char* compiler;   // __VERSION__
  const char* name;
  const char* version;
  Kind kind;
  const char* summary;
  std::vector<ConfigKey> (*config_keys)();
  std::vector<PortDecl> (*ports)();  // the plugin's static ports(), or none
  std::unique_ptr<Plugin> (*create)();
};

// The name of the symbol every plugin library exports (through BOOST_DLL_ALIAS).
inline constexpr const char* kEntryPoint = "mirari_plugin";
using EntryPoint = const Descriptor*();

namespace detail {
template <class P>
std::vector<ConfigKey> declared_keys() {
  if constexpr (requires { P::config_keys(); }) {
    return P::config_keys();
  } else {
    return {};
  }
}

template <class P>
std::vector<PortDecl> declared_ports() {
  if constexpr (requires { P::ports(); }) {
    return P::ports();
  } else {
    return {};
  }
}

// Evaluated in the plugin's own translation unit, so the build facts are the plugin's.
template <class P>
Descriptor describe(const char* name, const char* version, Kind kind, const char* summary) {
  static_assert(std::is_base_of_v<Plugin, P>, "a plugin class derives from mirari::Plugin");
  return Descriptor {
    kAbiVersion, __cplusplus,
#if defined(_GLIBCXX_RELEASE)
        _GLIBCXX_RELEASE,
#else
        0,
#endif
#if defined(_GLIBCXX_USE_CXX11_ABI)
        _GLIBCXX_USE_CXX11_ABI,
#else
        0,
#endif
        __VERSION__, name, version, kind, summary, &declared_keys<P>, &declared_ports<P>,
        [] { return std::unique_ptr<Plugin>(new P()); }
  };
}
}  // namespace detail

}  // namespace mirari

// Exports CLASS as this library's plugin. Use once, at global scope, in one source file.
#define MIRARI_PLUGIN(CLASS, NAME, VERSION, KIND, SUMMARY)               \
  namespace mirari_plugin_export {                                       \
  const ::mirari::Descriptor* descriptor() {                             \
    static const ::mirari::Descriptor d =                                \
        ::mirari::detail::describe<CLASS>(NAME, VERSION, KIND, SUMMARY); \
    return &d;                                                           \
  }                                                                      \
  }                                                                      \
  BOOST_DLL_ALIAS(mirari_plugin_export::descriptor, mirari_plugin)
