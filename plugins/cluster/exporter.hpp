// Writes this host's exported ports to etcd, under a lease of the host's own.
//
// One thread of its own holds the conversation: it is granted a lease (ttl seconds), writes
// each port's latest record to its key with that lease, and renews the lease every ttl/3.
// When etcd says the lease is gone (it was not renewed in time, say while this host could
// reach no member), it is granted a new one and writes every port again. A member that fails
// sends the next call to the next member; every call is bounded by the timeout. stop() ends
// the thread after revoking the lease, so the host's ports vanish from the cluster at once.
//
// For each role it is given an election key prefix for, it writes a candidacy under that
// lease (prefix + the lease's id in hexadecimal, valued with the host's name) once per lease:
// a candidacy lives and dies with the lease, and a new lease stands again at the back.
//
// A led port (one the leader of a role writes for the whole cluster) is written only while
// the importer says this host leads its role at the term of its current candidacy, and then
// in a transaction that holds only while that candidacy exists at that term (fencing): once
// the lease is gone, however late the write arrives, etcd refuses it and nothing is written.
// On taking office, the host writes every led port of the role once.
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

#include <mirari/ports/cluster.hpp>

#include "etcd_client.hpp"

namespace mirari::cluster {

class Exporter {
 public:
  // key_prefix: the keys are key_prefix + the port's name. host: the candidacies' value.
  // elections: role → its election key prefix. led_prefix: a led port's key is led_prefix +
  // the port's name.
  Exporter(std::vector<std::string> endpoints, std::chrono::milliseconds timeout, EtcdAccess access,
           std::string key_prefix, std::int64_t ttl_seconds, std::string host,
           std::map<std::string, std::string> elections, std::string led_prefix,
           spdlog::logger& log);
  ~Exporter();

  // The port's record to write (its latest value wins). Any thread; the graph's effects call
  // it, and it never waits for etcd.
  void offer(const std::string& port, std::string record);
  // The same for a port the leader of role writes for the cluster.
  void offer_led(const std::string& port, const std::string& role, std::string record);
  // Who leads role, as the importer last read it. Any thread.
  void leader_changed(const std::string& role, const ports::cluster::Leader& leader);
  void start();
  // Revokes the lease (one attempt, bounded by the timeout) and joins the thread.
  void stop();

 private:
  void run();
  // Waits until a record is pending, until, or stop; false on stop.
  bool wait(std::chrono::steady_clock::time_point until);
  // Waits how_long, or until stop, pending records or not: after a failure, so a member that
  // refuses (a wrong password, an unverified certificate) is not asked again at once.
  void pause(std::chrono::milliseconds how_long);
  // Writes the led ports that are dirty and whose role this host leads.
  void write_led();

  struct Candidacy {
    std::string key;
    std::int64_t term = 0;  // its create-revision; 0 while not written under this lease
  };
  struct Led {
    std::string role;
    std::string record;
    bool dirty = false;
  };
  // Whether this host leads role at its current candidacy's term; the first led port due to
  // be written (dirty, and its role led by this host), or led_.end(). Under mutex_.
  bool leads(const std::string& role) const;
  std::map<std::string, Led>::iterator next_led();

  EtcdClient client_;
  std::string key_prefix_;
  std::int64_t ttl_;
  std::string host_;
  std::map<std::string, std::string> elections_;  // role → key prefix
  std::string led_prefix_;
  spdlog::logger& log_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, std::string> records_;  // port → latest record
  std::set<std::string> dirty_;                 // ports whose record is not yet written
  std::map<std::string, Led> led_;              // led port → its role and latest record
  std::map<std::string, ports::cluster::Leader> leaders_;  // role → as the importer read it
  std::map<std::string, Candidacy> candidacies_;           // role → this lease's
  std::thread thread_;
};

}  // namespace mirari::cluster
