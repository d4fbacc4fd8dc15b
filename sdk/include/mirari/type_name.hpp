// Stable type names: how ports name types across .so boundaries.
//
// RTTI is not comparable between separately built shared objects, so every type that
// crosses a port carries a name that is the same in every build. Built-in types and the
// standard containers below have names. Declare your own type's name together with its
// fields, MIRARI_TYPE(T, "name", field, ...) in type_layout.hpp, so that ports check its
// layout too; MIRARI_TYPE_NAME(T, "name") declares the name alone (ports then check only
// its size and alignment). Either at global scope:
//
//   struct Bounds { int low, high; };
//   MIRARI_TYPE(Bounds, "example.bounds", low, high)
//
// A port's type name is made of these names ("table<int32,net.link>"): change the name when
// the meaning of a type changes.
#pragma once

#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

namespace mirari {

// Specialised for every type with a stable name; the primary template has none.
template <class T>
struct TypeName {};

template <class T>
concept HasTypeName = requires {
  { TypeName<T>::get() } -> std::convertible_to<std::string>;
};

namespace detail {
std::string demangle(const char* mangled);
// The one copy of text that libmirari keeps for the life of the process: the same object
// for equal texts. Thread-safe. The per-type names below are kept here, not in a static of
// the plugin's own, because a static with a destructor in a plugin's code registers an exit
// handler each time a copy of the plugin is loaded, and the C library keeps those records
// after the copy is unloaded: a daemon that reloads plugins would grow with every reload.
const std::string& intern_text(std::string text);
}  // namespace detail

// The stable name of T. Computed once per process.
template <class T>
const std::string& type_name() {
  static_assert(HasTypeName<T>,
                "this type has no stable name: declare one with MIRARI_TYPE_NAME(T, \"name\")");
  static const std::string& name = detail::intern_text(TypeName<T>::get());
  return name;
}

// A name for display: the stable name when there is one, else the compiler's (which is only
// meaningful inside one build, and is never used to check a port).
template <class T>
const std::string& display_type_name() {
  if constexpr (HasTypeName<T>) {
    return type_name<T>();
  } else {
    static const std::string& name = detail::intern_text(detail::demangle(typeid(T).name()));
    return name;
  }
}

#define MIRARI_DETAIL_BUILTIN_NAME(T, NAME)   \
  template <>                                 \
  struct TypeName<T> {                        \
    static std::string get() { return NAME; } \
  };
MIRARI_DETAIL_BUILTIN_NAME(bool, "bool")
MIRARI_DETAIL_BUILTIN_NAME(char, "char")
MIRARI_DETAIL_BUILTIN_NAME(signed char, "int8")
MIRARI_DETAIL_BUILTIN_NAME(unsigned char, "uint8")
MIRARI_DETAIL_BUILTIN_NAME(short, "int16")
MIRARI_DETAIL_BUILTIN_NAME(unsigned short, "uint16")
MIRARI_DETAIL_BUILTIN_NAME(int, "int32")
MIRARI_DETAIL_BUILTIN_NAME(unsigned, "uint32")
MIRARI_DETAIL_BUILTIN_NAME(long, "int64")
MIRARI_DETAIL_BUILTIN_NAME(long long, "int64")
MIRARI_DETAIL_BUILTIN_NAME(unsigned long, "uint64")
MIRARI_DETAIL_BUILTIN_NAME(unsigned long long, "uint64")
MIRARI_DETAIL_BUILTIN_NAME(float, "float32")
MIRARI_DETAIL_BUILTIN_NAME(double, "float64")
MIRARI_DETAIL_BUILTIN_NAME(std::string, "string")
#undef MIRARI_DETAIL_BUILTIN_NAME

template <HasTypeName T>
struct TypeName<std::vector<T>> {
  static std::string get() { return "list<" + type_name<T>() + ">"; }
};
template <HasTypeName T>
struct TypeName<std::optional<T>> {
  static std::string get() { return "option<" + type_name<T>() + ">"; }
};
template <HasTypeName A, HasTypeName B>
struct TypeName<std::pair<A, B>> {
  static std::string get() { return "pair<" + type_name<A>() + "," + type_name<B>() + ">"; }
};
template <HasTypeName K, HasTypeName V>
struct TypeName<std::map<K, V>> {
  static std::string get() { return "map<" + type_name<K>() + "," + type_name<V>() + ">"; }
};

}  // namespace mirari

// Declares T's stable name alone: a port then checks T's size and alignment, not its fields
// (MIRARI_TYPE, in type_layout.hpp, declares both). At global scope.
#define MIRARI_TYPE_NAME(T, NAME)             \
  template <>                                 \
  struct mirari::TypeName<T> {                \
    static std::string get() { return NAME; } \
  };
