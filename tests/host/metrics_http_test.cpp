// mirarid's GET /metrics over HTTP (daemon.metrics_listen), as Prometheus scrapes it and as a
// broken or hostile client meets it: what promtool accepts, 404 and 405, requests closed
// without an answer, many clients at once, and addresses refused at start.
#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "daemon.hpp"
#include "metrics_server.hpp"

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using boost::asio::ip::tcp;
using mirari::host::MetricsServer;
using mirari::test::Daemon;
using mirari::test::DaemonOptions;
using mirari::test::eventually;

namespace {

// A mirarid with one counter instance, serving /metrics on a port the kernel chose.
struct MetricsDaemon {
  Daemon daemon{
      DaemonOptions{.config = std::string("[daemon]\nmetrics_listen = \"127.0.0.1:0\"\n") +
                              mirari::test::kWatchNothing + "[plugins.counter]\n",
                    .plugins = {{"counter.so", "counter"}}}};
  boost::asio::io_context io;
  tcp::endpoint endpoint = served_on();

  tcp::endpoint served_on() const {
    std::smatch match;
    const std::string log = daemon.log();
    const std::regex served(R"(serving metrics on http://127\.0\.0\.1:(\d+)/metrics)");
    REQUIRE(std::regex_search(log, match, served));
    return {boost::asio::ip::make_address("127.0.0.1"),
            static_cast<unsigned short>(std::stoi(match[1]))};
  }

  tcp::socket connect() {
    tcp::socket socket(io);
    socket.connect(endpoint);
    return socket;
  }

  http::response<http::string_body> request(http::verb method, const std::string& target) {
    tcp::socket socket = connect();
    http::request<http::string_body> request(method, target, 11);
    request.set(http::field::host, "localhost");
    http::write(socket, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return response;
  }

  // Sends bytes and reads until the server closes; returns what it answered.
  std::string answer_to(const std::string& bytes) {
    tcp::socket socket = connect();
    boost::system::error_code ec;
    boost::asio::write(socket, boost::asio::buffer(bytes), ec);
    std::string answer;
    boost::asio::read(socket, boost::asio::dynamic_buffer(answer), ec);
    return answer;
  }
};

}  // namespace

TEST_CASE("GET /metrics answers the Prometheus text exposition, and promtool accepts it") {
  MetricsDaemon m;
  const auto response = m.request(http::verb::get, "/metrics");
  CHECK(response.result_int() == 200);
  CHECK(response[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(response.body().find("\nmirari_plugins 1\n") != std::string::npos);
  CHECK(response.body().find(
            "mirari_plugin_reloads_total{instance=\"counter\",plugin=\"counter\"} 0") !=
        std::string::npos);

  const fs::path scraped = m.daemon.dir() / "scraped.txt", report = m.daemon.dir() / "promtool.txt";
  mirari::test::write_file(scraped, response.body());
  const std::string promtool =
      "promtool check metrics < " + scraped.string() + " > " + report.string() + " 2>&1";
  CHECK(std::system(promtool.c_str()) == 0);
  CHECK(mirari::test::read_file(report) == "");
}

TEST_CASE("/metrics with a query string is served, other paths are 404 and other methods 405") {
  MetricsDaemon m;
  CHECK(m.request(http::verb::get, "/metrics?name[]=mirari_ticks_total").result_int() == 200);
  for (const char* path : {"/", "/metric", "/metrics/", "/metricsx", "*"}) {
    INFO(path);
    CHECK(m.request(http::verb::get, path).result_int() == 404);
  }
  for (const http::verb method : {http::verb::post, http::verb::put, http::verb::delete_,
                                  http::verb::head, http::verb::options}) {
    INFO(http::to_string(method));
    const auto response = m.request(method, "/metrics");
    CHECK(response.result_int() == 405);
    CHECK(response[http::field::allow] == "GET");
  }
}

TEST_CASE("a connection kept alive is answered request after request") {
  MetricsDaemon m;
  tcp::socket socket = m.connect();
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 3; ++i) {
    http::request<http::string_body> request(http::verb::get, "/metrics", 11);
    http::write(socket, request);
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    CHECK(response.result_int() == 200);
    CHECK(response.keep_alive());
  }
}

TEST_CASE("garbage, oversized and bodied requests are closed unanswered, and harm nothing") {
  MetricsDaemon m;
  CHECK(m.answer_to(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)) == "");
  CHECK(m.answer_to("NOT HTTP AT ALL\r\n\r\n") == "");
  CHECK(m.answer_to("GET /metrics HTTP/1.1\r\nX-Big: " +
                    std::string(MetricsServer::kHeaderLimit * 4, 'a') + "\r\n\r\n") == "");
  CHECK(m.answer_to("GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello") == "");
  CHECK(m.answer_to(std::string(1 << 20, '\0')) == "");
  // A client that connects and says nothing holds no one else up.
  tcp::socket silent = m.connect();
  CHECK(m.request(http::verb::get, "/metrics").result_int() == 200);
  CHECK(m.daemon.running());
  CHECK(m.daemon.ctl({"status"}).status == 0);
}

TEST_CASE("a hundred clients at once each get their answer") {
  MetricsDaemon m;
  std::vector<tcp::socket> clients;
  for (int i = 0; i < 100; ++i) clients.push_back(m.connect());
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n";
  for (auto& client : clients) boost::asio::write(client, boost::asio::buffer(request));
  int answered = 0;
  for (auto& client : clients) {
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(client, buffer, response);
    answered += response.result_int() == 200 ? 1 : 0;
  }
  CHECK(answered == 100);
}

TEST_CASE("connections beyond the limit are closed at once, and served again once others go") {
  MetricsDaemon m;
  std::vector<tcp::socket> idle;
  for (std::size_t i = 0; i < MetricsServer::kMaxClients; ++i) idle.push_back(m.connect());
  // The server has seen them all once the one beyond them is closed unanswered.
  CHECK(eventually(
      [&] { return m.answer_to("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n").empty(); }));
  idle.clear();
  CHECK(eventually([&] {
    try {
      return m.request(http::verb::get, "/metrics").result_int() == 200;
    } catch (const std::exception&) {
      return false;
    }
  }));
}

namespace {

mirari::test::Run start_with(const std::string& listen, mirari::test::TempDir& dir) {
  const fs::path config = dir.path() / "mirarid.toml";
  mirari::test::write_file(config, "[daemon]\nmetrics_listen = " + listen + "\n");
  return mirari::test::run(
      {MIRARID_PATH, "--config", config.string(), "--runtime-dir", (dir.path() / "run").string()},
      dir.path());
}

}  // namespace

TEST_CASE("a metrics_listen that is no address is refused with the file, line and key") {
  mirari::test::TempDir dir;
  const std::string at = (dir.path() / "mirarid.toml").string() + ":2:18: ";
  const auto name = start_with("\"example.org:9464\"", dir);
  CHECK(name.status == 2);
  CHECK(name.err == "mirarid: " + at +
                        "daemon.metrics_listen must be HOST:PORT: 'example.org:9464' does not "
                        "start with an IP address (\"127.0.0.1:9464\", \"[::1]:9464\") or "
                        "localhost\n");
  const auto port = start_with("\"127.0.0.1:65536\"", dir);
  CHECK(port.status == 2);
  CHECK(port.err == "mirarid: " + at +
                        "daemon.metrics_listen must be HOST:PORT: '127.0.0.1:65536' has no port "
                        "number (0 to 65535) after the last ':'\n");
  const auto v6 = start_with("\"::1:9464\"", dir);
  CHECK(v6.status == 2);
  CHECK(v6.err.find("'::1:9464' does not start with an IP address") != std::string::npos);
  const auto integer = start_with("9464", dir);
  CHECK(integer.status == 2);
  CHECK(integer.err ==
        "mirarid: " + at + "daemon.metrics_listen must be a string, not an integer\n");
}

TEST_CASE("a metrics_listen address already in use stops the start, naming it") {
  mirari::test::TempDir dir;
  boost::asio::io_context io;
  tcp::acceptor taken(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const std::string address = "127.0.0.1:" + std::to_string(taken.local_endpoint().port());
  const auto run = start_with("\"" + address + "\"", dir);
  CHECK(run.status == 1);
  CHECK(run.err.find("metrics_listen: cannot listen on " + address + ": Address already in use") !=
        std::string::npos);
}
