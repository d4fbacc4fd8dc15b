// The types of the load monitor's ports, from the SDK's port catalogue: those it publishes
// (mirari/ports/load.hpp) and the XenStore watcher's xen.data it reads (mirari/ports/xen.hpp),
// named in the monitor's namespace as its code and tests use them.
#pragma once

#include <mirari/ports/load.hpp>
#include <mirari/ports/xen.hpp>

namespace mirari::load {

using ports::load::InstanceReports;
using ports::load::kCpuKey;
using ports::load::kLoadKey;
using ports::load::LoadByInstance;
using ports::load::LoadSample;
using ports::load::LoadSamples;

}  // namespace mirari::load
