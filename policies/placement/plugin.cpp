// Exports the placement policy as a Mirari plugin.
#include "placement_plugin.hpp"

MIRARI_PLUGIN(mirari::policies::PlacementPlugin, "placement", "1.0.0", mirari::Kind::policy,
              "spreads a scaling group's count evenly over the hosts of a cluster role "
              "(scale.<group>.placement); this host's share of the leader's placement is "
              "scale.<group>.share")
