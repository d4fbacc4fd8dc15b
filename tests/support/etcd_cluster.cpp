#include "etcd_cluster.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "command.hpp"
#include "eventually.hpp"

namespace mirari::testing {

namespace {

// The first port the kernel hands out as a connection's own (ip_local_port_range).
int first_ephemeral_port() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0;
  return range >> low && low > 2048 ? low : 32768;
}

// A loopback port nothing listens on now, below the range the kernel hands out to outgoing
// connections: a port from that range (the kernel's pick for a socket bound to port 0) can be
// taken by any connection another test opens before etcd binds it.
int free_port() {
  static std::mt19937 pick{std::random_device{}()};
  std::uniform_int_distribution<int> ports(1024, first_ephemeral_port() - 1);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const int port = ports(pick);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    if (free) return port;
  }
  throw std::runtime_error("no free loopback port below " + std::to_string(first_ephemeral_port()));
}

std::string name_of(int member) {
  std::string name = std::to_string(member);  // "m" + ... warns falsely in GCC 12 at -O3
  name.insert(name.begin(), 'm');
  return name;
}

// A P-256 key and a certificate for subject ("CN=name"), signed by the CA ca (files ca.pem, ca.key
// in dir) or self-signed when ca is empty; extensions as -addext arguments.
void make_certificate(const std::filesystem::path& dir, const std::string& name,
                      const std::string& subject, const std::string& ca,
                      const std::vector<std::string>& extensions) {
  std::vector<std::string> argv{"openssl",
                                "req",
                                "-x509",
                                "-newkey",
                                "ec",
                                "-pkeyopt",
                                "ec_paramgen_curve:P-256",
                                "-nodes",
                                "-days",
                                "2",
                                "-subj",
                                "/" + subject,
                                "-keyout",
                                (dir / (name + ".key")).string(),
                                "-out",
                                (dir / (name + ".pem")).string()};
  if (!ca.empty()) {
    argv.insert(argv.end(),
                {"-CA", (dir / (ca + ".pem")).string(), "-CAkey", (dir / (ca + ".key")).string()});
  }
  for (const std::string& extension : extensions) argv.insert(argv.end(), {"-addext", extension});
  check_command(argv);
}

}  // namespace

EtcdCluster::EtcdCluster() : EtcdCluster(Options{}) {}

EtcdCluster::EtcdCluster(Options options) : options_(std::move(options)), members_(kMembers) {
  if (options_.netns.empty() != options_.client_address.empty()) {
    throw std::invalid_argument("EtcdCluster: client_address goes with netns, and only with it");
  }
  if (options_.tls) make_certificates();
  for (int i = 0; i < kMembers; ++i) {
    if (options_.netns.empty()) {
      client_.push_back("127.0.0.1:" + std::to_string(free_port()));
      peer_.push_back("127.0.0.1:" + std::to_string(free_port()));
    } else {
      // The namespace is the cluster's own: fixed ports are free in it.
      client_.push_back("[" + options_.client_address + "]:" + std::to_string(2379 + 10000 * i));
      peer_.push_back("127.0.0.1:" + std::to_string(2380 + 10000 * i));
    }
  }
  if (!options_.netns.empty()) {
    check_command({"ip", "-n", options_.netns, "link", "set", "lo", "up"});
  }
  for (int i = 0; i < kMembers; ++i) start(i);
  const bool healthy = eventually(
      [&] {
        auto argv = etcdctl(client_[0] + "," + client_[1] + "," + client_[2]);
        argv.insert(argv.end(), {"--dial-timeout=1s", "endpoint", "health"});
        return run_command(in_netns(std::move(argv))).exit_code == 0;
      },
      std::chrono::seconds(10));
  if (!healthy) throw std::runtime_error("the etcd cluster did not come up:\n" + logs());
  if (options_.auth) {
    password_ = "mirari-test-password";
    ctl({"user", "add", "root:" + password_});
    ctl({"user", "grant-role", "root", "root"});
    ctl({"auth", "enable"});
    auth_enabled_ = true;
  }
}

void EtcdCluster::make_certificates() {
  const auto& dir = dir_.path();
  make_certificate(dir, "ca", "CN=mirari-test-ca", "",
                   {"basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign"});
  // etcd's JSON gateway passes requests on to its own gRPC server presenting this same
  // certificate: it serves as a client certificate too.
  make_certificate(dir, "member", "CN=etcd-member", "ca",
                   {"subjectAltName=IP:127.0.0.1,DNS:localhost" +
                        (options_.client_address.empty() ? "" : ",IP:" + options_.client_address),
                    "basicConstraints=CA:FALSE", "extendedKeyUsage=serverAuth,clientAuth"});
  // No common name: etcd 3.4's gateway refuses a client certificate that has one (it could not
  // take it as the user, as its gRPC service does).
  make_certificate(dir, "client", "O=mirari-client", "ca",
                   {"basicConstraints=CA:FALSE", "extendedKeyUsage=clientAuth"});
}

std::vector<std::string> EtcdCluster::etcdctl(const std::string& endpoints) const {
  std::vector<std::string> argv{"etcdctl", "--endpoints=" + endpoints};
  if (options_.tls) {
    argv.insert(argv.end(),
                {"--cacert=" + ca_file().string(), "--cert=" + client_cert_file().string(),
                 "--key=" + client_key_file().string()});
  }
  if (auth_enabled_) argv.push_back("--user=root:" + password_);
  return argv;
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
  const std::string scheme = options_.tls ? "https://" : "http://";
  std::vector<std::string> argv{"etcd",
                                "--name=" + name_of(member),
                                "--data-dir=" + (dir_.path() / name_of(member)).string(),
                                "--listen-client-urls=" + scheme + client_[member],
                                "--advertise-client-urls=" + scheme + client_[member],
                                "--listen-peer-urls=http://" + peer_[member],
                                "--initial-advertise-peer-urls=http://" + peer_[member],
                                "--initial-cluster=" + cluster,
                                "--initial-cluster-state=new",
                                "--initial-cluster-token=mirari-test",
                                "--heartbeat-interval=50",
                                "--election-timeout=500",
                                "--logger=zap",
                                "--log-outputs=stderr"};
  if (options_.tls) {
    argv.insert(argv.end(), {"--cert-file=" + (dir_.path() / "member.pem").string(),
                             "--key-file=" + (dir_.path() / "member.key").string(),
                             "--trusted-ca-file=" + ca_file().string(), "--client-cert-auth"});
  }
  if (options_.token_ttl > 0) {
    argv.push_back("--auth-token-ttl=" + std::to_string(options_.token_ttl));
  }
  members_[member] = std::make_unique<ChildProcess>(in_netns(argv), ChildStreams{-1, err, err});
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
  std::vector<std::string> argv = etcdctl(live);
  argv.push_back("--dial-timeout=2s");
  argv.insert(argv.end(), args.begin(), args.end());
  return check_command(in_netns(std::move(argv)));
}

std::vector<std::string> EtcdCluster::in_netns(std::vector<std::string> argv) const {
  // `ip netns exec` execs the program (no fork): the child's pid is the program's.
  if (!options_.netns.empty()) argv.insert(argv.begin(), {"ip", "netns", "exec", options_.netns});
  return argv;
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
