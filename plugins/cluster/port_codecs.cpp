// Invariant: an ImportedPort's own tables change only inside the writes it returns, which the
// caller runs in one batch, so what it holds is what it last gave the graph.
#include "port_codecs.hpp"

#include <cstdio>
#include <map>
#include <mirari/combinators.hpp>
#include <mirari/ports/instances.hpp>
#include <mirari/ports/load.hpp>
#include <mirari/ports/net.hpp>
#include <mirari/ports/routes.hpp>
#include <mirari/ports/scaling.hpp>
#include <mirari/table.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace mirari::cluster {

using nlohmann::json;

std::string fingerprint_text(std::uint64_t fingerprint) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(fingerprint));
  return text;
}

std::string encode_record(const PortType& type, std::string_view value_json) {
  // The value is spliced in as it is: it is the JSON form the port's type wrote.
  std::string head =
      json{{"type", type.name}, {"fingerprint", fingerprint_text(type.fingerprint)}}.dump();
  head.pop_back();
  return head + ",\"value\":" + std::string(value_json) + "}";
}

std::string led_record(std::string_view record, const std::string& leader, std::int64_t term) {
  std::string out(record.substr(0, record.rfind('}')));
  out += ",\"leader\":" + json(leader).dump() + ",\"term\":" + std::to_string(term) + "}";
  return out;
}

Record decode_record(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error("not a JSON object");
  auto field = [&](const char* name) -> const json& {
    auto it = j.find(name);
    if (it == j.end()) throw std::runtime_error(std::string("no '") + name + "' field");
    return *it;
  };
  const json& type = field("type");
  const json& fingerprint = field("fingerprint");
  if (!type.is_string()) throw std::runtime_error("'type' is not a string");
  if (!fingerprint.is_string() || fingerprint.get_ref<const std::string&>().size() != 16) {
    throw std::runtime_error("'fingerprint' is not 16 hexadecimal digits");
  }
  const std::string& digits = fingerprint.get_ref<const std::string&>();
  std::uint64_t value = 0;
  for (char c : digits) {
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) throw std::runtime_error("'fingerprint' is not 16 hexadecimal digits");
    value = value * 16 + static_cast<std::uint64_t>(d);
  }
  return {{type.get<std::string>(), value}, field("value").dump()};
}

namespace {

template <class T>
struct IsNamedTable : std::false_type {};
template <class V>
struct IsNamedTable<Table<std::string, V>> : std::true_type {};

// cluster.merged.<port>, for a table keyed by name: this host's entries and every other
// host's in one table, each key prefixed with its host's name and '/' ("b/web-1"), so a
// policy reads the whole cluster's as it reads one host's. Rebuilt whole on each change of
// either side: its cost grows with the cluster's entries, not with the change.
template <class T>
void publish_merged(Context& ctx, const std::string& port, const std::string& self,
                    Signal<Table<std::string, T>> others) {
  auto merged = lift(ctx.subscribe<T>(port), others,
                     [self](const T& own, const Table<std::string, T>& by_host) {
                       typename T::Builder out;
                       for (const auto& [key, value] : own) out.set(self + "/" + key, value);
                       for (const auto& [host, table] : by_host) {
                         for (const auto& [key, value] : table) out.set(host + "/" + key, value);
                       }
                       return out.build();
                     });
  const std::string name = "cluster.merged." + port;
  ctx.publish(name, merged.named(name));
}

template <class T>
class Imported final : public ImportedPort {
 public:
  Imported(Context& ctx, const std::string& port, const std::string& self,
           const std::vector<std::string>& hosts)
      : all_(ctx.graph().source<Table<std::string, T>>({})) {
    const std::string all_port = "cluster.all." + port;
    ctx.publish(all_port, all_.signal().named(all_port));
    if constexpr (IsNamedTable<T>::value) publish_merged<T>(ctx, port, self, all_.signal());
    for (const std::string& host : hosts) {
      auto source = ctx.graph().source<T>(T{});
      const std::string name = "cluster." + host + "." + port;
      ctx.publish(name, source.signal().named(name));
      by_host_.emplace(host, source);
    }
  }

  std::function<void()> prepare_set(const std::string& host, std::string_view text) override {
    T value = read_json<T>(json::parse(text));
    return [this, host, value = std::move(value)] {
      table_ = table_.set(host, value);
      all_.set(table_);
      if (auto it = by_host_.find(host); it != by_host_.end()) it->second.set(value);
    };
  }

  std::function<void()> prepare_erase(const std::string& host) override {
    return [this, host] {
      table_ = table_.erase(host);
      all_.set(table_);
      if (auto it = by_host_.find(host); it != by_host_.end()) it->second.set(T{});
    };
  }

 private:
  Source<Table<std::string, T>> all_;
  Table<std::string, T> table_;
  std::map<std::string, Source<T>> by_host_;
};

// cluster.led.<port>: one value, whoever wrote it.
template <class T>
class Led final : public ImportedPort {
 public:
  Led(Context& ctx, const std::string& port) : source_(ctx.graph().source<T>(T{})) {
    const std::string name = "cluster.led." + port;
    ctx.publish(name, source_.signal().named(name));
  }

  std::function<void()> prepare_set(const std::string&, std::string_view text) override {
    return [source = source_, value = read_json<T>(json::parse(text))] { source.set(value); };
  }

  std::function<void()> prepare_erase(const std::string&) override {
    return [source = source_] { source.set(T{}); };
  }

 private:
  Source<T> source_;
};

template <class T>
class Codec final : public PortCodec {
 public:
  Codec() : type_{type_name<T>(), type_layout<T>().fingerprint} {}
  const PortType& type() const override { return type_; }

  void export_port(Context& ctx, const std::string& port,
                   std::function<void(std::string)> on_value) const override {
    observe(ctx.subscribe<T>(port),
            [on_value = std::move(on_value)](const T& value) { on_value(json(value).dump()); });
  }

  std::unique_ptr<ImportedPort> import_port(Context& ctx, const std::string& port,
                                            const std::string& self,
                                            const std::vector<std::string>& hosts) const override {
    return std::make_unique<Imported<T>>(ctx, port, self, hosts);
  }

  std::unique_ptr<ImportedPort> import_led(Context& ctx, const std::string& port) const override {
    return std::make_unique<Led<T>>(ctx, port);
  }

 private:
  PortType type_;
};

const std::map<std::string, std::unique_ptr<PortCodec>, std::less<>>& codecs() {
  static const auto table = [] {
    std::map<std::string, std::unique_ptr<PortCodec>, std::less<>> t;
    t.emplace(ports::routes::kRoutesDesired,
              std::make_unique<Codec<ports::routes::RoutesDesired>>());
    t.emplace(ports::routes::kRoutesApplied,
              std::make_unique<Codec<ports::routes::RoutesApplied>>());
    t.emplace(ports::kInstancesActual, std::make_unique<Codec<ports::InstancesActual>>());
    t.emplace(ports::load::kByInstance, std::make_unique<Codec<ports::load::LoadByInstance>>());
    t.emplace(ports::load::kTotal, std::make_unique<Codec<double>>());
    t.emplace(ports::net::kLinks, std::make_unique<Codec<ports::net::Links>>());
    return t;
  }();
  return table;
}

}  // namespace

const PortCodec* find_codec(std::string_view port) {
  if (!ports::placement_group(port).empty()) {
    static const Codec<ports::Placement> placement;
    return &placement;
  }
  auto it = codecs().find(port);
  return it == codecs().end() ? nullptr : it->second.get();
}

std::vector<std::string> carried_ports() {
  std::vector<std::string> out;
  for (const auto& [name, codec] : codecs()) out.push_back(name);
  out.push_back(ports::kPlacementPattern);
  return out;
}

}  // namespace mirari::cluster
