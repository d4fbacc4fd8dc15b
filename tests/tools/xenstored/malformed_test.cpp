// What the server does with what libxenstore would never send: oversized headers, connections
// that end mid-message, unknown message types. Sent over raw sockets built here, from
// xs_wire.h, so that these tests do not depend on the server's own framing code.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <system_error>

#include "xs_fixture.hpp"

using namespace mirari::testing::xs;

namespace {

struct Message {
  xsd_sockmsg header;
  std::string payload;
};

class RawClient {
 public:
  explicit RawClient(const std::filesystem::path& socket_path)
      : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      const int error = errno;
      ::close(fd_);
      throw std::system_error(error, std::generic_category(), "connect");
    }
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send_bytes(const void* data, std::size_t size) {
    if (::send(fd_, data, size, MSG_NOSIGNAL) != static_cast<ssize_t>(size)) {
      throw std::system_error(errno, std::generic_category(), "send");
    }
  }

  void send_message(std::uint32_t type, std::uint32_t req_id, const std::string& payload) {
    const xsd_sockmsg header{type, req_id, 0, static_cast<std::uint32_t>(payload.size())};
    send_bytes(&header, sizeof header);
    if (!payload.empty()) send_bytes(payload.data(), payload.size());
  }

  // The next message, or nullopt when the server closed the connection or sent nothing
  // within kDeadline.
  std::optional<Message> receive() {
    Message message{};
    if (!receive_exactly(&message.header, sizeof message.header)) return std::nullopt;
    message.payload.resize(message.header.len);
    if (!receive_exactly(message.payload.data(), message.payload.size())) return std::nullopt;
    return message;
  }

  // True once the server has closed the connection (end of file or reset) within kDeadline.
  bool closed_by_server() {
    char buffer[256];
    for (;;) {
      if (!readable()) return false;
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
      if (n < 0) return false;
    }
  }

 private:
  bool readable() {
    pollfd pending{fd_, POLLIN, 0};
    return ::poll(&pending, 1, static_cast<int>(kDeadline.count() * 1000)) == 1;
  }

  bool receive_exactly(void* data, std::size_t size) {
    auto* bytes = static_cast<char*>(data);
    while (size > 0) {
      if (!readable()) return false;
      const ssize_t n = ::recv(fd_, bytes, size, 0);
      if (n <= 0) return false;
      bytes += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }

  int fd_;
};

std::string random_bytes(std::size_t size) {
  std::mt19937 generator(42);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string bytes(size, '\0');
  for (auto& b : bytes) b = static_cast<char>(byte(generator));
  return bytes;
}

}  // namespace

TEST_CASE("a header longer than XENSTORE_PAYLOAD_MAX closes that connection only") {
  XenstoreFixture fixture;
  Handle xs = open();
  write(xs.get(), "/kept", "yes");
  watch(xs.get(), "/kept", "t");
  REQUIRE(next_event(xs.get()) == Event{"/kept", "t"});

  RawClient garbage(fixture.server().socket_path());
  const xsd_sockmsg header{XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1};
  // In one piece: the server may close as soon as it has read the header.
  std::string bytes(reinterpret_cast<const char*>(&header), sizeof header);
  bytes += random_bytes(512);
  garbage.send_bytes(bytes.data(), bytes.size());

  CHECK(garbage.closed_by_server());
  CHECK(eventually([&] { return fixture.server().rejected_messages() == 1; }));
  CHECK(eventually([&] { return fixture.server().connections() == 1; }));
  // The other client, its watch included, carries on; new clients are served.
  write(xs.get(), "/kept", "still");
  CHECK(next_event(xs.get()) == Event{"/kept", "t"});
  Handle later = open();
  CHECK(read(later.get(), "/kept") == "still");
}

TEST_CASE("random bytes are read as an oversized header and close the connection") {
  XenstoreFixture fixture;
  RawClient garbage(fixture.server().socket_path());
  std::string noise = random_bytes(64);
  // Make sure the len field, bytes 12 to 15, exceeds the limit.
  noise[15] = '\x7f';
  garbage.send_bytes(noise.data(), noise.size());
  CHECK(garbage.closed_by_server());
  CHECK(eventually([&] { return fixture.server().rejected_messages() == 1; }));
  Handle xs = open();
  CHECK(read(xs.get(), "/local") == "");
}

TEST_CASE("a connection that ends mid-message counts as rejected") {
  XenstoreFixture fixture;
  {
    RawClient truncated(fixture.server().socket_path());
    const xsd_sockmsg header{XS_WRITE, 1, 0, 100};
    truncated.send_bytes(&header, sizeof header);
    truncated.send_bytes("/half", 5);
  }
  CHECK(eventually([&] { return fixture.server().rejected_messages() == 1; }));
  {
    RawClient half_header(fixture.server().socket_path());
    half_header.send_bytes("\x02\x00\x00", 3);
  }
  CHECK(eventually([&] { return fixture.server().rejected_messages() == 2; }));
  // Hanging up between messages is no fault.
  {
    RawClient polite(fixture.server().socket_path());
    polite.send_message(XS_READ, 1, std::string("/local\0", 7));
    REQUIRE(polite.receive());
    REQUIRE(fixture.server().connections() == 1);
  }
  CHECK(eventually([&] { return fixture.server().connections() == 0; }));
  CHECK(fixture.server().rejected_messages() == 2);
}

TEST_CASE("an unknown message type gets EINVAL and the connection stays usable") {
  XenstoreFixture fixture;
  RawClient client(fixture.server().socket_path());
  client.send_message(999, 17, std::string("/local\0", 7));
  auto reply = client.receive();
  REQUIRE(reply);
  CHECK(reply->header.type == XS_ERROR);
  CHECK(reply->header.req_id == 17);
  CHECK(reply->payload == std::string("EINVAL\0", 7));

  client.send_message(XS_WATCH_EVENT, 18, std::string("/local\0t\0", 9));
  reply = client.receive();
  REQUIRE(reply);
  CHECK(reply->header.type == XS_ERROR);
  CHECK(reply->header.req_id == 18);

  client.send_message(XS_READ, 19, std::string("/local\0", 7));
  reply = client.receive();
  REQUIRE(reply);
  CHECK(reply->header.type == XS_READ);
  CHECK(reply->header.req_id == 19);
  CHECK(reply->payload.empty());
  CHECK(fixture.server().rejected_messages() == 0);
}

TEST_CASE("a request whose path lacks its NUL gets EINVAL") {
  XenstoreFixture fixture;
  RawClient client(fixture.server().socket_path());
  client.send_message(XS_READ, 5, "/local");
  const auto reply = client.receive();
  REQUIRE(reply);
  CHECK(reply->header.type == XS_ERROR);
  CHECK(reply->payload == std::string("EINVAL\0", 7));
}

TEST_CASE("replies copy req_id and tx_id, and watch events carry zeros") {
  XenstoreFixture fixture;
  RawClient client(fixture.server().socket_path());
  client.send_message(XS_TRANSACTION_START, 7, std::string("\0", 1));
  auto reply = client.receive();
  REQUIRE(reply);
  REQUIRE(reply->header.type == XS_TRANSACTION_START);
  const std::uint32_t tx = static_cast<std::uint32_t>(std::stoul(reply->payload));

  const std::string payload("/a\0value", 8);
  const xsd_sockmsg header{XS_WRITE, 8, tx, static_cast<std::uint32_t>(payload.size())};
  client.send_bytes(&header, sizeof header);
  client.send_bytes(payload.data(), payload.size());
  reply = client.receive();
  REQUIRE(reply);
  CHECK(reply->header.type == XS_WRITE);
  CHECK(reply->header.req_id == 8);
  CHECK(reply->header.tx_id == tx);
  CHECK(reply->payload == std::string("OK\0", 3));

  client.send_message(XS_WATCH, 9, std::string("/a\0tok\0", 7));
  reply = client.receive();
  REQUIRE(reply);
  CHECK(reply->header.type == XS_WATCH);
  const auto event = client.receive();
  REQUIRE(event);
  CHECK(event->header.type == XS_WATCH_EVENT);
  CHECK(event->header.req_id == 0);
  CHECK(event->header.tx_id == 0);
  CHECK(event->payload == std::string("/a\0tok\0", 7));
}
