// Loading, reloading and unloading plugin instances into the shared graph.
//
// Lifecycle of an instance, as plugin.hpp describes it:
//   load:   open a private copy of the library (checked ABI and build) → create → configure
//           (its table, checked against the declared keys) → start, in one structural step.
//   unload: stop → wait until no work it posted runs → its nodes leave in one step →
//           destroyed → library released last.
//   reload: open the new copy → create → configure → restore the running instance's
//           snapshot → in one step, the old instance's nodes leave and the new one starts →
//           then the old one is stopped, waited for, and released. Ports keep their value and
//           their subscribers across the swap. If anything before the swap's commit fails,
//           the old instance keeps running untouched.
//
// Invariants:
// - Instance names are unique among the listed instances, running or stopping.
// - No tick runs between taking the old instance's snapshot and committing the swap: both
//   happen in one call on the graph's thread, so no input is lost or counted twice.
// - A stopped instance is destroyed only once its executor is quiet.
//
// Every member is called on the graph's thread (the daemon's strand).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config_file.hpp"
#include "crash_marker.hpp"
#include "plugin_instance.hpp"
#include "port_audit.hpp"
#include "state_file.hpp"

namespace mirari::host {

class Logging;

// A load, reload or unload that did not happen; what() says what was refused and why.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A load refused because the plugin crashed mirarid last time (crash_marker.hpp).
class PluginHeldOut : public PluginError {
 public:
  using PluginError::PluginError;
};

class PluginManager {
 public:
  struct Settings {
    std::filesystem::path private_dir;   // where private copies of libraries are opened
    std::filesystem::path crash_marker;  // removed once a held-out plugin is loaded by request
    bool allow_unsafe_permissions = false;
  };
  // The configuration table for an instance name, or null. Consulted at every load and
  // reload, so a re-read configuration applies to what is (re)loaded from then on.
  using TableLookup = std::function<const PluginTable*(const std::string& instance)>;
  // Called with an empty string on success, else with the reason.
  using Done = std::function<void(const std::string& error)>;

  PluginManager(Graph& graph, boost::asio::any_io_executor strand,
                boost::asio::thread_pool& workers, WorkRegistry& work, Logging& logging,
                Settings settings, TableLookup tables);
  // Expects every instance unloaded (unload_all).
  ~PluginManager();
  PluginManager(const PluginManager&) = delete;
  PluginManager& operator=(const PluginManager&) = delete;

  // Loads file as instance `name` (empty: the plugin's own name), with the configuration
  // table of that name if there is one, else with `given` (checked as a file's table is; it
  // is refused when the configuration has a table of that name, so an instance has one
  // source of settings). Throws PluginError, and nothing is loaded; PluginHeldOut when the
  // instance (or, without a name, the file) is held out and origin is not control. A load
  // from control of what is held out ends the hold and removes the crash marker.
  const PluginInstance& load(const std::filesystem::path& file, const std::string& name,
                             Origin origin, std::optional<toml::table> given = std::nullopt);
  // Replaces the instance by a new one from its configuration table's file (else from the
  // file it was loaded from), carrying its snapshot. Throws PluginError; the old instance
  // then keeps running.
  const PluginInstance& reload(const std::string& name);

  // The two halves of a load or reload, for a caller that checks several tables before it
  // applies any (a re-read configuration file).
  //
  // Opens table.file and creates and configures the instance table.instance, without starting
  // it. When an instance of that name runs, the new one is to replace it, and must be the same
  // plugin. Throws PluginError; nothing changes then.
  std::unique_ptr<PluginInstance> prepare(PluginTable table, Origin origin);
  // Starts a prepared instance: as a new instance, or in place of the running one of its name
  // (a reload). Throws PluginError; a running instance then keeps running.
  const PluginInstance& commit(std::unique_ptr<PluginInstance> prepared);
  // Releases a prepared instance that is not to be started.
  void discard(std::unique_ptr<PluginInstance> prepared);
  // Unloads the instance; done is called once it is released. Throws PluginError when
  // there is no such running instance.
  void unload(const std::string& name, Done done);
  // Unloads every instance, the last loaded first, one after the other; refuses loads from
  // now on; calls done once everything is released.
  void unload_all(std::function<void()> done);

  // Snapshots saved by an earlier mirarid (state_file.hpp): a new instance (not a reload's)
  // whose instance and plugin names match one is given it by restore() before it starts.
  // Each is given once; forget_snapshots() drops those not taken.
  void offer_snapshots(std::vector<SavedSnapshot> snapshots) { offered_ = std::move(snapshots); }
  void forget_snapshots() { offered_.clear(); }
  // Called on the graph's thread whenever the set of instances changed (a load, a reload or
  // an unload completed).
  void on_change(std::function<void()> listener) { on_change_ = std::move(listener); }

  // Keeps the instance a crash marker names out of loads not asked for by an operator.
  void hold_out(CrashMarker marker) { held_out_ = std::move(marker); }
  const std::optional<CrashMarker>& held_out() const noexcept { return held_out_; }

  void set_allow_unsafe_permissions(bool allow) noexcept {
    settings_.allow_unsafe_permissions = allow;
  }

  struct Listed {
    const PluginInstance* instance;
    bool stopping;
  };
  // Instances in load order.
  std::vector<Listed> list() const;
  const PluginInstance* find(const std::string& name) const;
  // Running instances loaded from file.
  std::vector<std::string> instances_of(const std::filesystem::path& file) const;
  // Replaced or failed instances still waiting for their work to finish.
  std::size_t retiring() const noexcept { return retiring_.size(); }

  // The ports the instances use, against what they declare.
  const PortAudit& port_audit() const noexcept { return port_audit_; }

 private:
  struct Entry {
    std::unique_ptr<PluginInstance> instance;
    bool stopping = false;
  };
  Entry* entry(const std::string& name);
  Entry& running(const std::string& name);
  std::shared_ptr<PluginLibrary> open(const std::filesystem::path& file);
  std::unique_ptr<PluginInstance> create(std::shared_ptr<PluginLibrary> library, PluginTable table,
                                         Origin origin);
  const PluginInstance& start(std::unique_ptr<PluginInstance> next);
  const PluginInstance& swap(Entry& current, std::unique_ptr<PluginInstance> next);
  // Stops instance, then runs then() once its work is finished; warns while it is not.
  void when_quiet(PluginInstance& instance, std::function<void()> then);
  // Takes a stopped-or-running instance whose nodes are gone and releases it once quiet.
  void retire(std::unique_ptr<PluginInstance> instance);
  void check_drained();

  Graph& graph_;
  boost::asio::any_io_executor strand_;
  boost::asio::thread_pool& workers_;
  WorkRegistry& work_;
  Logging& logging_;
  Settings settings_;
  TableLookup tables_;
  PortAudit port_audit_;  // before the instances: each withdraws from it when destroyed
  std::vector<Entry> entries_;
  std::vector<std::unique_ptr<PluginInstance>> retiring_;
  std::optional<CrashMarker> held_out_;
  std::vector<SavedSnapshot> offered_;
  std::function<void()> on_change_;
  bool shutting_down_ = false;
  std::vector<std::function<void()>> on_drained_;
};

}  // namespace mirari::host
