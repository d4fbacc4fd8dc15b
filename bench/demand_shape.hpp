// The shape the demand benchmark measures: one observed chain of 10 (a source and 9 maps x+1,
// an effect on the last) among kSources sources, beside `idle_chains` chains of 10 maps
// x+1 on the same sources (chain c on source c mod kSources) that nothing needs any more:
// their observers belonged to a consumer that has been removed. A tick writes the observed
// chain's source, which also starts a tenth of the idle chains.
#pragma once

#include <memory>

#include "graph_shapes.hpp"

namespace mirari::bench {

inline constexpr int kSources = 10;

std::unique_ptr<GraphShape> make_chain_beside_idle(int idle_chains);

}  // namespace mirari::bench
