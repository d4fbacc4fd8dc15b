// The load monitor's report protocol (report_parser): one datagram of `NAME KEY VALUE`
// lines, as instances send them, and each line's fields checked on their own.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "report_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mirari::load;
  const std::string_view datagram(reinterpret_cast<const char*>(data), size);
  const ParsedDatagram parsed = parse_datagram(datagram);
  for (const Report& report : parsed.reports) {
    // What the datagram parser accepted, the field parser accepts alike.
    if (!is_instance_name(report.instance)) std::abort();
    (void)parse_report(report.instance, report.key, "1");
  }
  (void)parse_report(datagram.substr(0, size / 3), datagram.substr(size / 3, size / 3),
                     datagram.substr(2 * (size / 3)));
  return 0;
}
