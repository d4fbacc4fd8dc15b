// A XenStore-protocol server of the benchmark's own (tools/xenstored), in a fresh temporary
// directory, with XENSTORED_PATH pointing at it while it lives, so that libxenstore clients
// in this process reach it. One at a time.
#pragma once

#include <stdlib.h>

#include "temp_dir.hpp"
#include "xenstore_server.hpp"

namespace mirari::bench {

class LocalXenstored {
 public:
  LocalXenstored() : server_(dir_.path() / "xenstored.sock") {
    ::setenv("XENSTORED_PATH", server_.socket_path().c_str(), 1);
  }
  ~LocalXenstored() { ::unsetenv("XENSTORED_PATH"); }
  LocalXenstored(const LocalXenstored&) = delete;
  LocalXenstored& operator=(const LocalXenstored&) = delete;

  xenstored::XenstoreServer& server() noexcept { return server_; }

 private:
  testing::TempDir dir_;
  xenstored::XenstoreServer server_;
};

}  // namespace mirari::bench
