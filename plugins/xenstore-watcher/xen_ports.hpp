// The types of the XenStore watcher's ports, from the SDK's port catalogue
// (mirari/ports/xen.hpp), named in the watcher's namespace as its code and tests use them.
#pragma once

#include <mirari/ports/xen.hpp>

namespace mirari::xen {

using ports::xen::DataByDomain;
using ports::xen::Devices;
using ports::xen::Domains;
using ports::xen::XenbusState;
using ports::xen::XenChange;
using ports::xen::XenChangeKind;
using ports::xen::XenData;
using ports::xen::XenDataChange;
using ports::xen::XenDevice;
using ports::xen::XenDeviceChange;
using ports::xen::XenDomain;
using ports::xen::XenDomainChange;

}  // namespace mirari::xen
