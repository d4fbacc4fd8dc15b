// Writes this host's exported ports to etcd, under a lease of the host's own.
//
// One thread of its own holds the conversation: it is granted a lease (ttl seconds), writes
// each port's latest record to its key with that lease, and renews the lease every ttl/3.
// When etcd says the lease is gone (it was not renewed in time, say while this host could
// reach no member), it is granted a new one and writes every port again. A member that fails
// sends the next call to the next member; every call is bounded by the timeout. stop() ends
// the thread after revoking the lease, so the host's ports vanish from the cluster at once.
//
// For each election key prefix it is given, it writes a candidacy under that lease
// (prefix + the lease's id in hexadecimal, valued with the host's name) once per lease: a
// candidacy lives and dies with the lease, and a new lease stands again at the back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

#include "etcd_client.hpp"

namespace mirari::cluster {

class Exporter {
 public:
  // key_prefix: the keys are key_prefix + the port's name. host: the candidacies' value.
  Exporter(std::vector<std::string> endpoints, std::chrono::milliseconds timeout,
           std::string key_prefix, std::int64_t ttl_seconds, std::string host,
           std::vector<std::string> election_prefixes, spdlog::logger& log);
  ~Exporter();

  // The port's record to write (its latest value wins). Any thread; the graph's effects call
  // it, and it never waits for etcd.
  void offer(const std::string& port, std::string record);
  void start();
  // Revokes the lease (one attempt, bounded by the timeout) and joins the thread.
  void stop();

 private:
  void run();
  // Waits until a record is pending, until, or stop; false on stop.
  bool wait(std::chrono::steady_clock::time_point until);

  EtcdClient client_;
  std::string key_prefix_;
  std::int64_t ttl_;
  std::string host_;
  std::vector<std::string> election_prefixes_;
  spdlog::logger& log_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, std::string> records_;  // port → latest record
  std::set<std::string> dirty_;                 // ports whose record is not yet written
  std::thread thread_;
};

}  // namespace mirari::cluster
