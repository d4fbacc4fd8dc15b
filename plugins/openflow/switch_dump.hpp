// Reading what ovs-ofctl prints about a bridge. Its output is taken as untrusted text: any
// bytes give a result, never a crash.
#pragma once

#include <string>
#include <string_view>

namespace mirari::openflow {

// The rules of a dump-flows --no-stats or dump-groups listing in a form that compares: the
// reply headers dropped, each rule trimmed, the rules sorted, one per line. Two listings of
// the same rules compare equal whatever order the switch gave them in.
std::string normalized_dump(std::string_view listing);

}  // namespace mirari::openflow
