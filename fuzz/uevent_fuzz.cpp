// The block watcher's reading of kernel uevent datagrams (uevent), and the block model they
// drive, with a sysfs that holds nothing (the input, not the machine, is under test).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "block_model.hpp"
#include "uevent.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view datagram(reinterpret_cast<const char*>(data), size);
  const auto uevent = mirari::block::parse_uevent(datagram);
  if (!uevent) return 0;
  (void)uevent->name();
  (void)uevent->is_block();
  (void)uevent->get("DEVNAME");
  mirari::block::BlockModel model(mirari::block::Sysfs("/nonexistent/sys"));
  std::vector<mirari::block::BlockEvent> events;
  model.apply(*uevent, events);
  return 0;
}
