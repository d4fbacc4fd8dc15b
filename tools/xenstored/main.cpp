// mirari-xenstored: the XenStore-protocol server (xenstore_server.hpp) as a process of its own,
// for the demo and for tests that need xenstored outside their own process. Prints "ready <socket>"
// on standard output once it accepts connections, and serves until SIGTERM or SIGINT, after which
// it removes its socket and exits with 0.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <system_error>

#include "xenstore_server.hpp"

int main(int argc, char** argv) {
  CLI::App app{"mirari-xenstored: a XenStore daemon for development and tests, on a unix socket"};
  std::string socket;
  app.add_option("--socket", socket, "path of the socket to listen on (XENSTORED_PATH)")
      ->required();
  CLI11_PARSE(app, argc, argv);

  // Blocked before the server starts its thread, which inherits the mask, so that sigwait
  // below is the only taker of these signals.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  try {
    mirari::xenstored::XenstoreServer server(socket);
    std::cout << "ready " << server.socket_path().string() << std::endl;
    int signal = 0;
    sigwait(&stop, &signal);
  } catch (const std::system_error& e) {
    std::cerr << "mirari-xenstored: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
