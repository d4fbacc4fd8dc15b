#include "scaling_behavior.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace mirari::policies {

namespace {

constexpr Millis kSecond = 1000;

std::string lower(std::string_view text) {
  std::string s(text);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

bool read_positive(std::string_view text, int& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size() && out > 0;
}

}  // namespace

ScalingRules default_scale_up_rules() {
  return {0,
          SelectPolicy::max,
          {{ScalingPolicy::Type::pods, 4, 15 * kSecond},
           {ScalingPolicy::Type::percent, 100, 15 * kSecond}}};
}

ScalingRules default_scale_down_rules(Millis stabilization) {
  return {stabilization, SelectPolicy::max, {{ScalingPolicy::Type::percent, 100, 15 * kSecond}}};
}

ScalingPolicy parse_scaling_policy(std::string_view text) {
  const auto refuse = [&] {
    return std::invalid_argument(
        "'" + std::string(text) +
        "' is not \"pods N per Ts\" or \"percent N per Ts\" (N above 0, T from 1 to 1800 "
        "seconds)");
  };
  const std::vector<std::string_view> w = words(text);
  if (w.size() != 4 || lower(w[2]) != "per" || w[3].size() < 2 || w[3].back() != 's') {
    throw refuse();
  }
  ScalingPolicy p;
  const std::string type = lower(w[0]);
  if (type == "pods") {
    p.type = ScalingPolicy::Type::pods;
  } else if (type == "percent") {
    p.type = ScalingPolicy::Type::percent;
  } else {
    throw refuse();
  }
  int seconds = 0;
  if (!read_positive(w[1], p.value) || !read_positive(w[3].substr(0, w[3].size() - 1), seconds) ||
      seconds > kMaxPolicyPeriodSeconds) {
    throw refuse();
  }
  p.period = seconds * kSecond;
  return p;
}

SelectPolicy parse_select_policy(std::string_view text) {
  const std::string s = lower(text);
  if (s == "max") return SelectPolicy::max;
  if (s == "min") return SelectPolicy::min;
  if (s == "disabled") return SelectPolicy::disabled;
  throw std::invalid_argument("'" + std::string(text) + "' is not max, min or disabled");
}

std::string to_string(const ScalingPolicy& policy) {
  return std::string(policy.type == ScalingPolicy::Type::pods ? "pods " : "percent ") +
         std::to_string(policy.value) + " per " + std::to_string(policy.period / kSecond) + "s";
}

std::string_view to_string(SelectPolicy select) noexcept {
  switch (select) {
    case SelectPolicy::max:
      return "max";
    case SelectPolicy::min:
      return "min";
    case SelectPolicy::disabled:
      return "disabled";
  }
  return "max";
}

}  // namespace mirari::policies
