// Invariant: a port leaves dirty_ only once its record, as it was when taken, is written under
// the current lease; a new lease marks every port dirty again.
#include "exporter.hpp"

#include <charconv>

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
                   std::string key_prefix, std::int64_t ttl_seconds, std::string host,
                   std::vector<std::string> election_prefixes, spdlog::logger& log)
    : client_(std::move(endpoints), timeout),
      key_prefix_(std::move(key_prefix)),
      ttl_(ttl_seconds),
      host_(std::move(host)),
      election_prefixes_(std::move(election_prefixes)),
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
  wake_.wait_until(lock, until, [this] { return stopping_ || !dirty_.empty(); });
  return !stopping_;
}

void Exporter::run() {
  std::int64_t lease = 0;
  std::size_t candidacies = 0;  // how many of election_prefixes_ stand under lease
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
        candidacies = 0;
        log_.info("etcd lease {:x} granted for {} s by {}", lease, ttl_, client_.endpoint());
        std::lock_guard lock(mutex_);
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
      for (; candidacies < election_prefixes_.size(); ++candidacies) {
        const std::string key = election_prefixes_[candidacies] + hex(lease);
        parse_revision(client_.call("/v3/kv/put", put_request(key, host_, lease)));
        log_.info("standing for election at {}", key);
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
      wait(renew_at);
    } catch (const EtcdUnavailable& e) {
      log_.warn("{}; trying {} next", e.what(), client_.endpoint());
      wait(Clock::now() + kRetry);
    } catch (const EtcdError& e) {
      log_.error("{}", e.what());
      // An unknown lease (it expired between two renewals) is taken as expired.
      if (std::string(e.what()).find("lease not found") != std::string::npos) lease = 0;
      wait(Clock::now() + kRetry);
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
