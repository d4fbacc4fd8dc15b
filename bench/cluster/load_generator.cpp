// mirari_cluster_load: many exporting hosts of a cluster, simulated in one process, written
// to etcd exactly as the cluster plugin's exporter writes them (key_layout.hpp, port_codecs.hpp):
// one lease per host (renewed every ttl/3, over four connections), and under
// /mirari/<cluster>/hosts/<host>/ports/ each host's routes.desired (one router, two routes)
// and load.total records, put with the host's lease through the plugin's own EtcdClient.
//
//   mirari_cluster_load ENDPOINTS CLUSTER HOSTS RATE SECONDS CONNECTIONS [BATCH]
//
// ENDPOINTS is "host:port,host:port,...". It grants the leases and writes both ports of every
// host (hosts h0000, h0001, ...), prints {"ready": ...} and waits for a line on its standard
// input. Then, for SECONDS, it changes load.total RATE times a second in all, the hosts in
// turn, each value the wall-clock time of its put in microseconds since the epoch (so a reader
// on this machine knows how old a value is when it lands), over CONNECTIONS connections (each
// its own thread, spread over the members, paced to RATE / CONNECTIONS). With BATCH over 1,
// each request is a transaction putting the load.total of BATCH hosts at once (one etcd
// revision for all of them), which real hosts never do: it lets etcd take more keys a second
// than it takes requests, to find where an importer falls behind. It prints what it did,
// its own CPU time included, as one JSON line, and keeps the leases alive until its standard
// input closes.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "etcd_client.hpp"
#include "etcd_messages.hpp"
#include "key_layout.hpp"
#include "port_codecs.hpp"

namespace {

using namespace mirari::cluster;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr std::int64_t kTtl = 10;
constexpr std::size_t kRenewers = 4;
constexpr const char* kRoutes = "routes.desired";
constexpr const char* kLoad = "load.total";

double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double now_us() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
}

std::string host_name(std::size_t i) {
  char name[24];
  std::snprintf(name, sizeof name, "h%04zu", i);
  return name;
}

std::string routes_record(std::size_t i) {
  const std::string net = std::to_string(i % 256);
  const json value{{"R" + std::to_string(i),
                    {{"routes",
                      {{{"prefix", "198.51.100." + net + "/32"},
                        {"via", "192.0.2.1"},
                        {"device", ""},
                        {"metric", 10}},
                       {{"prefix", "203.0.113." + net + "/32"},
                        {"via", "192.0.2.2"},
                        {"device", ""},
                        {"metric", 20}}}},
                     {"announce", json::array()}}}};
  return encode_record(find_codec(kRoutes)->type(), value.dump());
}

std::string load_record() {
  return encode_record(find_codec(kLoad)->type(), json(now_us()).dump());
}

std::vector<std::string> rotated(std::vector<std::string> endpoints, std::size_t by) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < endpoints.size(); ++i)
    out.push_back(endpoints[(i + by) % endpoints.size()]);
  return out;
}

// One call, tried again on the next member while none answers (at most 50 times).
std::string call(EtcdClient& client, std::string_view path, const std::string& body,
                 std::atomic<std::uint64_t>& errors) {
  for (int attempt = 0;; ++attempt) {
    try {
      return client.call(path, body);
    } catch (const EtcdUnavailable&) {
      ++errors;
      if (attempt == 50) throw;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7 && argc != 8) {
    std::cerr
        << "usage: mirari_cluster_load ENDPOINTS CLUSTER HOSTS RATE SECONDS CONNECTIONS [BATCH]\n";
    return 2;
  }
  std::vector<std::string> endpoints;
  {
    std::istringstream list(argv[1]);
    for (std::string e; std::getline(list, e, ',');) endpoints.push_back(e);
  }
  const std::string cluster = argv[2];
  const std::size_t hosts = std::stoul(argv[3]);
  const double rate = std::stod(argv[4]);
  const double seconds = std::stod(argv[5]);
  const std::size_t connections = std::stoul(argv[6]);
  const std::size_t batch = argc == 8 ? std::stoul(argv[7]) : 1;
  if (batch < 1 || batch * connections > hosts) {
    std::cerr << "BATCH must be 1 or more, and no more than HOSTS / CONNECTIONS (a transaction "
                 "names a key once)\n";
    return 2;
  }
  const auto timeout = std::chrono::seconds(5);

  std::vector<std::int64_t> leases(hosts);
  std::atomic<std::uint64_t> errors{0}, puts{0}, keepalives{0}, expired{0};
  std::atomic<std::int64_t> last_revision{0};
  std::vector<std::unique_ptr<EtcdClient>> clients;
  for (std::size_t c = 0; c < connections; ++c) {
    clients.push_back(std::make_unique<EtcdClient>(rotated(endpoints, c), timeout));
  }
  auto on_each_connection = [&](auto work) {
    std::vector<std::thread> threads;
    for (std::size_t c = 0; c < connections; ++c) threads.emplace_back([&, c] { work(c); });
    for (auto& t : threads) t.join();
  };

  // Setup: each host's lease and both its records, the hosts shared among the connections.
  const auto setup_start = Clock::now();
  on_each_connection([&](std::size_t c) {
    EtcdClient& client = *clients[c];
    for (std::size_t h = c; h < hosts; h += connections) {
      leases[h] =
          parse_lease_grant(call(client, "/v3/lease/grant", lease_grant_request(kTtl), errors)).id;
      const std::string prefix = ports_prefix(cluster, host_name(h));
      call(client, "/v3/kv/put", put_request(prefix + kRoutes, routes_record(h), leases[h]),
           errors);
      call(client, "/v3/kv/put", put_request(prefix + kLoad, load_record(), leases[h]), errors);
    }
  });
  const double setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();

  // The leases renewed every ttl/3, on connections of their own (a quarter of the hosts each,
  // so that a slow etcd delays the renewals less), until standard input closes.
  std::atomic<bool> stopping{false};
  std::vector<std::thread> renewers;
  for (std::size_t r = 0; r < kRenewers; ++r) {
    renewers.emplace_back([&, r] {
      EtcdClient client(rotated(endpoints, r), timeout);
      while (!stopping) {
        const auto next = Clock::now() + std::chrono::milliseconds(kTtl * 1000 / 3);
        for (std::size_t h = r; h < hosts && !stopping; h += kRenewers) {
          try {
            const auto answer = parse_lease_keepalive(
                call(client, "/v3/lease/keepalive", lease_id_request(leases[h]), errors));
            ++keepalives;
            if (answer.ttl <= 0) ++expired;
          } catch (const std::exception&) {
            ++errors;
          }
        }
        while (!stopping && Clock::now() < next)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }

  std::cout << json{{"ready", true}, {"hosts", hosts}, {"setup_s", setup_s}}.dump() << std::endl;
  std::string line;
  std::getline(std::cin, line);

  // The changes: load.total of each host in turn, paced per connection.
  const double cpu_before = cpu_seconds();
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  const auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(static_cast<double>(connections * batch) / rate));
  on_each_connection([&](std::size_t c) {
    EtcdClient& client = *clients[c];
    std::size_t h = c;
    auto next_host = [&] {
      const std::size_t out = h;
      h += connections;
      if (h >= hosts) h = c;
      return out;
    };
    // Paced from the start; when etcd cannot take the rate the puts fall behind the schedule,
    // and the run still ends on time: put_rate then says what etcd took.
    for (auto at = start; at < end && Clock::now() < end; at += period) {
      if (at > Clock::now()) std::this_thread::sleep_until(at);
      try {
        std::string body;
        if (batch == 1) {
          const std::size_t host = next_host();
          body = put_request(ports_prefix(cluster, host_name(host)) + kLoad, load_record(),
                             leases[host]);
        } else {
          json ops = json::array();
          for (std::size_t i = 0; i < batch; ++i) {
            const std::size_t host = next_host();
            ops.push_back({{"requestPut",
                            {{"key", base64_encode(ports_prefix(cluster, host_name(host)) + kLoad)},
                             {"value", base64_encode(load_record())},
                             {"lease", std::to_string(leases[host])}}}});
          }
          body = json{{"success", ops}}.dump();
        }
        const auto revision =
            parse_revision(call(client, batch == 1 ? "/v3/kv/put" : "/v3/kv/txn", body, errors));
        puts += batch;
        std::int64_t seen = last_revision;
        while (revision > seen && !last_revision.compare_exchange_weak(seen, revision)) {
        }
      } catch (const std::exception&) {
        ++errors;
      }
    }
  });
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_before;
  std::cout << json{{"puts", puts.load()},
                    {"seconds", elapsed},
                    {"rate", static_cast<double>(puts) / elapsed},
                    {"offered_rate", rate},
                    {"batch", batch},
                    {"errors", errors.load()},
                    {"keepalives", keepalives.load()},
                    {"expired_leases", expired.load()},
                    {"last_revision", last_revision.load()},
                    {"cpu_s", cpu}}
                   .dump()
            << std::endl;

  std::getline(std::cin, line);
  stopping = true;
  for (auto& renewer : renewers) renewer.join();
  return 0;
}
