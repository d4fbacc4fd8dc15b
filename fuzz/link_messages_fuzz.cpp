// The net watcher's reading of rtnetlink link and address messages (link_messages), and the
// link model they drive, as a datagram from the kernel would reach them.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "link_model.hpp"
#include "rtnetlink_datagram.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mirari::net::LinkModel model([](const std::string&) { return std::nullopt; });
  std::vector<mirari::net::LinkEvent> events;
  mirari::fuzz::for_each_message(data, size, [&](const nlmsghdr& msg) {
    (void)mirari::net::read_link_message(msg);
    model.apply(msg, events);
  });
  (void)nlohmann::json(model.table())
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  (void)nlohmann::json(events).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
