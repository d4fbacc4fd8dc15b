// The instance the instance manager's tests run: a process that stays up until it is killed
// and answers SIGHUP the way a configurable service would.
//
//   mirari-test-instance [--ignore-term] [--copy FILE] [--open FILE] [--exit CODE]
//
// Options act in the order given:
// --ignore-term  SIGTERM is ignored (only SIGKILL stops it)
// --copy FILE    copies FILE to ./copied (what the file held when the instance started)
// --open FILE    opens FILE for reading and closes it (the reader a FIFO's writer waits for)
// --exit CODE    ends at once with CODE (an instance that fails while starting)
// On SIGHUP it copies the file $MIRARI_CONFIG names to ./config.seen (through a rename, so a
// reader sees a whole copy).
#include <fcntl.h>
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

// Copies from to ./to, through a rename.
void copy(const char* from, const std::string& to) {
  std::ifstream in(from);
  std::ostringstream text;
  text << in.rdbuf();
  {
    std::ofstream out(to + ".new", std::ios::trunc);
    out << text.str();
  }
  std::rename((to + ".new").c_str(), to.c_str());
}

void copy_config() {
  if (const char* path = std::getenv("MIRARI_CONFIG")) copy(path, "config.seen");
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--ignore-term") == 0) {
      ::signal(SIGTERM, SIG_IGN);
    } else if (std::strcmp(argv[i], "--copy") == 0 && i + 1 < argc) {
      copy(argv[++i], "copied");
    } else if (std::strcmp(argv[i], "--open") == 0 && i + 1 < argc) {
      ::close(::open(argv[++i], O_RDONLY | O_CLOEXEC));
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
