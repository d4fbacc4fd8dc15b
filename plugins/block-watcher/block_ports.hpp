// The types of the block watcher's ports, from the SDK's port catalogue
// (mirari/ports/block.hpp), named in the watcher's namespace as its code and tests use them.
#pragma once

#include <mirari/ports/block.hpp>

namespace mirari::block {

using ports::block::BlockDevice;
using ports::block::BlockEvent;
using ports::block::DeviceEvents;
using ports::block::Devices;

}  // namespace mirari::block
