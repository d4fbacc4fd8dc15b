// Running code inside a named network namespace, to create sockets that belong to it.
//
// A socket belongs for its whole life to the network namespace of the thread that created
// it. in_netns() moves a short-lived thread into the namespace, runs the given function
// there and joins it, so the caller's threads never leave the daemon's own namespace.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

namespace mirari::rtnetlink {

// The named namespace is missing, is not a network namespace, or cannot be entered.
class NetnsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where `ip netns add` puts the namespaces it names.
inline constexpr const char* kNetnsDirectory = "/var/run/netns";

// Runs fn in the network namespace called name (a file under kNetnsDirectory), or in the
// caller's own namespace when name is empty. Blocks until fn returns; rethrows what fn
// throws. Throws NetnsError, before running fn, when the namespace cannot be entered.
void in_netns(const std::string& name, const std::function<void()>& fn);

}  // namespace mirari::rtnetlink
