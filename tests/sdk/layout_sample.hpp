// One declaration, included by two translation units of the type layout test, each of which
// gets its own copy of the type (internal linkage) and computes its own layout of it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mirari/table.hpp"
#include "mirari/type_layout.hpp"

namespace {

enum class SampleMood { calm, busy };

struct SamplePart {
  std::string name;
  std::optional<std::uint32_t> size;
};

struct Sample {
  int id = 0;
  SampleMood mood = SampleMood::calm;
  std::vector<SamplePart> parts;
  std::map<std::string, double> values;
  mirari::Table<int, SamplePart> by_id;
};

}  // namespace

MIRARI_ENUM(SampleMood, "test.sample_mood", calm, busy)
MIRARI_TYPE(SamplePart, "test.sample_part", name, size)
MIRARI_TYPE(Sample, "test.sample", id, mood, parts, values, by_id)

// The layout of Sample as the other translation unit computes it.
const mirari::TypeLayout& other_unit_sample_layout();
