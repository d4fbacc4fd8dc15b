#include "plugin_manager.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "config_file.hpp"
#include "file_trust.hpp"
#include "logging.hpp"
#include "plugin_code.hpp"
#include "plugin_file_check.hpp"

namespace mirari::host {

namespace fs = std::filesystem;

namespace {

constexpr auto kQuietWarningPeriod = std::chrono::seconds(5);

fs::path normal(const fs::path& file) {
  return fs::absolute(file).lexically_normal();
}

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

PluginManager::PluginManager(Graph& graph, boost::asio::any_io_executor strand,
                             boost::asio::thread_pool& workers, WorkRegistry& work,
                             Logging& logging, Settings settings, TableLookup tables)
    : graph_(graph),
      strand_(std::move(strand)),
      workers_(workers),
      work_(work),
      logging_(logging),
      settings_(std::move(settings)),
      tables_(std::move(tables)),
      port_audit_(graph) {}

PluginManager::~PluginManager() = default;

PluginManager::Entry* PluginManager::entry(const std::string& name) {
  for (auto& e : entries_) {
    if (e.instance->name() == name) return &e;
  }
  return nullptr;
}

PluginManager::Entry& PluginManager::running(const std::string& name) {
  Entry* e = entry(name);
  if (e == nullptr) throw PluginError("no plugin instance '" + name + "' is loaded");
  if (e->stopping) throw PluginError("'" + name + "' is being unloaded");
  return *e;
}

const PluginInstance* PluginManager::find(const std::string& name) const {
  for (const auto& e : entries_) {
    if (e.instance->name() == name) return e.instance.get();
  }
  return nullptr;
}

std::vector<PluginManager::Listed> PluginManager::list() const {
  std::vector<Listed> out;
  for (const auto& e : entries_) out.push_back({e.instance.get(), e.stopping});
  return out;
}

std::vector<std::string> PluginManager::instances_of(const fs::path& file) const {
  const fs::path wanted = normal(file);
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    if (!e.stopping && e.instance->file() == wanted) out.push_back(e.instance->name());
  }
  return out;
}

std::shared_ptr<PluginLibrary> PluginManager::open(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw PluginError(file.string() + ": no such plugin file");
  try {
    const CheckedPlugin checked =
        check_plugin_file(file, settings_.private_dir, !settings_.allow_unsafe_permissions);
    return PluginLibrary::open_copy(checked.copy->path(), file);
  } catch (const UntrustedFile& e) {
    throw PluginError(e.what());
  } catch (const PluginLoadError& e) {
    throw PluginError(e.what());
  }
}

std::unique_ptr<PluginInstance> PluginManager::create(std::shared_ptr<PluginLibrary> library,
                                                      PluginTable table, Origin origin) {
  const std::string name = table.instance;
  // What the plugin throws is made by its code: the library stays mapped until the
  // exception is read and gone.
  const std::shared_ptr<PluginLibrary> code = library;
  std::string why;
  try {
    library = register_plugin_code(std::move(library), name);
    return std::make_unique<PluginInstance>(graph_, workers_, work_, logging_, port_audit_,
                                            std::move(library), std::move(table), origin);
  } catch (const ConfigFileError& e) {
    why = e.what();
  } catch (...) {
    why = "'" + name + "' refused its configuration: " + describe(std::current_exception());
  }
  throw PluginError(why);
}

const PluginInstance& PluginManager::load(const fs::path& path, const std::string& name,
                                          Origin origin, std::optional<toml::table> given) {
  if (shutting_down_) throw PluginError("mirarid is shutting down");
  const fs::path file = normal(path);
  if (!name.empty() && entry(name) != nullptr) {
    throw PluginError("an instance named '" + name + "' is already loaded");
  }
  const bool held =
      held_out_ && (name.empty() ? normal(held_out_->file) == file : held_out_->instance == name);
  if (held && origin != Origin::control) {
    throw PluginHeldOut("'" + held_out_->instance + "' (" + file.string() +
                        ") crashed mirarid last time (signal " + std::to_string(held_out_->signal) +
                        "): it stays unloaded until `mirarictl load` loads it (or "
                        "load_crashed_plugin = true)");
  }
  auto library = open(file);
  const std::string instance = name.empty() ? std::string(library->descriptor().name) : name;
  if (const Entry* running = entry(instance); running != nullptr) {
    // A second file of a plugin already running (a copy in a watched directory): say which
    // file runs and how to have both.
    throw PluginError(file.string() + ": an instance named '" + instance +
                      "' is already loaded, from " + running->instance->file().string() +
                      "; `mirarictl load " + file.string() +
                      " --name OTHER` loads this file beside it");
  }
  PluginTable table{instance, file, {}, {}, {}, false};
  if (given) {
    table.values = std::move(*given);
    table.given = true;
  }
  if (const PluginTable* configured = tables_(instance)) {
    if (table.given) {
      throw PluginError("'" + instance + "' has a [plugins." + instance + "] table in " +
                        configured->config_file.string() +
                        ": settings given with the load apply to an instance without one " +
                        "(load it under another --name)");
    }
    table = *configured;
    table.file = file;
    origin = Origin::config;
  }
  const PluginInstance& loaded = start(create(std::move(library), std::move(table), origin));
  if (held) {
    logging_.daemon().info("'{}' was loaded by request: it is no longer held out", instance);
    held_out_.reset();
    clear_crash_marker(settings_.crash_marker);
  }
  return loaded;
}

const PluginInstance& PluginManager::reload(const std::string& name) {
  const PluginInstance& old = *running(name).instance;
  PluginTable table = old.table();
  Origin origin = old.origin();
  if (const PluginTable* configured = tables_(name)) {
    table = *configured;
    origin = Origin::config;
  }
  // Logged here, whoever asked (mirarictl, the plugin directory), and thrown to the asker.
  try {
    std::unique_ptr<PluginInstance> next;
    try {
      next = prepare(std::move(table), origin);
    } catch (const PluginError& e) {
      throw PluginError("reload of '" + name +
                        "' failed, the running instance is kept: " + e.what());
    }
    return commit(std::move(next));
  } catch (const PluginError& e) {
    logging_.daemon().error("{}", e.what());
    throw;
  }
}

std::unique_ptr<PluginInstance> PluginManager::prepare(PluginTable table, Origin origin) {
  if (shutting_down_) throw PluginError("mirarid is shutting down");
  const std::string name = table.instance;
  table.file = normal(table.file);
  const Entry* current = entry(name);
  if (current != nullptr && current->stopping) {
    throw PluginError("'" + name + "' is being unloaded");
  }
  auto library = open(table.file);
  const std::string plugin = library->descriptor().name;
  if (current != nullptr && plugin != current->instance->descriptor().name) {
    throw PluginError(table.file.string() + " holds plugin '" + plugin + "', not '" +
                      current->instance->descriptor().name + "'");
  }
  return create(std::move(library), std::move(table), origin);
}

const PluginInstance& PluginManager::commit(std::unique_ptr<PluginInstance> prepared) {
  if (shutting_down_) {
    discard(std::move(prepared));
    throw PluginError("mirarid is shutting down");
  }
  Entry* current = entry(prepared->name());
  if (current == nullptr) return start(std::move(prepared));
  if (current->stopping) {
    const std::string name = prepared->name();
    discard(std::move(prepared));
    throw PluginError("'" + name + "' is being unloaded");
  }
  return swap(*current, std::move(prepared));
}

void PluginManager::discard(std::unique_ptr<PluginInstance> prepared) {
  retire(std::move(prepared));
}

const PluginInstance& PluginManager::start(std::unique_ptr<PluginInstance> next) {
  const std::string instance = next->name();
  const auto saved = std::find_if(offered_.begin(), offered_.end(), [&](const SavedSnapshot& s) {
    return s.instance == instance && s.plugin == next->descriptor().name;
  });
  if (saved != offered_.end()) {
    try {
      next->restore(saved->state);
      logging_.daemon().info("'{}' continues from its saved state", instance);
    } catch (const std::exception& e) {
      next->log().error("refused its saved state ({}); it starts without it", e.what());
    }
    offered_.erase(saved);
  }
  try {
    graph_.change(next->owner(), [&] { next->start(); });
  } catch (...) {
    const std::string why = describe(std::current_exception());
    retire(std::move(next));
    throw PluginError("'" + instance + "' failed to start: " + why);
  }
  const Descriptor& d = next->descriptor();
  logging_.daemon().info("loaded '{}' ({} {}, {}) from {}", instance, d.name, d.version,
                         to_string(d.kind), next->file().string());
  entries_.push_back(Entry{std::move(next), false});
  if (on_change_) on_change_();
  return *entries_.back().instance;
}

const PluginInstance& PluginManager::swap(Entry& current, std::unique_ptr<PluginInstance> next) {
  PluginInstance& old = *current.instance;
  const std::string name = old.name();
  // From the snapshot to the swap's commit, nothing else runs on the graph's thread.
  try {
    if (auto state = old.snapshot()) next->restore(*state);
    graph_.change(next->owner(), [&] {
      graph_.remove_owner(old.owner());
      next->start();
    });
  } catch (...) {
    const std::string why = describe(std::current_exception());
    retire(std::move(next));
    throw PluginError("reload of '" + name + "' failed, the running instance is kept: " + why);
  }

  next->set_reloads(old.reloads() + 1);
  if (old.origin() != Origin::config && next->origin() == Origin::config) {
    // An instance loaded by hand that the configuration file now names: it takes the file's
    // table, which is news; its version is not.
    logging_.daemon().info("configured '{}' ({} {}) by the configuration file, from {}", name,
                           next->descriptor().name, next->descriptor().version,
                           next->file().string());
  } else {
    logging_.daemon().info("reloaded '{}' ({} {} replaces {}) from {}", name,
                           next->descriptor().name, next->descriptor().version,
                           old.descriptor().version, next->file().string());
  }
  std::swap(current.instance, next);
  retire(std::move(next));
  if (on_change_) on_change_();
  return *current.instance;
}

void PluginManager::unload(const std::string& name, Done done) {
  Entry& e = running(name);
  e.stopping = true;
  PluginInstance* instance = e.instance.get();
  when_quiet(*instance, [this, instance, done = std::move(done)] {
    std::string error;
    try {
      graph_.remove_owner(instance->owner());
    } catch (const std::exception& ex) {
      // Its nodes stay, so its code stays: the instance is kept, stopped.
      error = "cannot remove the nodes of '" + instance->name() + "': " + ex.what();
      logging_.daemon().error("{}", error);
      done(error);
      return;
    }
    const std::string name = instance->name();
    std::erase_if(entries_, [instance](const Entry& x) { return x.instance.get() == instance; });
    logging_.daemon().info("unloaded '{}'", name);
    if (on_change_) on_change_();
    done("");
    check_drained();
  });
}

void PluginManager::unload_all(std::function<void()> done) {
  shutting_down_ = true;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->stopping) continue;
    unload(it->instance->name(), [this, done = std::move(done)](const std::string&) mutable {
      unload_all(std::move(done));
    });
    return;
  }
  on_drained_.push_back(std::move(done));
  check_drained();
}

void PluginManager::check_drained() {
  if (!entries_.empty() || !retiring_.empty() || on_drained_.empty()) return;
  for (auto& done : std::exchange(on_drained_, {})) boost::asio::post(strand_, std::move(done));
}

void PluginManager::when_quiet(PluginInstance& instance, std::function<void()> then) {
  instance.stop();
  auto warn = std::make_shared<boost::asio::steady_timer>(strand_);
  auto waiting = std::make_shared<std::function<void()>>();
  *waiting = [this, &instance, warn, weak = std::weak_ptr(waiting)] {
    warn->expires_after(kQuietWarningPeriod);
    warn->async_wait([this, &instance, weak](const boost::system::error_code& ec) {
      auto again = weak.lock();
      if (ec || !again) return;
      logging_.daemon().warn("still waiting for {} piece(s) of work posted by '{}' to finish",
                             instance.executor().in_flight(), instance.name());
      (*again)();
    });
  };
  (*waiting)();
  instance.executor().when_quiet(strand_, [warn, waiting, then = std::move(then)] {
    warn->cancel();
    then();
  });
}

void PluginManager::retire(std::unique_ptr<PluginInstance> instance) {
  PluginInstance* raw = instance.get();
  retiring_.push_back(std::move(instance));
  when_quiet(*raw, [this, raw] {
    std::erase_if(retiring_, [raw](const auto& x) { return x.get() == raw; });
    check_drained();
  });
}

}  // namespace mirari::host
