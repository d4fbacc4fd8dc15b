// Exports the routes reconfigurer as a Mirari plugin.
#include "routes_plugin.hpp"

MIRARI_PLUGIN(mirari::routes::RoutesPlugin, "routes", "1.0.0", mirari::Kind::reconfigurer,
              "programs the routes.desired sets into named routers, the kernel table of a "
              "network namespace (rtnetlink) or an FRR instance (vtysh: static routes and BGP "
              "network statements), and publishes routes.applied")
