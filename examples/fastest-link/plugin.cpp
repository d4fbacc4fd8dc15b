// Exports the policy as a Mirari plugin.
#include "fastest_link.hpp"

MIRARI_PLUGIN(example::FastestLink, "fastest-link", "1.0.0", mirari::Kind::policy,
              "names the usable link with the highest speed")
