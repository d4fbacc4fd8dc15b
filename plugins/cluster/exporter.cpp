// Invariant: a port leaves dirty_ only once its record, as it was when taken, is written under
// the current lease; a new lease marks every port dirty again. A led port stops being dirty
// once its record is written, or refused, at this host's current term; taking office (a new
// term) marks every led port of the role dirty again.
#include "exporter.hpp"

#include <algorithm>
#include <charconv>

#include "port_codecs.hpp"

namespace mirari::cluster {

using Clock = std::chrono::steady_clock;

namespace {
// Between attempts when no member answers: short, so a returning member is used at once.
constexpr std::chrono::milliseconds kRetry{200};

std::string hex(std::int64_t lease) {
  char text[17];
  auto end = std::to_chars(text, text + sizeof text, static_cast<std::uint64_t>(lease), 16).ptr;
  return std::string(text, end);
}
}  // namespace

Exporter::Exporter(std::vector<std::string> endpoints, std::chrono::milliseconds timeout,
                   EtcdAccess access, std::string key_prefix, std::int64_t ttl_seconds,
                   std::string host, std::map<std::string, std::string> elections,
                   std::string led_prefix, spdlog::logger& log)
    : client_(std::move(endpoints), timeout, std::move(access), &log),
      key_prefix_(std::move(key_prefix)),
      ttl_(ttl_seconds),
      host_(std::move(host)),
      elections_(std::move(elections)),
      led_prefix_(std::move(led_prefix)),
      log_(log) {}

Exporter::~Exporter() {
  stop();
}

void Exporter::offer(const std::string& port, std::string record) {
  {
    std::lock_guard lock(mutex_);
    records_[port] = std::move(record);
    dirty_.insert(port);
  }
  wake_.notify_one();
}

void Exporter::offer_led(const std::string& port, const std::string& role, std::string record) {
  {
    std::lock_guard lock(mutex_);
    led_[port] = Led{role, std::move(record), true};
  }
  wake_.notify_one();
}

void Exporter::leader_changed(const std::string& role, const ports::cluster::Leader& leader) {
  {
    std::lock_guard lock(mutex_);
    leaders_[role] = leader;
    if (leader.host == host_) {
      for (auto& [port, led] : led_) led.dirty = led.dirty || led.role == role;
    }
  }
  wake_.notify_one();
}

void Exporter::start() {
  thread_ = std::thread([this] { run(); });
}

void Exporter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool Exporter::wait(Clock::time_point until) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, until,
                   [this] { return stopping_ || !dirty_.empty() || next_led() != led_.end(); });
  return !stopping_;
}

bool Exporter::leads(const std::string& role) const {
  auto leader = leaders_.find(role);
  auto mine = candidacies_.find(role);
  return leader != leaders_.end() && mine != candidacies_.end() && mine->second.term != 0 &&
         leader->second.host == host_ && leader->second.term == mine->second.term;
}

std::map<std::string, Exporter::Led>::iterator Exporter::next_led() {
  return std::find_if(led_.begin(), led_.end(), [this](const auto& entry) {
    return entry.second.dirty && leads(entry.second.role);
  });
}

void Exporter::write_led() {
  for (;;) {
    std::string port, record;
    Candidacy office;
    {
      std::lock_guard lock(mutex_);
      const auto due = next_led();
      if (due == led_.end() || stopping_) return;
      port = due->first;
      office = candidacies_.at(due->second.role);
      record = led_record(due->second.record, host_, office.term);
      due->second.dirty = false;
    }
    TxnAnswer answer;
    try {
      answer = parse_txn(client_.call(
          "/v3/kv/txn", fenced_put_request(led_prefix_ + port, record, office.key, office.term)));
    } catch (...) {
      std::lock_guard lock(mutex_);
      led_.at(port).dirty = true;
      throw;
    }
    if (answer.succeeded) continue;
    // The candidacy is gone (the lease expired): another host leads, or will; this host
    // writes again only once it leads at a new term.
    log_.error(
        "writing led port '{}' refused by etcd at revision {}: this host no longer leads at "
        "term {} (its candidacy {} is gone)",
        port, answer.revision, office.term, office.key);
    std::lock_guard lock(mutex_);
    for (auto& [role, candidacy] : candidacies_) {
      if (candidacy.key == office.key) leaders_.erase(role);
    }
  }
}

void Exporter::pause(std::chrono::milliseconds how_long) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, how_long, [this] { return stopping_; });
}

void Exporter::run() {
  std::int64_t lease = 0;
  Clock::time_point renew_at{};
  const auto renew_every = std::chrono::milliseconds(ttl_ * 1000 / 3);
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    try {
      if (lease == 0) {
        lease = parse_lease_grant(client_.call("/v3/lease/grant", lease_grant_request(ttl_))).id;
        renew_at = Clock::now() + renew_every;
        log_.info("etcd lease {:x} granted for {} s by {}", lease, ttl_, client_.endpoint());
        std::lock_guard lock(mutex_);
        candidacies_.clear();
        for (const auto& [port, record] : records_) dirty_.insert(port);
      }
      if (Clock::now() >= renew_at) {
        const LeaseAnswer renewed =
            parse_lease_keepalive(client_.call("/v3/lease/keepalive", lease_id_request(lease)));
        if (renewed.ttl <= 0) {
          log_.warn("etcd lease {:x} expired; asking for a new one and writing every port again",
                    lease);
          lease = 0;
          continue;
        }
        renew_at = Clock::now() + renew_every;
      }
      for (const auto& [role, prefix] : elections_) {
        if (candidacies_.count(role) != 0) continue;
        const std::string key = prefix + hex(lease);
        // A new key: the put's revision is its create-revision, the term it would lead at.
        const std::int64_t term =
            parse_revision(client_.call("/v3/kv/put", put_request(key, host_, lease)));
        std::lock_guard lock(mutex_);
        candidacies_[role] = {key, term};
        log_.info("standing for election at {} (term {})", key, term);
      }
      for (;;) {
        std::string port, record;
        {
          std::lock_guard lock(mutex_);
          if (dirty_.empty() || stopping_) break;
          port = *dirty_.begin();
          record = records_.at(port);
          dirty_.erase(dirty_.begin());
        }
        try {
          parse_revision(
              client_.call("/v3/kv/put", put_request(key_prefix_ + port, record, lease)));
        } catch (...) {
          std::lock_guard lock(mutex_);
          dirty_.insert(port);
          throw;
        }
      }
      write_led();
      wait(renew_at);
    } catch (const EtcdUnavailable& e) {
      log_.warn("{}; trying {} next", e.what(), client_.endpoint());
      pause(kRetry);
    } catch (const EtcdError& e) {
      log_.error("{}", e.what());
      // An unknown lease (it expired between two renewals) is taken as expired.
      if (std::string(e.what()).find("lease not found") != std::string::npos) lease = 0;
      pause(kRetry);
    }
  }
  if (lease != 0) {
    try {
      parse_revision(client_.call("/v3/lease/revoke", lease_id_request(lease)));
      log_.info("etcd lease {:x} revoked: this host's ports left the cluster", lease);
    } catch (const std::exception& e) {
      log_.warn("revoking etcd lease {:x}: {}; its ports go when it expires", lease, e.what());
    }
  }
}

}  // namespace mirari::cluster
