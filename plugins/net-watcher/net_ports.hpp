// The types of the net watcher's ports, from the SDK's port catalogue (mirari/ports/net.hpp),
// named in the watcher's namespace as its code and tests use them.
#pragma once

#include <mirari/ports/net.hpp>

namespace mirari::net {

using ports::net::Address;
using ports::net::Family;
using ports::net::Link;
using ports::net::LinkEvent;
using ports::net::LinkEvents;
using ports::net::Links;
using ports::net::OperState;

}  // namespace mirari::net
