// The cluster plugin's readers of what etcd (or anything answering at its address) sends: the
// v3 JSON gateway's answers (an authentication's token, an error's words among them), a
// watch stream's messages, the port records stored as values,
// and base64. Each either reads the text or throws its own error; base64 round-trips.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "etcd_messages.hpp"
#include "key_layout.hpp"
#include "port_codecs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mirari::cluster;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto quietly = [](auto read) {
    try {
      read();
    } catch (const EtcdError&) {
    } catch (const std::runtime_error&) {
    }
  };
  quietly([&] { (void)parse_watch(input); });
  quietly([&] { (void)parse_range(input); });
  quietly([&] { (void)parse_lease_grant(input); });
  quietly([&] { (void)parse_lease_keepalive(input); });
  quietly([&] { (void)parse_revision(input); });
  quietly([&] { (void)parse_txn(input); });
  quietly([&] {
    if (parse_authenticate(input).empty()) std::abort();
  });
  (void)refusal_of(input);
  quietly([&] { (void)decode_record(input); });
  quietly([&] {
    const std::string bytes = base64_decode(input);
    if (base64_decode(base64_encode(bytes)) != bytes) std::abort();
  });
  (void)parse_port_key(input, hosts_prefix("t"));
  (void)parse_led_key(input, led_prefix("t"));
  return 0;
}
