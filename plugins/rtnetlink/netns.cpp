#include "rtnetlink/netns.hpp"

#include <fcntl.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <thread>

#include "mirari/unique_fd.hpp"

namespace mirari::rtnetlink {

namespace {
std::string describe(const std::string& name, const std::string& problem) {
  return "network namespace '" + name + "' (" + kNetnsDirectory + "/" + name + "): " + problem;
}
}  // namespace

void in_netns(const std::string& name, const std::function<void()>& fn) {
  if (name.empty()) {
    fn();
    return;
  }
  if (name == "." || name == ".." || name.find('/') != std::string::npos) {
    throw NetnsError("'" + name + "' is not a network namespace name");
  }
  const std::string path = std::string(kNetnsDirectory) + "/" + name;
  UniqueFd ns(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns) {
    const int error = errno;
    throw NetnsError(describe(name, error == ENOENT ? "no such namespace" : std::strerror(error)));
  }

  std::exception_ptr failure;
  std::thread worker([&] {
    if (::setns(ns.get(), CLONE_NEWNET) != 0) {
      const int error = errno;
      failure = std::make_exception_ptr(NetnsError(
          describe(name, error == EINVAL ? "not a network namespace" : std::strerror(error))));
      return;
    }
    try {
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  worker.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace mirari::rtnetlink
