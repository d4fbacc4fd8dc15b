// Exports the openflow reconfigurer as a Mirari plugin.
#include "openflow_plugin.hpp"

MIRARI_PLUGIN(mirari::openflow::OpenflowPlugin, "openflow", "1.0.0", mirari::Kind::reconfigurer,
              "makes each Open vSwitch bridge of flows.desired hold exactly its set of flows and "
              "groups, in one OpenFlow bundle, repairs drift, balances select groups over "
              "instances.actual, and publishes flows.applied")
