// Finds a node's introspection record by the name it was given with .named().
#pragma once

#include <catch2/catch.hpp>

#include <string_view>

#include "mirari/graph.hpp"

namespace mirari {

inline NodeInfo node_named(const Graph& graph, std::string_view name) {
  for (NodeInfo& info : graph.nodes()) {
    if (info.name == name) return info;
  }
  FAIL("the graph has no node named '" << name << "'");
  return {};
}

}  // namespace mirari
