// The xen backend delivering configuration into the data space: a running domain's entry of
// instances.config lands in its XenStore data/config/ (the XenStore-protocol test server,
// reached through the real libxenstore), changes replace it whole, and a backend that adopts
// the domain writes it again. And libxl's create, however long it takes, holds up nothing
// else. The domains are a toolstack of the test's own (no hypervisor runs on the test
// machines): created domains are listed as running until destroyed; a create can be held
// until the test lets it go.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <mirari/combinators.hpp>

#include "graph_loop.hpp"
#include "temp_dir.hpp"
#include "xen_backend.hpp"
#include "xen_data_config.hpp"
#include "xen_domain_state.hpp"
#include "xs_fixture.hpp"

using mirari::instances::Action;
using mirari::instances::DomainConfigWriter;
using mirari::instances::ListedDomain;
using mirari::instances::Observed;
using mirari::instances::Plan;
using mirari::instances::XenBackend;
using mirari::instances::XenDomainConfig;
using mirari::instances::XenToolstack;
using mirari::ports::InstanceConfig;
using mirari::ports::InstanceConfigs;
using mirari::ports::InstanceEvent;
using mirari::ports::InstanceSpec;
using mirari::ports::InstanceState;
using mirari::testing::GraphLoop;
using mirari::testing::TempDir;
namespace xs = mirari::testing::xs;

namespace {

// The domains the test's toolstack made, shared by every backend of a test (as a host's are).
struct Domains {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<ListedDomain> listed;
  std::uint32_t next_domid = 7;
  std::set<std::string> held;  // names whose create waits until released
  int waiting = 0;             // creates waiting now

  void hold(const std::string& name) {
    std::lock_guard lock(mutex);
    held.insert(name);
  }
  void release(const std::string& name) {
    std::lock_guard lock(mutex);
    held.erase(name);
    changed.notify_all();
  }
  int creates_waiting() {
    std::lock_guard lock(mutex);
    return waiting;
  }
  void set_flags(std::uint32_t domid, std::uint32_t flags) {
    std::lock_guard lock(mutex);
    for (ListedDomain& d : listed) {
      if (d.domid == domid) d.flags = flags;
    }
  }
  bool listed_domain(std::uint32_t domid) {
    std::lock_guard lock(mutex);
    return std::any_of(listed.begin(), listed.end(),
                       [&](const ListedDomain& d) { return d.domid == domid; });
  }
};

// Lets every held create go at the end of a test, failed or not: a backend that goes waits
// for the creates it asked for.
struct ReleaseAtEnd {
  std::shared_ptr<Domains> domains;
  ~ReleaseAtEnd() {
    std::lock_guard lock(domains->mutex);
    domains->held.clear();
    domains->changed.notify_all();
  }
};

class TestToolstack final : public XenToolstack {
 public:
  explicit TestToolstack(std::shared_ptr<Domains> domains) : domains_(std::move(domains)) {}

  std::vector<ListedDomain> list_domains() override {
    std::lock_guard lock(domains_->mutex);
    return domains_->listed;
  }
  std::uint32_t create(const XenDomainConfig& config) override {
    std::unique_lock lock(domains_->mutex);
    ++domains_->waiting;
    domains_->changed.wait(lock, [&] { return domains_->held.count(config.name) == 0; });
    --domains_->waiting;
    const std::uint32_t domid = domains_->next_domid++;
    domains_->listed.push_back(
        {domid, config.uuid, config.name, mirari::instances::domain_flags::running});
    return domid;
  }
  void shutdown(std::uint32_t domid) override { destroy(domid); }
  void destroy(std::uint32_t domid) override {
    std::lock_guard lock(domains_->mutex);
    std::erase_if(domains_->listed, [&](const ListedDomain& d) { return d.domid == domid; });
  }

 private:
  std::shared_ptr<Domains> domains_;
};

void ignore(XenBackend::Level, const std::string&) {}

XenBackend::Options options(const TempDir& dir) {
  XenBackend::Options o;
  o.group = "web";
  o.dir = dir.path() / "web";
  o.start_grace = std::chrono::milliseconds(0);
  o.poll_interval = std::chrono::milliseconds(10);
  return o;
}

// A backend following into sources of loop's graph.
struct Followed {
  Followed(GraphLoop& loop, const TempDir& dir, const std::shared_ptr<Domains>& domains)
      : backend(loop.executor(), options(dir), std::make_unique<TestToolstack>(domains), ignore),
        observed(loop.graph().source<Observed>(backend.observed())),
        events(loop.graph().event_source<std::vector<InstanceEvent>>()),
        clock(loop.graph().source<std::int64_t>(0)) {
    backend.follow({&loop.graph(), observed, events, clock});
  }
  const Observed& now() const { return observed.value(); }

  XenBackend backend;
  mirari::Source<Observed> observed;
  mirari::EventSource<std::vector<InstanceEvent>> events;
  mirari::Source<std::int64_t> clock;
};

InstanceConfigs configs(const std::string& name, const InstanceConfig& config) {
  return InstanceConfigs{}.set(name, config);
}

// data/config of domid as the store holds it: key → value.
InstanceConfig data_config(std::uint32_t domid) {
  const xs::Handle store = xs::open();
  InstanceConfig out;
  const std::string dir = DomainConfigWriter::directory(domid);
  if (xs::directory_error(store.get(), dir) != 0) return out;
  for (const std::string& key : xs::directory(store.get(), dir)) {
    out[key] = xs::read(store.get(), dir + "/" + key);
  }
  return out;
}

std::uint32_t running_domain(GraphLoop& loop, Followed& f, const std::string& name) {
  REQUIRE(loop.run_until([&] {
    const auto* i = f.now().instances.find(name);
    return i != nullptr && i->state == InstanceState::running;
  }));
  return static_cast<std::uint32_t>(f.now().instances.at(name).backend_id);
}

Action create(const std::string& name, std::uint64_t serial) {
  Action a;
  a.kind = Action::Kind::create;
  a.name = name;
  a.serial = serial;
  a.spec = InstanceSpec{"web", "/boot/web.xen", {}, {}};
  return a;
}

}  // namespace

TEST_CASE("a running domain's configuration is written to its data space, and replaced whole") {
  xs::XenstoreFixture store;
  TempDir dir;
  GraphLoop loop;
  const auto domains = std::make_shared<Domains>();
  Followed f(loop, dir, domains);
  f.backend.deliver(configs("web-1", {{"colour", "blue"}, {"size", "3"}}));
  f.backend.apply(Plan{1, {create("web-1", 1)}, std::nullopt});
  const std::uint32_t domid = running_domain(loop, f, "web-1");
  REQUIRE(loop.run_until([&] { return !data_config(domid).empty(); }));
  CHECK(data_config(domid) == InstanceConfig{{"colour", "blue"}, {"size", "3"}});

  // A key that left the entry goes; the others change in the same transaction.
  f.backend.deliver(configs("web-1", {{"colour", "green"}}));
  REQUIRE(loop.run_until([&] { return data_config(domid).size() == 1; }));
  CHECK(data_config(domid) == InstanceConfig{{"colour", "green"}});
  // Other domains' data spaces are not touched.
  CHECK(data_config(domid + 1).empty());
}

TEST_CASE("a backend that adopts a running domain writes its configuration again") {
  xs::XenstoreFixture store;
  TempDir dir;
  GraphLoop loop;
  const auto domains = std::make_shared<Domains>();
  std::uint32_t domid = 0;
  {
    Followed f(loop, dir, domains);
    f.backend.deliver(configs("web-1", {{"colour", "blue"}}));
    f.backend.apply(Plan{1, {create("web-1", 1)}, std::nullopt});
    domid = running_domain(loop, f, "web-1");
    REQUIRE(loop.run_until([&] { return !data_config(domid).empty(); }));
    f.backend.stop();
  }
  // Changed while no manager ran: a key of the old entry changed, one written by hand.
  {
    const xs::Handle handle = xs::open();
    xs::write(handle.get(), DomainConfigWriter::directory(domid) + "/colour", "red");
    xs::write(handle.get(), DomainConfigWriter::directory(domid) + "/stale", "1");
  }
  Followed next(loop, dir, domains);
  CHECK(next.now().instances.at("web-1").backend_id == domid);
  next.backend.deliver(configs("web-1", {{"colour", "blue"}}));
  REQUIRE(loop.run_until([&] { return data_config(domid).size() == 1; }));
  CHECK(data_config(domid) == InstanceConfig{{"colour", "blue"}});
}

TEST_CASE("a configuration that cannot be written is written once XenStore answers again") {
  xs::XenstoreFixture store;
  TempDir dir;
  GraphLoop loop;
  const auto domains = std::make_shared<Domains>();
  Followed f(loop, dir, domains);
  f.backend.deliver(configs("web-1", {{"colour", "red"}}));
  f.backend.apply(Plan{1, {create("web-1", 1)}, std::nullopt});
  const std::uint32_t domid = running_domain(loop, f, "web-1");
  REQUIRE(loop.run_until([&] { return !data_config(domid).empty(); }));
  // The store dies and starts again, empty: the connection the backend wrote through is gone.
  store.restart();
  f.backend.deliver(configs("web-1", {{"colour", "blue"}}));
  REQUIRE(loop.run_until([&] { return !data_config(domid).empty(); }));
  CHECK(data_config(domid) == InstanceConfig{{"colour", "blue"}});
}

TEST_CASE("while libxl builds one domain, the others' states still advance") {
  TempDir dir;
  GraphLoop loop;
  const auto domains = std::make_shared<Domains>();
  Followed f(loop, dir, domains);
  const ReleaseAtEnd release{domains};
  f.backend.apply(Plan{1, {create("web-1", 1)}, std::nullopt});
  const std::uint32_t first = running_domain(loop, f, "web-1");

  domains->hold("web-2");
  f.backend.apply(Plan{f.now().version, {create("web-2", 2)}, std::nullopt});
  REQUIRE(loop.run_until([&] { return domains->creates_waiting() == 1; }));
  // web-1's guest powers off while web-2's build is under way: seen, and web-1 exits.
  using namespace mirari::instances;
  domains->set_flags(
      first, domain_flags::shutdown | (shutdown_code::poweroff << domain_flags::shutdown_shift));
  REQUIRE(
      loop.run_until([&] { return f.now().instances.at("web-1").state == InstanceState::exited; }));
  CHECK(f.now().instances.at("web-1").status == 0);
  const auto building = f.now().instances.at("web-2");
  CHECK(building.state == InstanceState::starting);
  CHECK(building.backend_id == 0);
  CHECK(domains->creates_waiting() == 1);

  // Once libxl is done, web-2 runs, and web-1's domain, destroyed after it, is gone.
  domains->release("web-2");
  const std::uint32_t second = running_domain(loop, f, "web-2");
  CHECK(second != first);
  REQUIRE(loop.run_until([&] { return !domains->listed_domain(first); }));
}
