// Exports the cluster plugin as a Mirari plugin.
#include "cluster_plugin.hpp"

MIRARI_PLUGIN(mirari::cluster::ClusterPlugin, "cluster", "1.0.0", mirari::Kind::reconfigurer,
              "shares chosen ports with other mirarid hosts through an etcd cluster: writes the "
              "exported ones under this host's lease, publishes the other hosts' as "
              "cluster.all.<port> and cluster.<host>.<port>")
