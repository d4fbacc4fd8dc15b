// Everything a plugin or a test needs from the SDK's graph. See graph.hpp for the model. The
// types of the stock plugins' ports are in the port catalogue, mirari/ports/*.hpp (one header
// per domain: net, arp, block, xen, load), included where a plugin uses them.
#pragma once

#include "mirari/collections.hpp"
#include "mirari/combinators.hpp"
#include "mirari/errors.hpp"
#include "mirari/executor.hpp"
#include "mirari/graph.hpp"
#include "mirari/introspection.hpp"
#include "mirari/signal.hpp"
#include "mirari/source.hpp"
#include "mirari/table.hpp"
#include "mirari/task.hpp"
#include "mirari/type_layout.hpp"
#include "mirari/type_name.hpp"
