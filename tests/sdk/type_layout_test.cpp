// Type layouts: a declaration's size, alignment, fields and elements, as ports compare them.
// Equal declarations have equal fingerprints wherever they are compiled; any change to a
// field (added, renamed, retyped, moved) changes the fingerprint, and the difference names it.
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "layout_sample.hpp"
#include "mirari/table.hpp"
#include "mirari/type_layout.hpp"

// Versions of one type, "test.reading", as different plugins might declare it.
namespace original {
struct Reading {
  int id = 0;
  std::string name;
  double value = 0;
};
}  // namespace original
namespace added {
struct Reading {
  int id = 0;
  std::string name;
  double value = 0;
  bool stale = false;
};
}  // namespace added
namespace renamed {
struct Reading {
  int id = 0;
  std::string label;
  double value = 0;
};
}  // namespace renamed
namespace retyped {
struct Reading {
  int id = 0;
  std::string name;
  float value = 0;
};
}  // namespace retyped
namespace reordered {
struct Reading {
  std::string name;
  int id = 0;
  double value = 0;
};
}  // namespace reordered
namespace realigned {
struct Reading {
  int id = 0;
  std::string name;
  alignas(32) double value = 0;
};
}  // namespace realigned
namespace named_only {
struct Reading {
  int id = 0;
  std::string name;
  double value = 0;
};
struct Wider {
  int id = 0;
  std::string name;
  double value = 0;
  double extra = 0;
};
}  // namespace named_only

MIRARI_TYPE(original::Reading, "test.reading", id, name, value)
MIRARI_TYPE(added::Reading, "test.reading", id, name, value, stale)
MIRARI_TYPE(renamed::Reading, "test.reading", id, label, value)
MIRARI_TYPE(retyped::Reading, "test.reading", id, name, value)
MIRARI_TYPE(reordered::Reading, "test.reading", name, id, value)
MIRARI_TYPE(realigned::Reading, "test.reading", id, name, value)
MIRARI_TYPE_NAME(named_only::Reading, "test.reading")
MIRARI_TYPE_NAME(named_only::Wider, "test.reading")

// Enumerations, likewise.
namespace modes_original {
enum class Mode { off, on };
}
namespace modes_added {
enum class Mode { off, standby, on };
}
namespace modes_swapped {
enum class Mode { on, off };
}
namespace modes_renumbered {
enum class Mode { off, on = 5 };
}
MIRARI_ENUM(modes_original::Mode, "test.mode", off, on)
MIRARI_ENUM(modes_added::Mode, "test.mode", off, standby, on)
MIRARI_ENUM(modes_swapped::Mode, "test.mode", on, off)
MIRARI_ENUM(modes_renumbered::Mode, "test.mode", off, on)

namespace mirari {
namespace {

template <class A, class B>
std::optional<std::string> difference() {
  return layout_difference(type_layout<A>(), type_layout<B>());
}

template <class A, class B>
bool same_fingerprint() {
  return type_layout<A>().fingerprint == type_layout<B>().fingerprint;
}

TEST_CASE("a declared type's layout lists its fields with their names, offsets and types") {
  const TypeLayout& layout = type_layout<original::Reading>();
  CHECK(layout.name == "test.reading");
  CHECK(layout.size == sizeof(original::Reading));
  CHECK(layout.alignment == alignof(original::Reading));
  CHECK(layout.form == TypeLayout::Form::fields);
  REQUIRE(layout.fields.size() == 3);
  CHECK(layout.fields[0].name == "id");
  CHECK(layout.fields[0].offset == offsetof(original::Reading, id));
  CHECK(layout.fields[0].type.name == "int32");
  CHECK(layout.fields[1].name == "name");
  CHECK(layout.fields[1].offset == offsetof(original::Reading, name));
  CHECK(layout.fields[1].type.name == "string");
  CHECK(layout.fields[2].name == "value");
  CHECK(layout.fields[2].offset == offsetof(original::Reading, value));
  CHECK(layout.fields[2].type.name == "float64");
}

TEST_CASE("the same declaration in two translation units has the same fingerprint") {
  const TypeLayout& here = type_layout<Sample>();
  const TypeLayout& there = other_unit_sample_layout();
  // Two copies of the type, each computing its own layout; equal, they share libmirari's copy.
  CHECK(&here == &there);
  CHECK(here.fingerprint == there.fingerprint);
  CHECK(layout_difference(here, there) == std::nullopt);
}

TEST_CASE("a field added, renamed, retyped, moved or realigned changes the fingerprint") {
  CHECK_FALSE(same_fingerprint<original::Reading, added::Reading>());
  CHECK_FALSE(same_fingerprint<original::Reading, renamed::Reading>());
  CHECK_FALSE(same_fingerprint<original::Reading, retyped::Reading>());
  CHECK_FALSE(same_fingerprint<original::Reading, reordered::Reading>());
  CHECK_FALSE(same_fingerprint<original::Reading, realigned::Reading>());
}

TEST_CASE("the difference names the field and what differs, the first layout's value first") {
  CHECK(difference<original::Reading, added::Reading>() ==
        "test.reading: field 'stale' absent vs present");
  CHECK(difference<added::Reading, original::Reading>() ==
        "test.reading: field 'stale' present vs absent");
  CHECK(difference<original::Reading, renamed::Reading>() ==
        "test.reading: field 'name' present vs absent");
  CHECK(difference<original::Reading, retyped::Reading>() ==
        "test.reading: field 'value' of type float64 vs float32");
  CHECK(difference<original::Reading, reordered::Reading>() ==
        "test.reading: field 'id' at position 1 vs 2");
  CHECK(difference<original::Reading, realigned::Reading>() ==
        "test.reading: field 'value' at offset " +
            std::to_string(offsetof(original::Reading, value)) + " vs " +
            std::to_string(offsetof(realigned::Reading, value)));
}

TEST_CASE("a type declared by name alone is checked by size and alignment") {
  const TypeLayout& layout = type_layout<named_only::Reading>();
  CHECK(layout.form == TypeLayout::Form::sized);
  CHECK(layout.fields.empty());
  CHECK(difference<named_only::Reading, named_only::Wider>() ==
        "test.reading: size " + std::to_string(sizeof(named_only::Reading)) + " vs " +
            std::to_string(sizeof(named_only::Wider)));
  // A name-only declaration cannot vouch for the fields of a full one; when their sizes
  // differ, that is what is said.
  CHECK(difference<named_only::Reading, original::Reading>() ==
        "test.reading: size and alignment only (MIRARI_TYPE_NAME) vs fields declared "
        "(MIRARI_TYPE)");
  CHECK(difference<named_only::Wider, original::Reading>() ==
        "test.reading: size " + std::to_string(sizeof(named_only::Wider)) + " vs " +
            std::to_string(sizeof(original::Reading)));
}

TEST_CASE("an enumeration's layout lists its enumerators and their values") {
  const TypeLayout& layout = type_layout<modes_original::Mode>();
  CHECK(layout.form == TypeLayout::Form::enumerators);
  REQUIRE(layout.enumerators.size() == 2);
  CHECK(layout.enumerators[1].name == "on");
  CHECK(layout.enumerators[1].value == 1);
  CHECK(difference<modes_original::Mode, modes_added::Mode>() ==
        "test.mode: enumerator 'standby' absent vs present");
  CHECK(difference<modes_original::Mode, modes_swapped::Mode>() ==
        "test.mode: enumerator 'off' at position 1 vs 2");
  CHECK(difference<modes_original::Mode, modes_renumbered::Mode>() ==
        "test.mode: enumerator 'on' = 1 vs 5");
}

TEST_CASE("containers and tables carry their elements' layouts") {
  using Before = Table<int, std::vector<original::Reading>>;
  using After = Table<int, std::vector<added::Reading>>;
  CHECK(type_name<Before>() == type_name<After>());
  CHECK(type_layout<Before>().size == type_layout<After>().size);
  CHECK_FALSE(same_fingerprint<Before, After>());
  CHECK(difference<Before, After>() == "test.reading: field 'stale' absent vs present");

  CHECK_FALSE(
      same_fingerprint<std::optional<original::Reading>, std::optional<retyped::Reading>>());
  CHECK_FALSE(same_fingerprint<std::map<std::string, original::Reading>,
                               std::map<std::string, renamed::Reading>>());
  CHECK_FALSE(
      same_fingerprint<std::pair<int, modes_original::Mode>, std::pair<int, modes_added::Mode>>());
  CHECK_FALSE(same_fingerprint<TableChange<int, original::Reading>,
                               TableChange<int, reordered::Reading>>());
  CHECK(same_fingerprint<std::vector<original::Reading>, std::vector<original::Reading>>());
}

TEST_CASE("a field whose nested type differs is explained at the nested type") {
  const TypeLayout& sample = type_layout<Sample>();
  TypeLayout changed = sample;
  // A SamplePart as a plugin that added a field to it would see it.
  TypeLayout::Field extra{"extra", 48, type_layout<int>()};
  changed.fields[2].type.parts[0].fields.push_back(extra);
  changed.fields[2].type.parts[0].fingerprint =
      detail::fingerprint_of(changed.fields[2].type.parts[0]);
  changed.fields[2].type.fingerprint = detail::fingerprint_of(changed.fields[2].type);
  changed.fingerprint = detail::fingerprint_of(changed);
  CHECK(layout_difference(sample, changed) == "test.sample_part: field 'extra' absent vs present");
}

}  // namespace
}  // namespace mirari

namespace mirari {
namespace {

TEST_CASE("per-type names and layouts are the process's one interned copy") {
  // Held by libmirari, not by a static of the caller's library: a plugin copy loaded again
  // makes no new exit handler (type_name.hpp says why).
  CHECK(&type_name<std::int64_t>() == &detail::intern_text("int64"));
  CHECK(&type_layout<std::vector<std::int64_t>>() ==
        &detail::intern_layout(type_layout<std::vector<std::int64_t>>()));
}

}  // namespace
}  // namespace mirari
