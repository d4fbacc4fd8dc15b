#include "frr_router.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <system_error>

#include "command.hpp"
#include "eventually.hpp"

namespace mirari::testing {

namespace {

namespace fs = std::filesystem;

constexpr const char* kDaemonDir = "/usr/lib/frr";
constexpr std::chrono::seconds kStartTimeout{10};

const char* daemon_name(FrrDaemon d) {
  switch (d) {
    case FrrDaemon::zebra:
      return "zebra";
    case FrrDaemon::staticd:
      return "staticd";
    case FrrDaemon::bgpd:
      return "bgpd";
  }
  return "?";
}

void own_by_frr(const fs::path& path) {
  const passwd* frr = ::getpwnam("frr");
  if (frr == nullptr) throw std::runtime_error("no user frr: is FRR installed?");
  if (::chown(path.c_str(), frr->pw_uid, frr->pw_gid) != 0) {
    throw std::system_error(errno, std::generic_category(), "chown " + path.string());
  }
}

void write_owned(const fs::path& file, const std::string& text) {
  std::ofstream(file) << text;
  own_by_frr(file);
}

std::string address_of(const std::string& cidr) {
  return cidr.substr(0, cidr.find('/'));
}

}  // namespace

FrrRouter::FrrRouter(std::string hostname)
    : hostname_(std::move(hostname)), ns_(std::make_unique<NetworkNamespace>()) {
  config_dir_ = "/etc/frr/" + ns_->name();
  run_dir_ = "/var/run/frr/" + ns_->name();
  try {
    ns_->ip({"link", "set", "lo", "up"});
    for (const std::string& dir : {config_dir_, run_dir_}) {
      fs::create_directories(dir);
      own_by_frr(dir);
    }
    write_owned(fs::path(config_dir_) / "frr.conf",
                "frr defaults traditional\nhostname " + hostname_ + "\n");
    write_owned(fs::path(config_dir_) / "vtysh.conf", "");
    for (FrrDaemon d : {FrrDaemon::zebra, FrrDaemon::staticd, FrrDaemon::bgpd}) start(d);
  } catch (...) {
    for (auto& d : daemons_) d.reset();
    std::error_code ignored;
    fs::remove_all(config_dir_, ignored);
    fs::remove_all(run_dir_, ignored);
    throw;
  }
}

FrrRouter::~FrrRouter() {
  for (FrrDaemon d : {FrrDaemon::bgpd, FrrDaemon::staticd, FrrDaemon::zebra}) {
    try {
      stop(d);
    } catch (const std::exception& e) {
      std::cerr << "stopping " << daemon_name(d) << " of " << hostname_ << ": " << e.what();
    }
  }
  std::error_code ignored;
  fs::remove_all(config_dir_, ignored);
  fs::remove_all(run_dir_, ignored);
}

void FrrRouter::start(FrrDaemon daemon) {
  const std::string name = daemon_name(daemon);
  const fs::path socket = fs::path(run_dir_) / (name + ".vty");
  std::error_code ignored;
  fs::remove(socket, ignored);
  const std::string log = run_dir_ + "/" + name + ".log";
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) throw std::system_error(errno, std::generic_category(), "open " + log);
  try {
    daemons_[static_cast<int>(daemon)] = std::make_unique<ChildProcess>(
        std::vector<std::string>{"ip", "netns", "exec", ns_->name(),
                                 std::string(kDaemonDir) + "/" + name, "-N", ns_->name(), "-u",
                                 "frr", "-g", "frr", "-f", config_dir_ + "/frr.conf"},
        ChildStreams{-1, out, out});
  } catch (...) {
    ::close(out);
    throw;
  }
  ::close(out);
  const bool answers = eventually(
      [&] {
        return fs::exists(socket) &&
               run_command({"vtysh", "-N", ns_->name(), "-d", name, "-c", "show version"})
                       .exit_code == 0;
      },
      kStartTimeout);
  if (!answers) {
    throw std::runtime_error(name + " of " + hostname_ + " does not answer on " + socket.string() +
                             "; see " + log);
  }
}

void FrrRouter::stop(FrrDaemon daemon) {
  auto& child = daemons_[static_cast<int>(daemon)];
  if (!child) return;
  child->signal(SIGTERM);
  if (!child->wait(std::chrono::seconds(5))) child->signal(SIGKILL);
  child.reset();  // kills (SIGKILL) and reaps whatever is left
}

void FrrRouter::restart(FrrDaemon daemon) {
  stop(daemon);
  start(daemon);
}

std::string FrrRouter::vtysh(const std::vector<std::string>& commands) const {
  std::vector<std::string> argv{"vtysh", "-N", ns_->name()};
  for (const std::string& c : commands) argv.insert(argv.end(), {"-c", c});
  return check_command(argv);
}

std::string FrrRouter::kernel_routes() const {
  return ns_->ip({"route", "show"}) + ns_->ip({"-6", "route", "show"});
}

bool FrrRouter::kernel_has_route(const std::string& prefix) const {
  const std::string family = prefix.find(':') != std::string::npos ? "-6" : "-4";
  return !ns_->ip({family, "route", "show", "exact", prefix}).empty();
}

bool FrrRouter::bgp_established(const std::string& peer_address) const {
  const CommandResult r = run_command(
      {"vtysh", "-N", ns_->name(), "-c", "show bgp neighbors " + peer_address + " json"});
  if (r.exit_code != 0) return false;
  const nlohmann::json j = nlohmann::json::parse(r.output, nullptr, false);
  return j.is_object() && j.contains(peer_address) &&
         j[peer_address].value("bgpState", "") == "Established";
}

Link connect(const FrrRouter& a, const std::string& a_cidr, const FrrRouter& b,
             const std::string& b_cidr) {
  Link link{"to-" + b.hostname(), "to-" + a.hostname(), address_of(a_cidr), address_of(b_cidr)};
  a.ns().ip({"link", "add", link.a_device, "type", "veth", "peer", "name", link.b_device, "netns",
             b.netns()});
  a.ns().ip({"addr", "add", a_cidr, "dev", link.a_device});
  b.ns().ip({"addr", "add", b_cidr, "dev", link.b_device});
  a.ns().ip({"link", "set", link.a_device, "up"});
  b.ns().ip({"link", "set", link.b_device, "up"});
  return link;
}

void peer_ebgp(const FrrRouter& a, std::uint32_t as_a, const FrrRouter& b, std::uint32_t as_b,
               const Link& link) {
  auto session = [](const FrrRouter& self, std::uint32_t as, const std::string& id,
                    const std::string& peer, std::uint32_t peer_as) {
    self.vtysh({"configure terminal", "router bgp " + std::to_string(as), "bgp router-id " + id,
                "no bgp ebgp-requires-policy", "timers bgp 1 3",
                "neighbor " + peer + " remote-as " + std::to_string(peer_as),
                "neighbor " + peer + " timers connect 1",
                "neighbor " + peer + " advertisement-interval 0"});
  };
  session(a, as_a, link.a_address, link.b_address, as_b);
  session(b, as_b, link.b_address, link.a_address, as_a);
}

}  // namespace mirari::testing
