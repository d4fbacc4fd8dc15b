// Follows the other hosts' exported ports in etcd and writes them into the local graph.
//
// One thread of its own reads every key under /mirari/<cluster>/hosts/ (a range, at some
// revision R), then watches that prefix from R + 1. The events of one etcd revision are
// written in one graph batch, so they land in one tick. After a lost member it watches again,
// on the next member, from the last revision it applied + 1: no revision is missed, and an
// event at or below that revision is never applied again. When etcd has compacted the
// revisions it needs, it reads the whole range again and applies the difference in one batch.
//
// A record of another type or layout than this host's is refused with an error naming the
// host, both types and fingerprints, and the host's port is removed; a value that does not
// read as its port's type is logged with its key and revision and ignored (the port keeps its
// value); keys of a foreign layout, this host's own keys and ports not imported are skipped.
//
// It also follows the candidacies of the roles it is given (key_layout.hpp) and publishes each
// role's leader, the candidate with the lowest create-revision, and its members, the hosts
// standing in candidacy order, in the batch of the revision that changed them; it tells
// on_leader each new leader. And it follows the led ports it is given (written by a role's
// leader for the whole cluster, this host included) into cluster.led.<port>.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

#include <mirari/graph.hpp>
#include <mirari/ports/cluster.hpp>

#include "etcd_client.hpp"
#include "port_codecs.hpp"

namespace mirari::cluster {

class Importer {
 public:
  struct Port {
    PortType type;
    std::unique_ptr<ImportedPort> sink;
  };
  struct RoleSources {
    Source<ports::cluster::Leader> leader;
    Source<ports::cluster::Members> members;
  };
  using OnLeader = std::function<void(const std::string& role, const ports::cluster::Leader&)>;
  Importer(std::vector<std::string> endpoints, std::chrono::milliseconds timeout, EtcdAccess access,
           std::string cluster, std::string self, std::map<std::string, Port> ports,
           std::map<std::string, Port> led, std::map<std::string, RoleSources> roles,
           OnLeader on_leader, Graph& graph, spdlog::logger& log);
  ~Importer();

  void start();
  void stop();

 private:
  void run();
  void read_all();
  void apply(std::int64_t revision, const std::vector<WatchEvent>& events);
  bool pause(std::chrono::milliseconds how_long);

  // The writes that set led port's value from event; none when it is not a value of it.
  void read_led(const std::string& port, std::int64_t revision, const WatchEvent& event,
                std::vector<std::function<void()>>& writes);
  // The writes that publish each role's leader and members from its candidates, where they
  // changed; new_leaders gets each new leader.
  void publish_roles(std::vector<std::function<void()>>& writes,
                     std::vector<std::pair<std::string, ports::cluster::Leader>>& new_leaders);

  struct Role {
    RoleSources sources;
    std::map<std::string, std::pair<std::int64_t, std::string>> candidates;  // key → (rev, host)
    ports::cluster::Leader published;
    ports::cluster::Members members;
  };

  EtcdClient client_;
  std::string cluster_;
  std::string hosts_prefix_;
  std::string self_;
  std::string led_prefix_;
  std::map<std::string, Port> ports_;
  std::map<std::string, Port> led_;
  std::map<std::string, Role> roles_;
  bool roles_stale_ = false;  // a candidacy changed since leaders and members were published
  OnLeader on_leader_;
  Graph& graph_;
  spdlog::logger& log_;

  std::int64_t revision_ = 0;                           // the last revision applied
  std::set<std::pair<std::string, std::string>> held_;  // (host, port) present in the graph

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mirari::cluster
