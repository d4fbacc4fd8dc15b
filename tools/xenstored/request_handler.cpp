#include "request_handler.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <iterator>

#include "path.hpp"
#include "protocol_error.hpp"

namespace mirari::xenstored {

namespace {

// DOMID_FIRST_RESERVED (xen/xen.h): ids from here on name no real domain.
constexpr std::uint32_t kFirstReservedDomid = 0x7FF0;

const std::string kOk("OK", 3);

[[noreturn]] void invalid(const std::string& why) {
  throw ProtocolError(EINVAL, why);
}

// The payload's strings, which must number between min and max.
std::vector<std::string_view> arguments(std::string_view payload, std::size_t min,
                                        std::size_t max) {
  auto strings = split_strings(payload);
  if (strings.size() < min || strings.size() > max) {
    invalid("expected " + std::to_string(min) + " to " + std::to_string(max) + " strings, got " +
            std::to_string(strings.size()));
  }
  return strings;
}

std::string_view one_argument(std::string_view payload) {
  return arguments(payload, 1, 1)[0];
}

std::uint64_t decimal(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    invalid("not a decimal number: '" + std::string(text) + "'");
  }
  return value;
}

std::uint32_t domid(std::string_view text) {
  const std::uint64_t value = decimal(text);
  if (value >= kFirstReservedDomid) invalid("not a domain id: " + std::string(text));
  return static_cast<std::uint32_t>(value);
}

// A domain other than dom0, which is always there.
std::uint32_t guest_domid(std::string_view text) {
  const std::uint32_t id = domid(text);
  if (id == 0) invalid("dom0 cannot be introduced or released");
  return id;
}

void check_permission(std::string_view permission) {
  if (permission.size() < 2 ||
      std::string_view("wrbn").find(permission[0]) == std::string_view::npos) {
    invalid("not a permission: '" + std::string(permission) + "'");
  }
  domid(permission.substr(1));
}

void append(std::vector<Change>& to, std::vector<Change> changes) {
  std::move(changes.begin(), changes.end(), std::back_inserter(to));
}

}  // namespace

Response RequestHandler::handle(ConnectionId from, const Header& header, std::string_view payload) {
  Effects effects;
  Response response;
  try {
    response.messages.push_back(
        {from, encode_reply(header, answer(from, header, payload, effects))});
  } catch (const ProtocolError& error) {
    response.messages.push_back({from, encode_error(header, error.code())});
    return response;
  }
  send_events(std::move(effects.events), effects.changes, response.messages);
  response.drop_other_connections = effects.drop_other_connections;
  return response;
}

std::vector<Outgoing> RequestHandler::write_nodes(
    const std::vector<std::pair<std::string, std::string>>& nodes) {
  std::vector<Change> changes;
  for (const auto& [path, value] : nodes) {
    append(changes, store_.write(kServerConnection, 0, path, value));
  }
  std::vector<Outgoing> messages;
  send_events({}, changes, messages);
  return messages;
}

void RequestHandler::send_events(std::vector<WatchEvent> events, const std::vector<Change>& changes,
                                 std::vector<Outgoing>& messages) const {
  for (const auto& change : changes) {
    const auto fired = watches_.fired_by(change);
    events.insert(events.end(), fired.begin(), fired.end());
  }
  for (const auto& event : events) {
    // A message over the limit would make the client drop its connection; xenstored does
    // not send it either.
    if (event.path.size() + event.token.size() + 2 > kPayloadMax) continue;
    messages.push_back({event.to, encode_watch_event(event.path, event.token)});
  }
}

void RequestHandler::disconnected(ConnectionId id) {
  watches_.remove_all(id);
  store_.abort_all(id);
}

std::string RequestHandler::answer(ConnectionId from, const Header& header,
                                   std::string_view payload, Effects& effects) {
  const TransactionId tx = header.tx_id;
  switch (header.type) {
    case XS_READ:
      return store_.read(from, tx, canonical_path(one_argument(payload)));
    case XS_WRITE:
      return write(from, header, payload, effects);
    case XS_MKDIR:
      append(effects.changes, store_.mkdir(from, tx, canonical_path(one_argument(payload))));
      return kOk;
    case XS_RM:
      append(effects.changes, store_.remove(from, tx, canonical_path(one_argument(payload))));
      return kOk;
    case XS_DIRECTORY:
      return directory(from, header, payload);
    case XS_DIRECTORY_PART:
      return directory_part(from, header, payload);
    case XS_GET_PERMS:
      return join_strings(store_.permissions(from, tx, canonical_path(one_argument(payload))));
    case XS_SET_PERMS:
      return set_permissions(from, header, payload, effects);
    case XS_WATCH:
      return watch(from, payload, effects);
    case XS_UNWATCH:
      return unwatch(from, payload);
    case XS_RESET_WATCHES:
      // Watches and transactions both, as if the connection were new.
      disconnected(from);
      return kOk;
    case XS_TRANSACTION_START:
      return transaction_start(from, header);
    case XS_TRANSACTION_END:
      return transaction_end(from, header, payload, effects);
    case XS_GET_DOMAIN_PATH:
      return child_path("/local/domain", std::to_string(domid(one_argument(payload)))) + '\0';
    case XS_INTRODUCE:
      return introduce(payload, effects);
    case XS_RELEASE:
      return release(payload, effects);
    case XS_IS_DOMAIN_INTRODUCED:
      return introduced_.contains(domid(one_argument(payload))) ? std::string("T", 2)
                                                                : std::string("F", 2);
    case XS_RESUME:
      if (!introduced_.contains(guest_domid(one_argument(payload)))) {
        throw ProtocolError(ENOENT, "domain not introduced");
      }
      return kOk;
    case XS_SET_TARGET: {
      const auto ids = arguments(payload, 2, 2);
      domid(ids[1]);
      if (!introduced_.contains(guest_domid(ids[0]))) {
        throw ProtocolError(ENOENT, "domain not introduced");
      }
      return kOk;
    }
    case XS_CONTROL:
      return control(payload, effects);
    default:
      invalid("unknown message type " + std::to_string(header.type));
  }
}

std::string RequestHandler::write(ConnectionId from, const Header& header, std::string_view payload,
                                  Effects& effects) {
  // The value is the rest of the payload, not NUL-terminated and possibly containing NULs.
  const auto end = payload.find('\0');
  if (end == std::string_view::npos) invalid("write without a path");
  append(effects.changes, store_.write(from, header.tx_id, canonical_path(payload.substr(0, end)),
                                       std::string(payload.substr(end + 1))));
  return kOk;
}

std::string RequestHandler::directory(ConnectionId from, const Header& header,
                                      std::string_view payload) {
  const Listing listing =
      store_.directory(from, header.tx_id, canonical_path(one_argument(payload)));
  std::string children = join_strings(listing.children);
  // The client then lists the directory in parts (XS_DIRECTORY_PART).
  if (children.size() > kPayloadMax) throw ProtocolError(E2BIG, "directory too long");
  return children;
}

std::string RequestHandler::directory_part(ConnectionId from, const Header& header,
                                           std::string_view payload) {
  const auto args = arguments(payload, 2, 2);
  const Listing listing = store_.directory(from, header.tx_id, canonical_path(args[0]));
  const std::uint64_t offset = decimal(args[1]);
  const std::string children = join_strings(listing.children);

  // The reply is the node's generation, then as many whole names from the byte offset into the
  // list as fit, then an empty string once the list is complete: the client asks again from
  // where this part ends until it sees that, and starts over when the generation changed.
  std::string reply = std::to_string(listing.generation) + '\0';
  const std::size_t room = kPayloadMax - reply.size() - 1;
  std::size_t end = std::min<std::uint64_t>(offset, children.size());
  const std::size_t begin = end;
  while (end < children.size()) {
    const std::size_t next = children.find('\0', end) + 1;
    if (next - begin > room) break;
    end = next;
  }
  reply.append(children, begin, end - begin);
  if (end == children.size()) reply.push_back('\0');
  return reply;
}

std::string RequestHandler::set_permissions(ConnectionId from, const Header& header,
                                            std::string_view payload, Effects& effects) {
  const auto args = arguments(payload, 2, kPayloadMax);
  std::vector<std::string> permissions;
  for (auto it = args.begin() + 1; it != args.end(); ++it) {
    check_permission(*it);
    permissions.emplace_back(*it);
  }
  append(effects.changes, store_.set_permissions(from, header.tx_id, canonical_path(args[0]),
                                                 std::move(permissions)));
  return kOk;
}

std::string RequestHandler::watch(ConnectionId from, std::string_view payload, Effects& effects) {
  const auto args = arguments(payload, 2, 2);
  const std::string path(args[0]), token(args[1]);
  watches_.add(from, path, canonical_path(path, true), token);
  // Every new watch fires once at once, with its own path.
  effects.events.push_back({from, path, token});
  return kOk;
}

std::string RequestHandler::unwatch(ConnectionId from, std::string_view payload) {
  const auto args = arguments(payload, 2, 2);
  watches_.remove(from, canonical_path(args[0], true), std::string(args[1]));
  return kOk;
}

std::string RequestHandler::transaction_start(ConnectionId from, const Header& header) {
  if (header.tx_id != 0) {
    store_.read(from, header.tx_id, "/");  // ENOENT unless it names an open transaction
    throw ProtocolError(EBUSY, "transactions do not nest");
  }
  return std::to_string(store_.start(from)) + '\0';
}

std::string RequestHandler::transaction_end(ConnectionId from, const Header& header,
                                            std::string_view payload, Effects& effects) {
  const std::string_view verdict = one_argument(payload);
  if (verdict == "T") {
    append(effects.changes, store_.commit(from, header.tx_id));
  } else if (verdict == "F") {
    store_.abort(from, header.tx_id);
  } else {
    invalid("transaction end must be T or F");
  }
  return kOk;
}

std::string RequestHandler::introduce(std::string_view payload, Effects& effects) {
  // domid, mfn, event channel, and a reserved string some clients send.
  const auto args = arguments(payload, 3, 4);
  const std::uint32_t id = guest_domid(args[0]);
  decimal(args[1]);
  decimal(args[2]);
  // Introducing a domain again (to rebind its channel) is no new domain: no event.
  if (introduced_.insert(id).second) effects.changes.push_back({std::string(kIntroduceDomain)});
  return kOk;
}

std::string RequestHandler::release(std::string_view payload, Effects& effects) {
  if (introduced_.erase(guest_domid(one_argument(payload))) == 0) {
    throw ProtocolError(ENOENT, "domain not introduced");
  }
  effects.changes.push_back({std::string(kReleaseDomain)});
  return kOk;
}

std::string RequestHandler::control(std::string_view payload, Effects& effects) {
  const auto args = arguments(payload, 1, kPayloadMax);
  if (args[0] != "drop-connections") invalid("unknown control command");
  effects.drop_other_connections = true;
  return kOk;
}

}  // namespace mirari::xenstored
