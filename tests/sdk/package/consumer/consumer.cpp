// Exits 0 when a graph built from the installed headers and library propagates a tick.
#include <mirari/mirari.hpp>

int main() {
  mirari::Graph graph;
  auto links = graph.source<int>(1);
  auto wanted = mirari::map(links.signal(), [](int n) { return n * 10; });
  links.set(4);
  graph.run_until_idle();
  return wanted.value() == 40 ? 0 : 1;
}
