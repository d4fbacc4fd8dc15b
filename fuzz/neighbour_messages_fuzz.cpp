// The ARP watcher's reading of rtnetlink neighbour and link messages (neighbour_messages),
// and the neighbour model they drive, as a datagram from the kernel would reach them.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "neighbour_model.hpp"
#include "rtnetlink_datagram.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mirari::arp::NeighbourModel model;
  std::vector<mirari::arp::NeighbourEvent> events;
  mirari::fuzz::for_each_message(data, size, [&](const nlmsghdr& msg) {
    (void)mirari::arp::read_neighbour_message(msg);
    model.apply(msg, events);
  });
  (void)nlohmann::json(model.table())
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  (void)nlohmann::json(events).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
