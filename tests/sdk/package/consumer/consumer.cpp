// Exits 0 when a graph built from the installed headers and library propagates a tick, and a
// port typed from the installed port catalogue carries a table.
#include <mirari/mirari.hpp>
#include <mirari/ports/net.hpp>

int main() {
  mirari::Graph graph;
  auto links = graph.source<int>(1);
  auto wanted = mirari::map(links.signal(), [](int n) { return n * 10; });
  links.set(4);
  graph.run_until_idle();

  namespace net = mirari::ports::net;
  auto table = graph.source<net::Links>({});
  graph.publish(net::kLinks, table.signal());
  net::Link eth0;
  eth0.index = 2;
  eth0.name = "eth0";
  table.set(net::Links{{2, eth0}});
  graph.run_until_idle();
  const net::Links& seen = graph.subscribe<net::Links>(net::kLinks).value();

  return wanted.value() == 40 && seen.at(2).name == "eth0" ? 0 : 1;
}
