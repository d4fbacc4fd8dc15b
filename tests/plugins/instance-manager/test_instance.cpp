// The instance the instance manager's tests run: a process that stays up until it is killed
// and answers SIGHUP the way a configurable service would.
//
//   mirari-test-instance [--ignore-term] [--exit CODE]
//
// --ignore-term  SIGTERM is ignored (only SIGKILL stops it)
// --exit CODE    ends at once with CODE (an instance that fails while starting)
// On SIGHUP it copies the file $MIRARI_CONFIG names to ./config.seen (through a rename, so a
// reader sees a whole copy).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace {

volatile sig_atomic_t hangups = 0;

void on_hangup(int) {
  hangups = hangups + 1;
}

void copy_config() {
  const char* path = std::getenv("MIRARI_CONFIG");
  if (path == nullptr) return;
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  {
    std::ofstream out("config.seen.new", std::ios::trunc);
    out << text.str();
  }
  std::rename("config.seen.new", "config.seen");
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--ignore-term") == 0) {
      ::signal(SIGTERM, SIG_IGN);
    } else if (std::strcmp(argv[i], "--exit") == 0 && i + 1 < argc) {
      return std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGHUP);
  sigprocmask(SIG_BLOCK, &blocked, nullptr);
  struct sigaction action {};
  action.sa_handler = on_hangup;
  sigaction(SIGHUP, &action, nullptr);
  std::printf("running as pid %d\n", static_cast<int>(::getpid()));
  std::fflush(stdout);

  sigset_t waiting;
  sigemptyset(&waiting);
  for (;;) {
    sigsuspend(&waiting);  // SIGHUP is only delivered here, so the check below never misses one
    if (hangups > 0) {
      hangups = 0;
      copy_config();
    }
  }
}
