// Type layouts: what a port checks beyond a type's stable name.
//
// Plugins are built separately, so two of them may declare "the same" type differently: a
// plugin that redeclares a port's type by hand (the right name, fields guessed) would read the
// publisher's memory as garbage. A port therefore records the layout of the type it was first
// used with, and refuses (PortError) any later use whose type has the same stable name but
// another layout.
//
// A layout is computed from the declaration, once per type and process:
// - every type: its stable name, size and alignment;
// - a struct declared with MIRARI_TYPE: its fields in order, each with its name, offset and
//   own layout (recursively);
// - an enum declared with MIRARI_ENUM: its enumerators and their values;
// - standard containers (vector, optional, pair, map) and mirari::Table: their elements'.
// A type declared with MIRARI_TYPE_NAME alone (type_name.hpp) is checked by size and
// alignment only, so prefer MIRARI_TYPE for anything that crosses a port:
//
//   struct Bounds {
//     double low = 0;   // load per instance below which one is removed
//     double high = 1;  // ... above which one is added
//   };
//   MIRARI_TYPE(Bounds, "example.bounds", low, high)
//
//   enum class Mode { off, on };
//   MIRARI_ENUM(Mode, "example.mode", off, on)
//
// Both go at global scope, after the type is complete and before its first use. List every
// field, in declaration order. Each field's type needs a stable name itself (the builtins
// and containers of type_name.hpp, mirari::Table, and types declared as above). A type may not
// contain itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/preprocessor/seq/for_each.hpp>
#include <boost/preprocessor/stringize.hpp>
#include <boost/preprocessor/variadic/to_seq.hpp>

#include "mirari/type_name.hpp"

namespace mirari {

struct TypeLayout {
  enum class Form : std::uint8_t {
    sized,        // name, size, alignment, and the parts of a container
    fields,       // declared with MIRARI_TYPE: every field is listed
    enumerators,  // declared with MIRARI_ENUM: every enumerator is listed
  };
  struct Field;
  struct Enumerator {
    std::string name;
    std::int64_t value = 0;
  };

  std::string name;  // the stable name
  std::size_t size = 0;
  std::size_t alignment = 0;
  Form form = Form::sized;
  std::vector<Field> fields;            // in declaration order
  std::vector<TypeLayout> parts;        // a container's elements: list<T>: T; map<K,V>: K, V
  std::vector<Enumerator> enumerators;  // in declaration order
  // Digest of everything above: layouts that are equal have equal fingerprints.
  std::uint64_t fingerprint = 0;
};

struct TypeLayout::Field {
  std::string name;
  std::size_t offset = 0;
  TypeLayout type;
};

// What differs between two layouts, a's value first ("net.link: size 48 vs 56", "net.link:
// field 'speed_mbps' of type option<uint32> vs uint64"), naming the innermost type that
// differs; none when their fingerprints are equal. Any thread.
std::optional<std::string> layout_difference(const TypeLayout& a, const TypeLayout& b);

// How a type adds to its layout beyond name, size and alignment. The primary template adds
// nothing; MIRARI_TYPE, MIRARI_ENUM and the containers specialise it.
template <class T>
struct LayoutOf {
  static void describe(TypeLayout&) {}
};

namespace detail {

// 64-bit FNV-1a: small, and the same in every build.
class LayoutDigest {
 public:
  void number(std::uint64_t n) noexcept {
    for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(n >> (8 * i)));
  }
  void text(std::string_view s) noexcept {
    number(s.size());
    for (char c : s) byte(static_cast<unsigned char>(c));
  }
  std::uint64_t value() const noexcept { return hash_; }

 private:
  void byte(unsigned char b) noexcept {
    hash_ ^= b;
    hash_ *= 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

inline std::uint64_t fingerprint_of(const TypeLayout& layout) noexcept {
  LayoutDigest d;
  d.text(layout.name);
  d.number(layout.size);
  d.number(layout.alignment);
  d.number(static_cast<std::uint64_t>(layout.form));
  d.number(layout.fields.size());
  for (const TypeLayout::Field& f : layout.fields) {
    d.text(f.name);
    d.number(f.offset);
    d.number(f.type.fingerprint);
  }
  d.number(layout.parts.size());
  for (const TypeLayout& part : layout.parts) d.number(part.fingerprint);
  d.number(layout.enumerators.size());
  for (const TypeLayout::Enumerator& e : layout.enumerators) {
    d.text(e.name);
    d.number(static_cast<std::uint64_t>(e.value));
  }
  return d.value();
}

}  // namespace detail

namespace detail {
// The one copy of a layout that libmirari keeps for the life of the process (by name and
// fingerprint), for the reason intern_text gives. Thread-safe.
const TypeLayout& intern_layout(TypeLayout layout);
}  // namespace detail

// The layout of T, computed once per process. T needs a stable name (type_name.hpp).
template <class T>
const TypeLayout& type_layout() {
  static const TypeLayout& layout = detail::intern_layout([] {
    TypeLayout l;
    l.name = type_name<T>();
    l.size = sizeof(T);
    l.alignment = alignof(T);
    LayoutOf<T>::describe(l);
    l.fingerprint = detail::fingerprint_of(l);
    return l;
  }());
  return layout;
}

namespace detail {

template <class M>
TypeLayout::Field field_layout(const char* name, std::size_t offset) {
  static_assert(HasTypeName<M>,
                "a field's type has no stable name: declare it with MIRARI_TYPE, MIRARI_ENUM "
                "or MIRARI_TYPE_NAME");
  return {name, offset, type_layout<M>()};
}

template <class... Parts>
void add_parts(TypeLayout& layout) {
  (layout.parts.push_back(type_layout<Parts>()), ...);
}

}  // namespace detail

template <HasTypeName T>
struct LayoutOf<std::vector<T>> {
  static void describe(TypeLayout& l) { detail::add_parts<T>(l); }
};
template <HasTypeName T>
struct LayoutOf<std::optional<T>> {
  static void describe(TypeLayout& l) { detail::add_parts<T>(l); }
};
template <HasTypeName A, HasTypeName B>
struct LayoutOf<std::pair<A, B>> {
  static void describe(TypeLayout& l) { detail::add_parts<A, B>(l); }
};
template <HasTypeName K, HasTypeName V>
struct LayoutOf<std::map<K, V>> {
  static void describe(TypeLayout& l) { detail::add_parts<K, V>(l); }
};

}  // namespace mirari

#define MIRARI_DETAIL_LAYOUT_FIELD(r, T, field)                                                 \
  layout.fields.push_back(::mirari::detail::field_layout<std::remove_cv_t<decltype(T::field)>>( \
      BOOST_PP_STRINGIZE(field), offsetof(T, field)));
#define MIRARI_DETAIL_LAYOUT_ENUMERATOR(r, T, enumerator) \
  layout.enumerators.push_back(                           \
      {BOOST_PP_STRINGIZE(enumerator), static_cast<std::int64_t>(T::enumerator)});

// Declares T's stable name and its fields, in declaration order. At global scope. offsetof
// of a struct that is not standard-layout (one holding a std::map, say) is conditionally
// supported; GCC and Clang support it for every type without virtual bases, so the warning is
// silenced here.
// clang-format off
#define MIRARI_TYPE(T, NAME, ...)                                                    \
  MIRARI_TYPE_NAME(T, NAME)                                                          \
  _Pragma("GCC diagnostic push")                                                     \
  _Pragma("GCC diagnostic ignored \"-Winvalid-offsetof\"")                           \
  template <>                                                                        \
  struct mirari::LayoutOf<T> {                                                       \
    static void describe(::mirari::TypeLayout& layout) {                             \
      layout.form = ::mirari::TypeLayout::Form::fields;                              \
      BOOST_PP_SEQ_FOR_EACH(MIRARI_DETAIL_LAYOUT_FIELD, T,                           \
                            BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__))                   \
    }                                                                                \
  };                                                                                 \
  _Pragma("GCC diagnostic pop")
// clang-format on

// Declares enum T's stable name and its enumerators, in declaration order. At global scope.
#define MIRARI_ENUM(T, NAME, ...)                                     \
  MIRARI_TYPE_NAME(T, NAME)                                           \
  template <>                                                         \
  struct mirari::LayoutOf<T> {                                        \
    static_assert(std::is_enum_v<T>, "MIRARI_ENUM declares an enum"); \
    static void describe(::mirari::TypeLayout& layout) {              \
      layout.form = ::mirari::TypeLayout::Form::enumerators;          \
      BOOST_PP_SEQ_FOR_EACH(MIRARI_DETAIL_LAYOUT_ENUMERATOR, T,       \
                            BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__))    \
    }                                                                 \
  };
