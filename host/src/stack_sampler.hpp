// Which plugin's code a thread is running, asked from another thread: the thread is sent a
// signal whose handler walks its own stack (backtrace) and looks the frames up in the table of
// plugin code (plugin_code.hpp). It names the plugin that keeps the graph's thread busy.
//
// The signal is SIGURG (ignored by default; mirarid uses no out-of-band data), handled with
// SA_RESTART so that a sampled system call is restarted where the kernel allows it; a sleep or
// a poll the sample interrupts returns EINTR, which callers must handle anyway.
//
// Invariant: at most one sample is in flight; a handler that runs after its sampler gave up
// changes nothing.
#pragma once

#include <pthread.h>

#include <chrono>
#include <optional>
#include <string>

namespace mirari::host {

// Once per process, before sampling.
void install_stack_sampler();

// PluginCode::name of the plugin whose code is innermost on thread's stack, "" when none is,
// or nullopt when the thread did not answer within timeout. One caller at a time.
std::optional<std::string> plugin_running_on(pthread_t thread, std::chrono::milliseconds timeout);

}  // namespace mirari::host
