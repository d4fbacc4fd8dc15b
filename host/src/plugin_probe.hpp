// Opening a plugin library first in a short-lived child process.
//
// Loading a library runs its code (initialisers, the entry point) and the dynamic loader's,
// and either may crash on a bad file. The daemon forks a child that opens the library as the
// daemon would (PluginLibrary::open_copy: ABI, build and entry point checks), describes it,
// reports over a pipe and exits; only a library the child opened and described cleanly is
// then opened by the daemon. A file that crashes the loader crashes the child only.
//
// Invariant: no code of a library runs in the daemon before a child has run the same code on
// the same bytes (the daemon's private copy) and reported back. The child resets the fatal
// signals to their default action first, so its death is never reported as the daemon's.
#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace mirari::host {

inline constexpr std::chrono::seconds kProbeTimeout{10};

// The library's description (plugin_description.hpp's describe_plugin, without "file") as
// the child read it from copy. shown names the original file in errors. Throws
// PluginLoadError: the child's refusal (the texts PluginLibrary gives), how the child died,
// or that it did not finish within timeout (it is killed then).
nlohmann::json probe_plugin(const std::filesystem::path& copy, const std::filesystem::path& shown,
                            std::chrono::milliseconds timeout = kProbeTimeout);

}  // namespace mirari::host
