#include "etcd_cluster.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "command.hpp"
#include "eventually.hpp"

namespace mirari::testing {

namespace {

// A loopback port nothing listens on now: the kernel's pick for a socket bound to port 0.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    const int error = errno;
    ::close(fd);
    throw std::system_error(error, std::generic_category(), "binding a loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string name_of(int member) {
  return "m" + std::to_string(member);
}

}  // namespace

EtcdCluster::EtcdCluster() : members_(kMembers) {
  for (int i = 0; i < kMembers; ++i) {
    client_.push_back("127.0.0.1:" + std::to_string(free_port()));
    peer_.push_back("127.0.0.1:" + std::to_string(free_port()));
  }
  for (int i = 0; i < kMembers; ++i) start(i);
  const bool healthy = eventually(
      [&] {
        std::vector<std::string> argv{
            "etcdctl", "--endpoints=" + client_[0] + "," + client_[1] + "," + client_[2],
            "--dial-timeout=1s", "endpoint", "health"};
        return run_command(argv).exit_code == 0;
      },
      std::chrono::seconds(10));
  if (!healthy) throw std::runtime_error("the etcd cluster did not come up:\n" + logs());
}

EtcdCluster::~EtcdCluster() = default;

void EtcdCluster::start(int member) {
  std::string cluster;
  for (int i = 0; i < kMembers; ++i) {
    cluster += (i ? "," : "") + name_of(i) + "=http://" + peer_[i];
  }
  const auto log = dir_.path() / (name_of(member) + ".log");
  const int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (err < 0) throw std::system_error(errno, std::generic_category(), log.string());
  // Short raft timers: the cluster elects a leader, and leases as short as 1 s are granted.
  std::vector<std::string> argv{"etcd",
                                "--name=" + name_of(member),
                                "--data-dir=" + (dir_.path() / name_of(member)).string(),
                                "--listen-client-urls=http://" + client_[member],
                                "--advertise-client-urls=http://" + client_[member],
                                "--listen-peer-urls=http://" + peer_[member],
                                "--initial-advertise-peer-urls=http://" + peer_[member],
                                "--initial-cluster=" + cluster,
                                "--initial-cluster-state=new",
                                "--initial-cluster-token=mirari-test",
                                "--heartbeat-interval=50",
                                "--election-timeout=500",
                                "--logger=zap",
                                "--log-outputs=stderr"};
  members_[member] = std::make_unique<ChildProcess>(argv, ChildStreams{-1, err, err});
  ::close(err);
}

std::string EtcdCluster::toml_endpoints(int first) const {
  std::string out = "[\"" + client_[first] + "\"";
  for (int i = 0; i < kMembers; ++i) {
    if (i != first) out += ", \"" + client_[i] + "\"";
  }
  return out + "]";
}

void EtcdCluster::kill(int member) {
  members_[member]->signal(SIGKILL);
  members_[member]->wait_for_exit();
}

std::string EtcdCluster::ctl(const std::vector<std::string>& args) const {
  std::string live;
  for (int i = 0; i < kMembers; ++i) {
    if (members_[i] && members_[i]->running()) live += (live.empty() ? "" : ",") + client_[i];
  }
  std::vector<std::string> argv{"etcdctl", "--endpoints=" + live, "--dial-timeout=2s"};
  argv.insert(argv.end(), args.begin(), args.end());
  return check_command(argv);
}

std::string EtcdCluster::logs() const {
  std::string out;
  for (int i = 0; i < kMembers; ++i) {
    std::ifstream in(dir_.path() / (name_of(i) + ".log"));
    std::stringstream text;
    text << in.rdbuf();
    out += "--- " + name_of(i) + " ---\n" + text.str();
  }
  return out;
}

}  // namespace mirari::testing
