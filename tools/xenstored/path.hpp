// XenStore path rules (docs/misc/xenstore.txt): which request paths are valid, how a relative
// path maps into the tree, and the parent/child relation watches match with.
//
// Every connection to this server counts as dom0's, so a relative path "x/y" means
// "/local/domain/0/x/y". The only special paths are the two watch names "@introduceDomain"
// and "@releaseDomain".
#pragma once

#include <string>
#include <string_view>

namespace mirari::xenstored {

// Where relative paths of every connection start (dom0's home), without the trailing slash.
inline constexpr std::string_view kHomePath = "/local/domain/0";

inline constexpr std::string_view kIntroduceDomain = "@introduceDomain";
inline constexpr std::string_view kReleaseDomain = "@releaseDomain";

// The absolute path a request names. Throws ProtocolError(EINVAL) for an empty path, a
// character outside [A-Za-z0-9-/_@], "//", a trailing slash (other than "/"), or a path longer
// than XENSTORE_REL_PATH_MAX (relative) or XENSTORE_ABS_PATH_MAX (absolute, also
// after a relative path is made absolute). With
// allow_special, the two special watch paths are returned unchanged.
std::string canonical_path(std::string_view path, bool allow_special = false);

bool is_special_path(std::string_view path) noexcept;

// True when child is path itself or lies below it ("/" is above every path).
bool is_within(std::string_view child, std::string_view path) noexcept;

// The parent of an absolute path other than "/".
std::string parent_path(std::string_view path);

// The last component of an absolute path other than "/".
std::string_view leaf_name(std::string_view path) noexcept;

// parent + "/" + leaf, without doubling the root's slash.
std::string child_path(std::string_view parent, std::string_view leaf);

// An absolute path below kHomePath as the relative path a client wrote.
std::string relative_to_home(std::string_view absolute);

}  // namespace mirari::xenstored
