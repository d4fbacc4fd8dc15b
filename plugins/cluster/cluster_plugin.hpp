// The cluster plugin: shares chosen ports with other mirarid hosts through an etcd cluster
// (README.md: configuration, ports, key layout, failures).
//
// The graph it adds, for each exported port P, imported port Q, role R and led port L:
//   P ──> effect: exporter.offer(P, record of P's value)      (written to etcd by its thread)
//   L ──> effect: exporter.offer_led(L, ...)        (written, fenced, while this host leads)
//   importer's thread ──batch per etcd revision──> cluster.all.Q, cluster.<host>.Q,
//                                                  cluster.leader.R, cluster.members.R,
//                                                  cluster.led.L (sources)
// so a value leaves only from a committed tick, and arrives as an input of a later one.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <mirari/plugin.hpp>

#include "exporter.hpp"
#include "importer.hpp"
#include "key_layout.hpp"
#include "port_codecs.hpp"

namespace mirari::cluster {

struct ClusterOptions {
  std::string cluster;
  std::string host;
  std::vector<std::string> endpoints;
  std::int64_t ttl = 10;
  std::chrono::milliseconds timeout{2000};
  std::vector<std::string> exported;
  std::vector<std::string> imported;
  std::vector<std::string> hosts;
  std::vector<std::string> roles;
  std::map<std::string, std::string> led;  // port → the role whose leader writes it
  EtcdAccess access;                       // the files' contents, read when configured
};

inline std::vector<ConfigKey> cluster_config_keys() {
  return {
      ConfigKey::required("host", ConfigType::string,
                          "this host's name in the cluster (letters, digits, '-', '_')"),
      ConfigKey::optional("cluster", std::string("default"),
                          "the cluster's name: its keys lie under /mirari/<cluster>/"),
      ConfigKey::optional("endpoints", std::vector<std::string>{"127.0.0.1:2379"},
                          "the etcd members' client addresses (host:port), tried in turn"),
      ConfigKey::optional("ttl", std::int64_t{10},
                          "seconds this host's lease lives without renewal (2 to 3600)"),
      ConfigKey::optional("timeout_ms", std::int64_t{2000},
                          "milliseconds an etcd call may take before the next member is tried"),
      ConfigKey::optional("export", std::vector<std::string>{},
                          "ports written to etcd on every committed change"),
      ConfigKey::optional("import", std::vector<std::string>{},
                          "ports read from the other hosts: cluster.all.<port> (host -> value)"),
      ConfigKey::optional("hosts", std::vector<std::string>{},
                          "hosts whose imported ports also appear as cluster.<host>.<port>"),
      ConfigKey::optional("roles", std::vector<std::string>{},
                          "roles this host stands for; each one's leader is cluster.leader.<role>"),
      ConfigKey::tables(
          "lead",
          {ConfigKey::required("port", ConfigType::string,
                               "a port the role's leader writes for the whole cluster; every "
                               "host reads it back as cluster.led.<port>"),
           ConfigKey::required("role", ConfigType::string,
                               "the role whose leader writes it (this host writes it only if it "
                               "stands for the role, in roles)")},
          "ports written once for the cluster, by the leader of a role, fenced by its term"),
      ConfigKey::optional("ca_file", std::string(),
                          "PEM CA bundle verifying the members; given: https to every member"),
      ConfigKey::optional("cert_file", std::string(),
                          "PEM client certificate for etcd's --client-cert-auth (with key_file)"),
      ConfigKey::optional("key_file", std::string(), "PEM private key of cert_file"),
      ConfigKey::optional("user", std::string(),
                          "etcd user to authenticate as (with password_file)"),
      ConfigKey::optional("password_file", std::string(),
                          "file holding the user's password (one line)"),
  };
}

// The whole file that key names; ConfigError naming the key and the file when it cannot be
// read.
inline std::string read_config_file(const Config& config, const char* key) {
  const std::string& file = config.get<std::string>(key);
  auto refuse = [&](int error) {
    return ConfigError(
        config.path_of(key) + ": cannot read '" + file + "': " + std::strerror(error),
        config.path_of(key));
  };
  std::FILE* f = std::fopen(file.c_str(), "rbe");
  if (f == nullptr) throw refuse(errno);
  std::string text;
  char chunk[4096];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;) text.append(chunk, n);
  const int error = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (error != 0) throw refuse(error);
  return text;
}

// ca_file, cert_file + key_file, user + password_file (README.md, "Security"): the files
// read and checked, so a bad file is refused here and never reaches a running client.
inline EtcdAccess parse_etcd_access(const Config& config) {
  auto given = [&](const char* key) { return !config.get<std::string>(key).empty(); };
  for (auto [one, other] :
       {std::pair{"cert_file", "key_file"}, std::pair{"key_file", "cert_file"},
        std::pair{"user", "password_file"}, std::pair{"password_file", "user"}}) {
    if (given(one) && !given(other)) {
      throw ConfigError(config.path_of(other) + " is missing: " + config.path_of(one) + " needs it",
                        config.path_of(other));
    }
  }
  if (given("cert_file") && !given("ca_file")) {
    throw ConfigError(config.path_of("ca_file") +
                          " is missing: a client certificate (cert_file) is sent over TLS only",
                      config.path_of("ca_file"));
  }
  EtcdAccess access;
  if (given("ca_file")) access.ca = read_config_file(config, "ca_file");
  if (given("cert_file")) {
    access.certificate = read_config_file(config, "cert_file");
    access.key = read_config_file(config, "key_file");
  }
  try {
    check_tls_files(access);
  } catch (const EtcdTlsFileError& e) {
    using Part = EtcdTlsFileError::Part;
    const char* key = e.part == Part::ca            ? "ca_file"
                      : e.part == Part::certificate ? "cert_file"
                                                    : "key_file";
    const char* holds = e.part == Part::ca ? "PEM certificates"
                        : e.part == Part::certificate
                            ? "a PEM certificate"
                            : "a PEM private key of cert_file's certificate";
    throw ConfigError(config.path_of(key) + ": '" + config.get<std::string>(key) +
                          "' does not hold " + holds + " (" + e.what() + ")",
                      config.path_of(key));
  }
  if (given("user")) {
    access.user = config.get<std::string>("user");
    access.password = read_config_file(config, "password_file");
    // One line: the newline that ends it is not part of the password.
    if (access.password.ends_with('\n')) access.password.pop_back();
    if (access.password.ends_with('\r')) access.password.pop_back();
    if (access.password.empty()) {
      throw ConfigError(config.path_of("password_file") + ": '" +
                            config.get<std::string>("password_file") + "' holds no password",
                        config.path_of("password_file"));
    }
  }
  return access;
}

// An endpoint's scheme must agree with ca_file: "https://" needs it, "http://" refuses it, as
// every member is spoken to the same way; a bare "host:port" follows ca_file (as etcdctl's
// endpoints follow --cacert). Returns the endpoints without their schemes.
inline std::vector<std::string> endpoints_without_scheme(const Config& config, bool tls) {
  std::vector<std::string> out;
  for (std::string endpoint : config.get<std::vector<std::string>>("endpoints")) {
    const auto scheme = endpoint.find("://");
    if (scheme != std::string::npos) {
      const std::string name = endpoint.substr(0, scheme);
      if (name != "http" && name != "https") {
        throw ConfigError(config.path_of("endpoints") + ": '" + endpoint + "' has scheme '" + name +
                              "' (http or https, or none)",
                          config.path_of("endpoints"));
      }
      if ((name == "https") != tls) {
        throw ConfigError(config.path_of("endpoints") + ": '" + endpoint + "' is " +
                              (tls ? "plain http, but ca_file asks for TLS to every member"
                                   : "https, but no ca_file names the CAs that verify the members"),
                          config.path_of("endpoints"));
      }
      endpoint.erase(0, scheme + 3);
    }
    out.push_back(std::move(endpoint));
  }
  return out;
}

// ConfigError at path unless port is one the plugin carries; the error lists those it does.
inline void require_carried(const std::string& port, const std::string& path) {
  if (find_codec(port) != nullptr) return;
  std::string known;
  for (const std::string& p : carried_ports()) known += (known.empty() ? "" : ", ") + p;
  throw ConfigError(
      path + ": port '" + port + "' cannot be carried between hosts (carried ports: " + known + ")",
      path);
}

// ConfigError at path unless value can stand in a key (key_layout.hpp's valid_name).
inline void require_name(const std::string& value, const std::string& path) {
  if (valid_name(value)) return;
  throw ConfigError(path + ": '" + value + "' is not a name (letters, digits, '-', '_')", path);
}

inline ClusterOptions parse_cluster_options(const Config& config) {
  ClusterOptions o;
  auto name = [&](const char* key) {
    const std::string& value = config.get<std::string>(key);
    if (!valid_name(value)) {
      throw ConfigError(
          config.path_of(key) + " must be letters, digits, '-' or '_', not '" + value + "'",
          config.path_of(key));
    }
    return value;
  };
  o.host = name("host");
  o.cluster = name("cluster");
  o.access = parse_etcd_access(config);
  o.endpoints = endpoints_without_scheme(config, !o.access.ca.empty());
  if (o.endpoints.empty()) throw ConfigError("endpoints names no etcd member", "endpoints");
  o.ttl = config.integer("ttl", 2, 3600, "seconds");
  o.timeout = std::chrono::milliseconds(config.integer("timeout_ms", 100, 60000, "milliseconds"));
  auto carried = [&](const char* key) {
    const auto& ports = config.get<std::vector<std::string>>(key);
    for (const std::string& port : ports) require_carried(port, config.path_of(key));
    return ports;
  };
  o.exported = carried("export");
  o.imported = carried("import");
  auto names = [&](const char* key) {
    const auto& values = config.get<std::vector<std::string>>(key);
    for (const std::string& value : values) require_name(value, config.path_of(key));
    return values;
  };
  o.hosts = names("hosts");
  o.roles = names("roles");
  for (const Config& lead : config.tables("lead")) {
    const std::string& port = lead.get<std::string>("port");
    const std::string& role = lead.get<std::string>("role");
    require_carried(port, lead.path_of("port"));
    require_name(role, lead.path_of("role"));
    if (!o.led.emplace(port, role).second) {
      throw ConfigError(lead.path_of("port") + ": port '" + port + "' is led twice",
                        lead.path_of("port"));
    }
  }
  return o;
}

class ClusterPlugin final : public Plugin {
 public:
  static std::vector<ConfigKey> config_keys() { return cluster_config_keys(); }

  static std::vector<PortDecl> ports() {
    return {PortDecl::publishes<ports::cluster::Leader>(
                ports::cluster::kLeaderPattern,
                "the host leading the role, and its term (the create-revision of its candidacy)"),
            PortDecl::publishes<ports::cluster::Members>(
                ports::cluster::kMembersPattern,
                "the hosts standing for the role, in candidacy order (the leader first)")};
  }

  void configure(const Config& config) override { options_ = parse_cluster_options(config); }

  void start(Context& ctx) override {
    const ClusterOptions& o = options_;
    std::map<std::string, std::string> elections;
    std::map<std::string, Importer::RoleSources> roles;
    for (const std::string& role : o.roles) {
      elections.emplace(role, election_prefix(o.cluster, role));
      Importer::RoleSources sources{ctx.graph().source<ports::cluster::Leader>({}),
                                    ctx.graph().source<ports::cluster::Members>({})};
      const std::string leader = "cluster.leader." + role, members = "cluster.members." + role;
      ctx.publish(leader, sources.leader.signal().named(leader));
      ctx.publish(members, sources.members.signal().named(members));
      roles.emplace(role, sources);
    }
    auto exporter = std::make_unique<Exporter>(o.endpoints, o.timeout, o.access,
                                               ports_prefix(o.cluster, o.host), o.ttl, o.host,
                                               elections, led_prefix(o.cluster), ctx.log());
    for (const std::string& port : o.exported) {
      const PortCodec& codec = *find_codec(port);
      codec.export_port(ctx, port,
                        [e = exporter.get(), port, type = codec.type()](std::string json) {
                          e->offer(port, encode_record(type, json));
                        });
    }
    std::map<std::string, Importer::Port> imported;
    for (const std::string& port : o.imported) {
      const PortCodec& codec = *find_codec(port);
      imported.emplace(port,
                       Importer::Port{codec.type(), codec.import_port(ctx, port, o.host, o.hosts)});
    }
    std::map<std::string, Importer::Port> led;
    for (const auto& [port, role] : o.led) {
      const PortCodec& codec = *find_codec(port);
      led.emplace(port, Importer::Port{codec.type(), codec.import_led(ctx, port)});
      if (elections.count(role) == 0) continue;  // this host only follows what the leader writes
      codec.export_port(ctx, port,
                        [e = exporter.get(), port, role, type = codec.type()](std::string json) {
                          e->offer_led(port, role, encode_record(type, json));
                        });
    }
    auto importer = std::make_unique<Importer>(
        o.endpoints, o.timeout, o.access, o.cluster, o.host, std::move(imported), std::move(led),
        std::move(roles),
        [e = exporter.get()](const std::string& role, const ports::cluster::Leader& leader) {
          e->leader_changed(role, leader);
        },
        ctx.graph(), ctx.log());
    exporter->start();
    importer->start();
    exporter_ = std::move(exporter);
    importer_ = std::move(importer);
  }

  void stop() override {
    if (importer_) importer_->stop();
    if (exporter_) exporter_->stop();
  }

 private:
  ClusterOptions options_;
  std::unique_ptr<Exporter> exporter_;
  std::unique_ptr<Importer> importer_;
};

}  // namespace mirari::cluster
