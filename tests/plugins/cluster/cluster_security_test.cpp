// The cluster plugin against etcd members that serve TLS only, want a client certificate and
// authenticate users (tests/support/etcd_cluster.hpp's tls and auth), between real mirarid
// processes: a port crosses, a CA that does not verify the members and a wrong password are
// named in the log and let nothing through, bad files and half-given pairs are refused when
// the configuration is checked, and an expired token is replaced. Nothing asserts a duration:
// eventually() only bounds the waits.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "daemon.hpp"
#include "etcd_client.hpp"
#include "etcd_cluster.hpp"
#include "imported_routes.hpp"
#include "temp_dir.hpp"

using mirari::test::Daemon;
using mirari::test::eventually;
using mirari::test::imports;
using mirari::test::routes;
using mirari::test::set_routes;
using mirari::test::write_file;
using mirari::testing::EtcdCluster;
using mirari::testing::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string cluster_config(const std::string& host, const std::string& endpoints,
                           const std::string& more, int ttl = 2) {
  return std::string("[plugins.cluster]\nfile = \"") + MIRARI_CLUSTER_SO + "\"\nhost = \"" + host +
         "\"\ncluster = \"t\"\nendpoints = " + endpoints + "\nttl = " + std::to_string(ttl) +
         "\ntimeout_ms = 1000\n" + more;
}

std::string key(const std::string& name, const fs::path& file) {
  return name + " = \"" + file.string() + "\"\n";
}

// The fixture's CA and client certificate.
std::string tls_keys(const EtcdCluster& etcd) {
  return key("ca_file", etcd.ca_file()) + key("cert_file", etcd.client_cert_file()) +
         key("key_file", etcd.client_key_file());
}

// user root, its password read from file.
std::string auth_keys(const fs::path& password_file) {
  return "user = \"root\"\n" + key("password_file", password_file);
}

const std::string kExport = "export = [\"routes.desired\"]\n";
const std::string kImport = "import = [\"routes.desired\"]\nhosts = [\"a\"]\n";

// A self-signed certificate (a CA of its own) and its key: dir/name.pem, dir/name.key.
void make_certificate(const fs::path& dir, const std::string& name) {
  mirari::testing::check_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                  "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
                                  "/CN=" + name, "-keyout", (dir / (name + ".key")).string(),
                                  "-out", (dir / (name + ".pem")).string()});
}

bool imports_nothing(const Daemon& b) {
  return b.port("cluster.a.routes.desired") == json::object() &&
         b.port("cluster.all.routes.desired") == json::object();
}

// The value in A's record in etcd, or null (etcdctl's first line: its warnings may follow).
json exported_by_a(const EtcdCluster& etcd) {
  const std::string out =
      etcd.ctl({"get", "--print-value-only", "/mirari/t/hosts/a/ports/routes.desired"});
  if (out.empty()) return nullptr;
  return json::parse(out.substr(0, out.find('\n')))["value"];
}

}  // namespace

TEST_CASE("cluster: a port crosses etcd members that want TLS, a client certificate and a password",
          "[cluster]") {
  EtcdCluster etcd({.tls = true, .auth = true});
  TempDir files;
  write_file(files.path() / "password", etcd.password() + "\n");
  // A names its members as https:// URLs, B as host:port (TLS because of ca_file).
  std::string https = "[";
  for (const std::string& endpoint : etcd.endpoints()) {
    https += (https.size() > 1 ? ", \"https://" : "\"https://") + endpoint + "\"";
  }
  https += "]";
  Daemon a({cluster_config("a", https,
                           kExport + tls_keys(etcd) + auth_keys(files.path() / "password"))});
  Daemon b({cluster_config("b", etcd.toml_endpoints(),
                           kImport + tls_keys(etcd) + auth_keys(files.path() / "password"))});

  set_routes(a, routes("198.51.100.0/24"));
  CHECK(eventually([&] { return imports(b, routes("198.51.100.0/24")); }));
  CHECK(exported_by_a(etcd) == routes("198.51.100.0/24"));
  CHECK(a.log_shows("authenticated as 'root' by etcd member "));
  set_routes(a, routes("203.0.113.0/24"));
  CHECK(eventually([&] { return imports(b, routes("203.0.113.0/24")); }));
}

TEST_CASE(
    "cluster: a CA file that does not verify the members is named in the log, and nothing is "
    "imported until the plugin reads a fixed one",
    "[cluster]") {
  EtcdCluster etcd({.tls = true});
  TempDir files;
  make_certificate(files.path(), "other-ca");
  fs::copy_file(files.path() / "other-ca.pem", files.path() / "ca.pem");
  Daemon a({cluster_config("a", etcd.toml_endpoints(), kExport + tls_keys(etcd))});
  Daemon b({cluster_config("b", etcd.toml_endpoints(),
                           kImport + key("ca_file", files.path() / "ca.pem") +
                               key("cert_file", etcd.client_cert_file()) +
                               key("key_file", etcd.client_key_file()))});

  set_routes(a, routes("198.51.100.0/24"));
  REQUIRE(eventually([&] { return exported_by_a(etcd) == routes("198.51.100.0/24"); }));
  CHECK(b.log_shows("etcd member " + etcd.endpoints()[0] +
                    ": TLS handshake: certificate verify failed"));
  CHECK(b.log_shows("etcd member " + etcd.endpoints()[1] +
                    ": TLS handshake: certificate verify failed"));
  CHECK(imports_nothing(b));

  // The right CA in the file, and mirarid started again: the plugin reads the file again.
  fs::copy_file(etcd.ca_file(), files.path() / "ca.pem", fs::copy_options::overwrite_existing);
  b.signal(SIGTERM);
  REQUIRE(b.wait_exit() == 0);
  b.restart();
  CHECK(eventually([&] { return imports(b, routes("198.51.100.0/24")); }));
}

TEST_CASE("cluster: a password etcd refuses is named in the log, and nothing is exported",
          "[cluster]") {
  EtcdCluster etcd({.auth = true});
  TempDir files;
  write_file(files.path() / "wrong", "not-" + etcd.password() + "\n");
  Daemon a(
      {cluster_config("a", etcd.toml_endpoints(), kExport + auth_keys(files.path() / "wrong"))});

  set_routes(a, routes("198.51.100.0/24"));
  CHECK(a.log_shows("etcd member " + etcd.endpoints()[0] +
                    ": authentication failed: invalid user ID or password (user 'root')"));
  CHECK(a.log_shows("etcd member " + etcd.endpoints()[1] +
                    ": authentication failed: invalid user ID or password (user 'root')"));
  CHECK(etcd.ctl({"get", "--prefix", "/mirari/t/"}).empty());
}

TEST_CASE(
    "cluster: a missing, unreadable or malformed file, or half of a pair, is refused "
    "naming the key",
    "[cluster]") {
  TempDir files;
  const fs::path dir = files.path();
  make_certificate(dir, "one");
  make_certificate(dir, "two");
  write_file(dir / "garbage.pem", "not a certificate\n");
  write_file(dir / "empty", "\n");
  write_file(dir / "password", "secret\n");
  auto refusal = [&](const std::string& keys, const std::string& endpoints = "[\"127.0.0.1:1\"]") {
    try {
      Daemon a({cluster_config("a", endpoints, keys)});
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string refused = "'cluster' refused its configuration: ";
  auto pair = key("cert_file", dir / "one.pem") + key("key_file", dir / "one.key");

  CHECK_THAT(refusal(key("ca_file", dir / "none.pem")),
             Catch::Contains(refused + "ca_file: cannot read '" + (dir / "none.pem").string() +
                             "': No such file or directory"));
  CHECK_THAT(refusal(key("ca_file", dir)), Catch::Contains(refused + "ca_file: cannot read '" +
                                                           dir.string() + "': Is a directory"));
  CHECK_THAT(refusal(key("ca_file", dir / "garbage.pem")),
             Catch::Contains(refused + "ca_file: '" + (dir / "garbage.pem").string() +
                             "' does not hold PEM certificates"));
  CHECK_THAT(refusal(key("ca_file", dir / "one.pem") + key("cert_file", dir / "garbage.pem") +
                     key("key_file", dir / "one.key")),
             Catch::Contains(refused + "cert_file: '" + (dir / "garbage.pem").string() +
                             "' does not hold a PEM certificate"));
  CHECK_THAT(refusal(key("ca_file", dir / "one.pem") + key("cert_file", dir / "one.pem") +
                     key("key_file", dir / "two.key")),
             Catch::Contains(refused + "key_file: '" + (dir / "two.key").string() +
                             "' does not hold a PEM private key of cert_file's certificate "
                             "(key values mismatch"));
  CHECK_THAT(refusal(key("ca_file", dir / "one.pem") + key("cert_file", dir / "one.pem") +
                     key("key_file", dir / "one.pem")),
             Catch::Contains(refused + "key_file: '" + (dir / "one.pem").string() +
                             "' does not hold a PEM private key"));
  CHECK_THAT(refusal(key("ca_file", dir / "one.pem") + key("cert_file", dir / "one.pem")),
             Catch::Contains(refused + "key_file is missing: cert_file needs it"));
  CHECK_THAT(refusal(pair), Catch::Contains(refused + "ca_file is missing: a client certificate "
                                                      "(cert_file) is sent over TLS only"));
  CHECK_THAT(refusal("user = \"root\"\n"),
             Catch::Contains(refused + "password_file is missing: user needs it"));
  CHECK_THAT(refusal(key("password_file", dir / "password")),
             Catch::Contains(refused + "user is missing: password_file needs it"));
  CHECK_THAT(refusal("user = \"root\"\n" + key("password_file", dir / "empty")),
             Catch::Contains(refused + "password_file: '" + (dir / "empty").string() +
                             "' holds no password"));
  CHECK_THAT(refusal("", "[\"https://127.0.0.1:1\"]"),
             Catch::Contains(refused + "endpoints: 'https://127.0.0.1:1' is https, but no "
                                       "ca_file names the CAs that verify the members"));
  CHECK_THAT(refusal(key("ca_file", dir / "one.pem"), "[\"http://127.0.0.1:1\"]"),
             Catch::Contains(refused + "endpoints: 'http://127.0.0.1:1' is plain http, but "
                                       "ca_file asks for TLS to every member"));
  // Given whole, the same files are taken.
  CHECK(refusal(key("ca_file", dir / "one.pem") + pair + "user = \"root\"\n" +
                key("password_file", dir / "password")) == "accepted");
}

TEST_CASE("cluster: a port exported after the host's token expired still arrives", "[cluster]") {
  // Tokens die after one second unused; A renews its lease every 100 seconds only, so its
  // token dies between two of its writes.
  EtcdCluster etcd({.auth = true, .token_ttl = 1});
  TempDir files;
  write_file(files.path() / "password", etcd.password() + "\n");
  Daemon a({cluster_config("a", etcd.toml_endpoints(),
                           kExport + auth_keys(files.path() / "password"), 300)});
  Daemon b(
      {cluster_config("b", etcd.toml_endpoints(), kImport + auth_keys(files.path() / "password"))});
  auto reauthentications = [&] {
    const std::string log = a.log();
    const std::string line = " no longer takes the token of 'root': authenticating again";
    int n = 0;
    for (auto at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++n;
    return n;
  };
  set_routes(a, routes("198.51.100.0/24"));
  REQUIRE(eventually([&] { return imports(b, routes("198.51.100.0/24")); }));
  const int before = reauthentications();

  // A token taken after A's last call: once every member has deleted it (each keeps the
  // tokens' lives, sweeping them at its own pace), A's has expired too.
  namespace cluster = mirari::cluster;
  cluster::EtcdClient client(etcd.endpoints(), std::chrono::seconds(2));
  const std::string token = cluster::parse_authenticate(
      client.call("/v3/auth/authenticate", cluster::authenticate_request("root", etcd.password())));
  REQUIRE(eventually([&] {
    std::istringstream lines(etcd.logs());
    int deleted = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.find("deleted a simple token") != std::string::npos &&
          line.find(token) != std::string::npos) {
        ++deleted;
      }
    }
    return deleted == EtcdCluster::kMembers;
  }));

  set_routes(a, routes("203.0.113.0/24"));
  CHECK(eventually([&] { return imports(b, routes("203.0.113.0/24")); }));
  CHECK(reauthentications() == before + 1);
}

TEST_CASE("cluster: a member named by its DNS name is verified against the certificate's names",
          "[cluster]") {
  EtcdCluster etcd({.tls = true});
  namespace cluster = mirari::cluster;
  cluster::EtcdAccess access{mirari::test::read_file(etcd.ca_file()),
                             mirari::test::read_file(etcd.client_cert_file()),
                             mirari::test::read_file(etcd.client_key_file()),
                             {},
                             {}};
  const std::string port = etcd.endpoints()[0].substr(etcd.endpoints()[0].rfind(':') + 1);
  // The member's certificate names 127.0.0.1 and localhost.
  cluster::EtcdClient by_name({"localhost:" + port}, std::chrono::seconds(2), access);
  CHECK(cluster::parse_range(by_name.call("/v3/kv/range", cluster::range_request("/mirari/")))
            .revision > 0);
  // Without the client certificate, the member refuses the connection (TLS 1.3: with an
  // alert after the handshake, read with the answer).
  access.certificate.clear();
  access.key.clear();
  cluster::EtcdClient anonymous({"localhost:" + port}, std::chrono::seconds(2), access);
  CHECK_THROWS_WITH(anonymous.call("/v3/kv/range", cluster::range_request("/mirari/")),
                    Catch::StartsWith("etcd member localhost:" + port + ": ") &&
                        Catch::Contains("bad certificate"));
}
