// The ports the cluster plugin carries between hosts, and their wire form in etcd.
//
// A port is carried by the JSON form of its type (the one mirarictl reads and writes), in a
// record that names the type and its layout fingerprint beside the value:
//   {"type": "table<string,routes.router>", "fingerprint": "9f0c...", "value": {...}}
// so a host whose type differs in layout is refused rather than misread. The carried ports
// are the port catalogue's (mirari/ports/*.hpp) listed in carried_ports(): a port is carried
// only with the type the catalogue gives it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mirari/plugin.hpp>

namespace mirari::cluster {

struct PortType {
  std::string name;  // the stable type name
  std::uint64_t fingerprint = 0;
};

// A port's value as it sits in etcd.
struct Record {
  PortType type;
  std::string value;  // the value's JSON text
};
std::string encode_record(const PortType& type, std::string_view value_json);
// A record of a port a leader writes for the cluster, with the leader's name and term beside
// the value: {"type": ..., "fingerprint": ..., "value": ..., "leader": "a", "term": 42}.
std::string led_record(std::string_view record, const std::string& leader, std::int64_t term);
// Throws std::runtime_error saying what is missing or malformed.
Record decode_record(std::string_view text);
// The fingerprint as the record writes it: 16 hexadecimal digits.
std::string fingerprint_text(std::uint64_t fingerprint);

// What one imported port publishes: cluster.all.<port> (a table host → value) and
// cluster.<host>.<port> for each host named in the configuration. Used by one thread at a
// time (the plugin's watch thread); the functions it returns are run inside one graph batch.
class ImportedPort {
 public:
  virtual ~ImportedPort() = default;
  // The writes that give host the value json. Throws std::exception when json is not a value
  // of the port's type; then nothing is written and the port is as before.
  virtual std::function<void()> prepare_set(const std::string& host, std::string_view json) = 0;
  // The writes that remove host (its per-host port goes back to the type's empty value).
  virtual std::function<void()> prepare_erase(const std::string& host) = 0;
};

class PortCodec {
 public:
  virtual ~PortCodec() = default;
  virtual const PortType& type() const = 0;
  // In start(): subscribes port and runs on_value with the JSON text of each value it commits
  // (the first one included). on_value runs on the graph thread, as an effect.
  virtual void export_port(Context& ctx, const std::string& port,
                           std::function<void(std::string json)> on_value) const = 0;
  // In start(): publishes what an imported port publishes (see ImportedPort) and returns it.
  // A table keyed by name also gives cluster.merged.<port>: this host's (self's) own value
  // and every other host's in one table, each key prefixed "<host>/".
  virtual std::unique_ptr<ImportedPort> import_port(
      Context& ctx, const std::string& port, const std::string& self,
      const std::vector<std::string>& hosts) const = 0;
  // In start(): publishes cluster.led.<port>, the value the leader of the port's role wrote
  // (the type's empty value while none did), and returns its writer; the host argument of
  // its prepare functions is ignored.
  virtual std::unique_ptr<ImportedPort> import_led(Context& ctx, const std::string& port) const = 0;
};

// The codec of a carried port, or null. Carried: the ports carried_ports() lists, and
// scale.<group>.placement for every group (mirari/ports/scaling.hpp).
const PortCodec* find_codec(std::string_view port);
std::vector<std::string> carried_ports();

}  // namespace mirari::cluster
