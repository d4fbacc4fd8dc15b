// Whether a file may be handed to the dynamic loader: a complete ELF shared object for the
// machine mirarid runs on.
//
// The loader maps a library's segments straight from the file; a truncated file makes it
// touch pages past the end of the file, and the process dies of SIGBUS inside dlopen. So
// before anything maps the file, its header, its program and section header tables, and every
// byte range they say the file holds are checked to lie within the file.
//
// Invariant: a file check_elf accepts has a well-formed ELF header of this process's class,
// byte order and machine, type ET_DYN, at least one PT_LOAD and a PT_DYNAMIC segment, and no
// header table, segment or section whose file bytes extend past its size.
#pragma once

#include <filesystem>

namespace mirari::host {

// Reads the open file fd (shown names it in errors). Throws PluginLoadError:
// "FILE: not a loadable library for this machine: <what is wrong>".
void check_elf(int fd, const std::filesystem::path& shown);

}  // namespace mirari::host
