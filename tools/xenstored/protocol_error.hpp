// The one way a request fails in the XenStore protocol: an errno value that goes back to the
// client as an XS_ERROR message carrying its name ("ENOENT"). Thrown by the path, tree and store
// code, caught where the request is answered; the connection stays open.
#pragma once

#include <stdexcept>
#include <string>

namespace mirari::xenstored {

class ProtocolError : public std::runtime_error {
 public:
  // code is one of the errno values listed in xsd_errors (xs_wire.h).
  ProtocolError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

}  // namespace mirari::xenstored
