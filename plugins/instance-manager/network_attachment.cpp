#include "network_attachment.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "instance_name.hpp"
#include "link_requests.hpp"
#include "mirari/unique_fd.hpp"
#include "rtnetlink/netns.hpp"
#include "system_tool.hpp"

namespace mirari::instances {

namespace {

namespace fs = std::filesystem;

constexpr const char* kNetnsPrefix = "mirari-";
constexpr const char* kPeer = "eth0";

// 24 bits of FNV-1a of the group: six hex digits tell groups' ports apart.
std::string group_tag(const std::string& group) {
  std::uint32_t hash = 2166136261U;
  for (const char c : group) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619U;
  }
  hash = (hash >> 24) ^ (hash & 0xFFFFFFU);
  constexpr char kHex[] = "0123456789abcdef";
  std::string out(6, '0');
  for (int i = 5; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = kHex[hash & 0xF];
  return out;
}

std::string base36(std::uint64_t value) {
  constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[value % 36]);
    value /= 36;
  } while (value != 0);
  return out;
}

std::array<std::uint8_t, 16> bytes_of(int family, const std::string& text) {
  std::array<std::uint8_t, 16> bytes{};
  ::inet_pton(family, text.c_str(), bytes.data());
  return bytes;
}

std::string netns_path(const std::string& netns) {
  return std::string(rtnetlink::kNetnsDirectory) + "/" + netns;
}

}  // namespace

std::string namespace_name(const std::string& group, std::uint64_t serial) {
  return kNetnsPrefix + group + "-" + std::to_string(serial);
}

std::string port_name(const std::string& group, std::uint64_t serial) {
  // "mr" + 6 + "-" + at most 6 base-36 digits (serials below 36^6, about 2.2 billion).
  return "mr" + group_tag(group) + "-" + base36(serial);
}

std::vector<std::string> ovs_add_port_command(const std::string& ovs_vsctl,
                                              const NetworkSettings& settings,
                                              const std::string& port) {
  return {ovs_vsctl,
          "--db=" + settings.ovs_db,
          "--timeout=" + std::to_string(kOvsTimeoutSeconds),
          "--",
          "--may-exist",
          "add-port",
          settings.bridge,
          port};
}

std::vector<std::string> ovs_del_port_command(const std::string& ovs_vsctl,
                                              const NetworkSettings& settings,
                                              const std::string& port) {
  return {ovs_vsctl,
          "--db=" + settings.ovs_db,
          "--timeout=" + std::to_string(kOvsTimeoutSeconds),
          "--",
          "--if-exists",
          "del-port",
          settings.bridge,
          port};
}

NetworkAttacher::NetworkAttacher(NetworkSettings settings, std::string group)
    : settings_(std::move(settings)), group_(std::move(group)) {
  const auto ip = find_system_program("ip");
  if (!ip) throw std::runtime_error("the network attachment needs iproute2's ip, not found");
  ip_ = *ip;
  if (settings_.kind == SwitchKind::ovs) {
    const auto ovs_vsctl = find_system_program("ovs-vsctl");
    if (!ovs_vsctl) {
      throw std::runtime_error("switch ovs needs Open vSwitch's ovs-vsctl, not found");
    }
    ovs_vsctl_ = *ovs_vsctl;
  }
}

Attachment NetworkAttacher::attachment(std::uint64_t serial) const {
  return {namespace_name(group_, serial), port_name(group_, serial),
          instance_address(settings_, serial)};
}

Attachment NetworkAttacher::attach(std::uint64_t serial) const {
  const Attachment a = attachment(serial);
  std::error_code unused;
  if (link_index(a.port) || fs::exists(netns_path(a.netns), unused)) detach(serial);
  std::optional<unsigned> bridge;
  if (settings_.kind == SwitchKind::linux_bridge) {
    bridge = link_index(settings_.bridge);
    if (!bridge) throw std::runtime_error("bridge '" + settings_.bridge + "' does not exist");
  }
  check_tool({ip_, "netns", "add", a.netns}, "cannot make network namespace " + a.netns);
  try {
    UniqueFd netns(::open(netns_path(a.netns).c_str(), O_RDONLY | O_CLOEXEC));
    if (!netns) {
      throw std::system_error(errno, std::generic_category(),
                              "cannot open network namespace " + a.netns);
    }
    add_veth(a.port, kPeer, netns.get());
    const int family = settings_.prefix.family;
    rtnetlink::in_netns(a.netns, [&] {
      set_link_up("lo");
      add_address(kPeer, family, bytes_of(family, a.address), settings_.prefix.length);
      set_link_up(kPeer);
      if (settings_.gateway) add_default_route(kPeer, family, bytes_of(family, *settings_.gateway));
    });
    set_link_up(a.port, bridge);
    if (settings_.kind == SwitchKind::ovs) {
      check_tool(ovs_add_port_command(ovs_vsctl_, settings_, a.port),
                 "cannot add port " + a.port + " to Open vSwitch bridge " + settings_.bridge);
    }
  } catch (...) {
    detach(serial);
    throw;
  }
  return a;
}

std::vector<std::string> NetworkAttacher::detach(std::uint64_t serial) const {
  const Attachment a = attachment(serial);
  std::vector<std::string> problems;
  if (settings_.kind == SwitchKind::ovs) {
    try {
      check_tool(ovs_del_port_command(ovs_vsctl_, settings_, a.port),
                 "cannot remove port " + a.port + " from Open vSwitch bridge " + settings_.bridge);
    } catch (const std::exception& e) {
      problems.emplace_back(e.what());
    }
  }
  // Deleting the host end deletes eth0 with it, at once; the namespace's own deletion
  // completes later in the kernel, and would keep the name taken until then.
  try {
    delete_link(a.port);
  } catch (const std::exception& e) {
    problems.emplace_back(e.what());
  }
  std::error_code missing;
  if (fs::exists(netns_path(a.netns), missing)) {
    try {
      check_tool({ip_, "netns", "delete", a.netns}, "cannot delete network namespace " + a.netns);
    } catch (const std::exception& e) {
      problems.emplace_back(e.what());
    }
  }
  return problems;
}

std::vector<std::uint64_t> NetworkAttacher::namespaces() const {
  const std::string prefix = kNetnsPrefix + group_ + "-";
  std::vector<std::uint64_t> out;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(rtnetlink::kNetnsDirectory, error)) {
    const std::string name = entry.path().filename();
    if (name.rfind(prefix, 0) != 0) continue;
    // mirari-web-2-5 belongs to group web-2, not to web: the rest must be a number alone.
    if (const auto serial = serial_of(name); serial && name == prefix + std::to_string(*serial)) {
      out.push_back(*serial);
    }
  }
  return out;
}

std::vector<std::string> NetworkAttacher::exec_prefix(const Attachment& attachment) const {
  return {ip_, "netns", "exec", attachment.netns};
}

}  // namespace mirari::instances
