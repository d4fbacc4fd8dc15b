// Naming the plugin whose code crashed mirarid.
//
// A fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS) runs a handler
// that writes one line to standard error naming the plugin instance whose library holds the
// faulting instruction, or the nearest frame of the crashing thread's stack that lies in a
// plugin's library (an abort() called by a plugin); leaves a crash marker (crash_marker.hpp)
// for the next start; and lets the signal kill the process as it would have.
//
// Async-signal-safety: the handler takes no lock and allocates nothing. It reads the table of
// plugin code (plugin_code.hpp), whose texts were formatted when each library was registered,
// and calls only write(2), open(2), fsync(2), close(2), rename(2), raise(3), backtrace(3)
// (loaded at install) and its own digit formatting. It runs on an alternate signal stack on
// every thread that has one (install_thread_altstack), so a stack overflow is reported too.
//
// Invariant: the handler runs at most once (SA_RESETHAND) and always ends by raising the
// signal again with its default action, so the process dies of the signal it got; the marker
// is only ever whole (written beside it, then renamed).
#pragma once

#include <filesystem>

namespace mirari::host {

// Installs the handler for the fatal signals, and an alternate stack for the calling thread.
// marker: the file a crash in a plugin leaves (written through marker + ".new", then renamed).
// Once per process, before other threads start.
void install_crash_handler(const std::filesystem::path& marker);

// Gives the calling thread an alternate signal stack, kept until the process ends.
void install_thread_altstack();

}  // namespace mirari::host
