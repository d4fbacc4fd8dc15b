// Naming the plugin whose code crashed mirarid.
//
// A fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS) runs a handler
// that writes one line to standard error naming the plugin instance whose library holds the
// faulting instruction, or the nearest frame of the crashing thread's stack that lies in a
// plugin's library (an abort() called by a plugin); leaves a crash marker (crash_marker.hpp)
// for the next start; and lets the signal kill the process as it would have.
//
// Async-signal-safety: the handler takes no lock and allocates nothing. It reads a fixed table
// of code ranges, each with its line and its marker text formatted when the library was
// registered, and calls only write(2), open(2), fsync(2), close(2), rename(2), raise(3),
// backtrace(3) (loaded at install) and its own digit formatting. It runs on an alternate
// signal stack on every thread that has one (install_thread_altstack), so a stack overflow is
// reported too.
//
// Invariant: a table slot is published (its state set) only after its contents are complete,
// and cleared before its library is unmapped, so the handler never reads a half-written slot
// of a live library.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "mirari/plugin_library.hpp"

namespace mirari::host {

// Installs the handler for the fatal signals, and an alternate stack for the calling thread.
// marker: the file a crash in a plugin leaves (written through marker + ".new", then renamed).
// Once per process, before other threads start.
void install_crash_handler(const std::filesystem::path& marker);

// Gives the calling thread an alternate signal stack, kept until the process ends.
void install_thread_altstack();

// library, as instance's code: a crash in it names instance. The registration lasts as long
// as the returned library, which shares ownership of the given one (the library is released
// after its registration). Graph thread. Without a free slot, the library is returned
// unregistered (a crash in it then names no plugin).
std::shared_ptr<PluginLibrary> register_plugin_code(std::shared_ptr<PluginLibrary> library,
                                                    const std::string& instance);

}  // namespace mirari::host
