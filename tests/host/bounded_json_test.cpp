// parse_bounded_json: every bad text is one BadJson, and nothing deep is ever built.
#include <catch2/catch.hpp>

#include "bounded_json.hpp"

using mirari::host::BadJson;
using mirari::host::kMaxRequestDepth;
using mirari::host::parse_bounded_json;

namespace {

std::string nested(std::size_t depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

BadJson::Reason refusal(const std::string& text) {
  try {
    parse_bounded_json(text);
  } catch (const BadJson& e) {
    return e.reason();
  }
  FAIL("accepted: " << text.substr(0, 80));
  return BadJson::Reason::syntax;
}

}  // namespace

TEST_CASE("a number out of a double's range is refused as out of range, not thrown through") {
  CHECK(refusal("1e400") == BadJson::Reason::range);
  CHECK(refusal(R"({"id": -1e400, "cmd": "status"})") == BadJson::Reason::range);
  CHECK(refusal(R"({"id": 1, "value": [1, 2, 1E+999]})") == BadJson::Reason::range);
  CHECK_THROWS_WITH(parse_bounded_json("1e400"),
                    Catch::StartsWith("a number out of range: ") && Catch::Contains("1e400"));
}

TEST_CASE("nesting deeper than the limit is refused before anything is built") {
  CHECK(parse_bounded_json(nested(kMaxRequestDepth)).is_array());
  CHECK(refusal(nested(kMaxRequestDepth + 1)) == BadJson::Reason::depth);
  // 100k levels in about 200 KB: refused by counting, without recursion.
  CHECK(refusal(R"({"id": )" + nested(100000) + R"(, "cmd": "status"})") == BadJson::Reason::depth);
  CHECK(refusal(std::string(100000, '{')) == BadJson::Reason::depth);
  CHECK_THROWS_WITH(parse_bounded_json(nested(65)),
                    "arrays and objects nested deeper than 64 levels");
}

TEST_CASE("brackets inside strings do not count as nesting") {
  const std::string text = R"({"id": ")" + std::string(1000, '[') + R"(\"{{{", "cmd": "x"})";
  CHECK(parse_bounded_json(text)["cmd"] == "x");
}

TEST_CASE("syntax and encoding errors are refused as not JSON") {
  CHECK(refusal("hello") == BadJson::Reason::syntax);
  CHECK(refusal("\xff\xfe\x01") == BadJson::Reason::syntax);
  CHECK(refusal("\"\xc3\x28\"") == BadJson::Reason::syntax);  // invalid UTF-8 in a string
  CHECK(refusal(R"("\ud800")") == BadJson::Reason::syntax);   // a lone surrogate
  CHECK(refusal("") == BadJson::Reason::syntax);
  CHECK_THROWS_WITH(parse_bounded_json("{"), Catch::StartsWith("not JSON: "));
}

TEST_CASE("a limit of its own applies to a caller that reads deeper values") {
  CHECK(parse_bounded_json(nested(200), 256).is_array());
  CHECK_THROWS_AS(parse_bounded_json(nested(257), 256), BadJson);
}
