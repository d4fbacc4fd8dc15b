// Which plugin instance's code lies at an address: a table a signal handler may read.
//
// Each plugin library is registered with the address ranges of its loaded segments and the
// texts a report about it needs, formatted at registration. Lookups take no lock and allocate
// nothing, so the crash handler (crash_handler.hpp) and the stack sampler (stack_sampler.hpp)
// call them from signal handlers.
//
// Invariant: a slot is published (live) only after its contents are complete, and cleared
// before its library is unmapped: a lookup never reads a half-written slot of a live library.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "mirari/plugin_library.hpp"

namespace mirari::host {

struct PluginCode {
  const char* name;  // "plugin instance 'X' (P V from FILE)"
  const char*
      marker;  // the crash marker's JSON up to the signal's number: {"instance":...,"signal":
};

// library, as instance's code. The registration lasts as long as the returned library, which
// shares ownership of the given one (the library is released after its registration ends).
// Graph thread. Without a free slot, the library is returned unregistered.
std::shared_ptr<PluginLibrary> register_plugin_code(std::shared_ptr<PluginLibrary> library,
                                                    const std::string& instance);

// The plugin whose code holds address, or null. Async-signal-safe.
const PluginCode* plugin_code_at(std::uintptr_t address) noexcept;

// The innermost of frames (return addresses, as backtrace() gives them) that lies in a
// plugin's code, or null. Async-signal-safe.
const PluginCode* plugin_code_on_stack(void* const* frames, int count) noexcept;

}  // namespace mirari::host
