#include "load_monitor.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "load_model.hpp"
#include "mirari/combinators.hpp"
#include "proc_stat.hpp"
#include "rejection_log.hpp"
#include "report_parser.hpp"
#include "xen_reports.hpp"

namespace mirari::load {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using boost::asio::local::datagram_protocol;

// Reports are a few short lines; a longer datagram is truncated by the kernel and its cut
// line rejected.
constexpr std::size_t kDatagramBytes = 16 * 1024;
// Datagrams taken per recvmmsg call: one system call for a burst, not one per report.
constexpr std::size_t kDatagramsPerRead = 64;
// How long a batch handed to the graph may hold the next one back: longer, its tick is taken
// to have failed (a failed tick is rolled back, and no effect says it committed).
constexpr std::chrono::milliseconds kBatchAckTimeout{100};

[[noreturn]] void fail(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

struct FileId {
  dev_t device = 0;
  ino_t inode = 0;
  friend bool operator==(const FileId&, const FileId&) = default;
};

std::optional<FileId> file_id(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  return FileId{st.st_dev, st.st_ino};
}

struct ProcessReading {
  CpuTimes times;
  Clock::time_point at;
};

}  // namespace

struct LoadMonitor::State {
  State(boost::asio::any_io_executor io, LoadMonitorOptions opts, Warn w)
      : options(std::move(opts)),
        warn(std::move(w)),
        socket(io),
        timer(io),
        model(options.window),
        ticks_per_second(::sysconf(_SC_CLK_TCK)) {}

  // Held by every handler and by stop(), so that stop() never runs beside a handler.
  // Recursive so that a handler may stop its own monitor.
  std::recursive_mutex mutex;
  bool stopped = false;

  LoadMonitorOptions options;
  Warn warn;
  datagram_protocol::socket socket;
  boost::asio::steady_timer timer;
  std::optional<FileId> socket_file;
  // Room for one recvmmsg call's datagrams, allocated and pointed to once: a call writes only
  // each header's msg_len and msg_flags.
  std::vector<char> buffers = std::vector<char>(kDatagramsPerRead * kDatagramBytes);
  std::array<iovec, kDatagramsPerRead> vectors = [this] {
    std::array<iovec, kDatagramsPerRead> out{};
    for (std::size_t i = 0; i < kDatagramsPerRead; ++i) {
      out[i] = {buffers.data() + i * kDatagramBytes, kDatagramBytes};
    }
    return out;
  }();
  std::array<mmsghdr, kDatagramsPerRead> headers = [this] {
    std::array<mmsghdr, kDatagramsPerRead> out{};
    for (std::size_t i = 0; i < kDatagramsPerRead; ++i) {
      out[i].msg_hdr.msg_iov = &vectors[i];
      out[i].msg_hdr.msg_iovlen = 1;
    }
    return out;
  }();
  // What the datagrams read since the last batch produced, written together.
  std::vector<LoadSample> pending;
  std::vector<ReportView> parsed;  // one datagram's reports; reused, so a report allocates none
  bool forgotten_pending = false;  // instances dropped since the last batch
  // One batch at a time goes to the graph: until its tick has committed (batch_committed),
  // what is read waits in pending and goes in the next batch. Behind a busy graph the
  // monitor thus writes fewer, larger ticks instead of one per wake-up, and keeps draining
  // its socket: the graph's cost per report falls as the rate rises.
  bool in_flight = false;
  Clock::time_point in_flight_since;
  std::uint64_t batches = 0;
  Source<std::uint64_t> batch_number;  // set in each batch; its observer acknowledges it

  LoadModel model;
  Outputs outputs;
  std::uint64_t rejected = 0;
  bool rejected_changed = false;      // since the last write
  ports::xen::DataByDomain xen_seen;  // the xen.data value last taken
  RejectionLog rejection_log;

  long ticks_per_second;
  std::map<std::string, ProcessReading> readings;  // by instance
  std::map<std::string, bool> missing;             // by instance: said to be gone

  void bind() {
    const fs::path& path = options.socket;
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    if (error) fail(error.value(), "cannot create the directory of socket '" + path.string() + "'");
    if (fs::exists(fs::symlink_status(path)) && !fs::is_socket(fs::symlink_status(path))) {
      fail(EEXIST, "socket path '" + path.string() + "' exists and is not a socket");
    }
    const fs::path staging = staging_path(path);
    ::unlink(staging.c_str());
    socket.open();
    boost::system::error_code bind_error;
    socket.bind(datagram_protocol::endpoint(staging.native()), bind_error);
    if (bind_error) fail(bind_error.value(), "cannot bind socket '" + staging.string() + "'");
    if (::chmod(staging.c_str(), 0600) != 0 || ::rename(staging.c_str(), path.c_str()) != 0) {
      const int saved = errno;
      ::unlink(staging.c_str());
      fail(saved, "cannot put socket '" + path.string() + "' in place");
    }
    socket_file = file_id(path);
  }

  void remove_socket_file() {
    if (socket_file && file_id(options.socket) == socket_file) ::unlink(options.socket.c_str());
    socket_file.reset();
  }

  void receive(const std::shared_ptr<State>& self) {
    socket.async_wait(datagram_protocol::socket::wait_read,
                      [self](const boost::system::error_code& error) {
                        std::lock_guard lock(self->mutex);
                        if (self->stopped) return;
                        if (error) {
                          self->warn("stopped receiving reports: " + error.message());
                          return;
                        }
                        if (!self->read_waiting()) return;
                        self->receive(self);
                      });
  }

  // Takes every datagram waiting, kDatagramsPerRead per system call, and writes what they
  // changed once. False when the socket failed for good.
  bool read_waiting() {
    bool ok = true;
    for (;;) {
      const int got = ::recvmmsg(socket.native_handle(), headers.data(), kDatagramsPerRead,
                                 MSG_DONTWAIT, nullptr);
      if (got < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          warn(std::string("stopped receiving reports: ") + std::strerror(errno));
          ok = false;
        }
        break;
      }
      for (int i = 0; i < got; ++i) {
        std::string_view datagram(buffers.data() + i * kDatagramBytes, headers[i].msg_len);
        if ((headers[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
          // The kernel cut the datagram: its last line is a fragment, refused rather than
          // read as a shorter (and wrong) value.
          const std::size_t end = datagram.rfind('\n');
          const std::string_view fragment =
              datagram.substr(end == std::string_view::npos ? 0 : end + 1);
          datagram = datagram.substr(0, datagram.size() - fragment.size());
          rejected_lines(fragment, 1);
        }
        received(datagram);
      }
      if (static_cast<std::size_t>(got) < kDatagramsPerRead) break;
    }
    publish();
    return ok;
  }

  void received(std::string_view datagram) {
    parsed.clear();
    const std::size_t refused = parse_reports(datagram, parsed);
    if (refused > 0) rejected_lines(datagram, refused);
    for (const ReportView& report : parsed) {
      pending.push_back(model.report(report.instance, report.key, report.value));
    }
  }

  void xen_data(const ports::xen::DataByDomain& table) {
    bool forgotten = false;
    for (const std::string& instance : xen_instances_gone(xen_seen, table)) {
      forgotten = model.forget(instance) || forgotten;
    }
    for (const Report& report : xen_reports(xen_seen, table)) {
      pending.push_back(model.report(report, LoadSample::Source::xenstore));
    }
    xen_seen = table;
    publish(forgotten);
  }

  void rejected_lines(std::string_view datagram, std::size_t count) {
    rejected += count;
    rejected_changed = true;
    if (auto line = rejection_log.rejected(datagram, count, Clock::now())) warn(*line);
  }

  void wait_for_sample(const std::shared_ptr<State>& self) {
    timer.expires_after(options.sample_interval);
    timer.async_wait([self](const boost::system::error_code& error) {
      std::lock_guard lock(self->mutex);
      if (self->stopped || error) return;
      self->sample();
      self->wait_for_sample(self);
    });
  }

  void sample() {
    bool forgotten = false;
    for (const WatchedProcess& process : options.processes) {
      const auto times = read_proc_stat(process.pid);
      const Clock::time_point now = Clock::now();
      if (!times) {
        readings.erase(process.instance);
        forgotten = model.forget_cpu(process.instance) || forgotten;
        if (!std::exchange(missing[process.instance], true)) {
          warn("process instance '" + process.instance + "' (pid " + std::to_string(process.pid) +
               ") cannot be read in /proc; its CPU share is dropped until it can");
        }
        continue;
      }
      missing[process.instance] = false;
      auto [it, first] = readings.try_emplace(process.instance, ProcessReading{*times, now});
      if (first) continue;
      const double share =
          cpu_share(it->second.times, *times, now - it->second.at, ticks_per_second);
      it->second = {*times, now};
      pending.push_back(model.cpu(process.instance, share));
    }
    publish(forgotten);
  }

  // Writes the samples taken since the last write, and the state they led to, as one batch,
  // unless the previous batch is still on its way (then they go in the next one).
  // forgotten: instances were dropped, so the state changed even without samples.
  void publish(bool forgotten = false) {
    forgotten_pending = forgotten_pending || forgotten;
    if (pending.empty() && !forgotten_pending && !rejected_changed) return;
    if (in_flight && Clock::now() - in_flight_since < kBatchAckTimeout) return;
    const std::size_t taken = pending.size();
    outputs.graph->batch([&] {
      if (rejected_changed) outputs.rejected.set(rejected);
      if (!pending.empty() || forgotten_pending) {
        outputs.reports.set(model.reports());
        outputs.by_instance.set(model.by_instance());
        outputs.total.set(model.total());
      }
      if (!pending.empty()) outputs.samples.emit(std::move(pending));
      batch_number.set(++batches);
    });
    // The list went with the batch: the next one gets room for as many.
    pending = {};
    pending.reserve(taken);
    forgotten_pending = false;
    rejected_changed = false;
    in_flight = true;
    in_flight_since = Clock::now();
  }

  // The tick of the last batch committed: what waited goes now.
  void batch_committed() {
    in_flight = false;
    publish();
  }

  void stop() {
    std::lock_guard lock(mutex);
    if (stopped) return;
    stopped = true;
    boost::system::error_code ignored;
    socket.close(ignored);
    timer.cancel();
    remove_socket_file();
  }
};

LoadMonitor::LoadMonitor(boost::asio::any_io_executor io, LoadMonitorOptions options, Warn warn)
    : state_(std::make_shared<State>(std::move(io), std::move(options), std::move(warn))) {
  state_->bind();
}

LoadMonitor::~LoadMonitor() {
  stop();
}

std::string LoadMonitor::snapshot() const {
  std::lock_guard lock(state_->mutex);
  return nlohmann::json{
      {"model", state_->model.state()}, {"rejected", state_->rejected}, {"xen", state_->xen_seen}}
      .dump();
}

void LoadMonitor::restore(const std::string& snapshot) {
  const nlohmann::json j = nlohmann::json::parse(snapshot);
  auto model = j.at("model").get<LoadModel::State>();
  auto xen = j.at("xen").get<ports::xen::DataByDomain>();
  const auto rejected = j.at("rejected").get<std::uint64_t>();
  std::lock_guard lock(state_->mutex);
  state_->rejected = rejected;
  state_->model.restore(model);
  state_->xen_seen = std::move(xen);
}

LoadMonitor::Current LoadMonitor::current() const {
  std::lock_guard lock(state_->mutex);
  return {state_->model.by_instance(), state_->model.total(), state_->model.reports(),
          state_->rejected};
}

void LoadMonitor::follow(Outputs outputs) {
  std::lock_guard lock(state_->mutex);
  state_->outputs = std::move(outputs);
  state_->batch_number = state_->outputs.graph->source<std::uint64_t>(0);
  // After the commit, on the graph's thread; the monitor's own work runs on its strand.
  observe(state_->batch_number.signal(), [weak = std::weak_ptr<State>(state_)](std::uint64_t) {
    auto state = weak.lock();
    if (!state) return;
    boost::asio::post(state->socket.get_executor(), [state] {
      std::lock_guard lock(state->mutex);
      if (!state->stopped) state->batch_committed();
    });
  });
  // The first reading is the baseline the first share is measured from.
  state_->sample();
  state_->receive(state_);
  if (!state_->options.processes.empty()) state_->wait_for_sample(state_);
}

std::function<void(const ports::xen::DataByDomain&)> LoadMonitor::xen_data_sink() const {
  return [state = state_](const ports::xen::DataByDomain& table) {
    std::lock_guard lock(state->mutex);
    if (state->stopped) return;
    state->xen_data(table);
  };
}

void LoadMonitor::stop() {
  state_->stop();
}

}  // namespace mirari::load
