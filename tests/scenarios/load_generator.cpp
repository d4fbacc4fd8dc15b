// The instance of the self-scaling scenario: a process the instance manager starts, which
// reports a load to the load monitor's socket at a steady rate, the load the test sets.
//
//   mirari-load-generator --socket PATH --load-file PATH [--period-ms N]
//
// Every period it reads the load file (one decimal number, which the test replaces whole by
// a rename) and sends the datagram "NAME load VALUE" (plugins/load-monitor/README.md) to
// the socket, NAME being the instance name the manager gives it in MIRARI_INSTANCE. A load
// file that is missing or does not hold a finite number sends nothing that period; a monitor
// that is not there (mirarid restarting) or whose queue is full loses that period's report.
// The socket is addressed by its path at every send, never connected, so the reports reach
// the monitor of a mirarid started again on the same path. SIGTERM ends it (the manager's
// stop).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace {

std::optional<double> read_load(const std::string& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  const char* first = s.data();
  const char* last = s.data() + s.size();
  while (first != last && std::isspace(static_cast<unsigned char>(*first))) ++first;
  while (last != first && std::isspace(static_cast<unsigned char>(last[-1]))) --last;
  double value = 0;
  const auto [end, error] = std::from_chars(first, last, value);
  if (first == last || error != std::errc() || end != last || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Reports a load read from a file to the load monitor's socket, periodically.");
  std::string socket_path;
  std::string load_file;
  int period_ms = 50;
  app.add_option("--socket", socket_path, "the load monitor's datagram socket")->required();
  app.add_option("--load-file", load_file, "the file holding the load to report")->required();
  app.add_option("--period-ms", period_ms, "milliseconds between two reports")
      ->check(CLI::Range(1, 60'000));
  CLI11_PARSE(app, argc, argv);

  const char* name = std::getenv("MIRARI_INSTANCE");
  if (name == nullptr || *name == '\0') {
    std::fprintf(stderr, "MIRARI_INSTANCE is not set: run me as an instance of a group\n");
    return 2;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(address.sun_path)) {
    std::fprintf(stderr, "socket path '%s' is too long\n", socket_path.c_str());
    return 2;
  }
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::perror("socket");
    return 1;
  }
  std::printf("%s reports to %s every %d ms\n", name, socket_path.c_str(), period_ms);
  std::fflush(stdout);

  const std::chrono::milliseconds period(period_ms);
  for (auto next = std::chrono::steady_clock::now();; next += period) {
    if (const auto load = read_load(load_file)) {
      char value[32];
      std::snprintf(value, sizeof value, "%.17g", *load);
      const std::string line = std::string(name) + " load " + value + "\n";
      ::sendto(fd, line.data(), line.size(), MSG_DONTWAIT,
               reinterpret_cast<const sockaddr*>(&address), sizeof address);
    }
    std::this_thread::sleep_until(next + period);
  }
}
