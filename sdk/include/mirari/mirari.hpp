// Everything a plugin or a test needs from the SDK's graph. See graph.hpp for the model.
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
#include "mirari/type_name.hpp"
