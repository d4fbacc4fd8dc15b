// What differs between two layouts, for the PortError that refuses one of them.
//
// Invariant: layout_difference() is none exactly when the fingerprints are equal; otherwise
// it names the innermost type that differs and the first aspect of it that does, checked in
// the order that explains the rest (a field missing explains the size, a retyped field its
// neighbours' offsets).
#include "mirari/type_layout.hpp"

#include <string>

namespace mirari {

namespace {

const char* form_text(TypeLayout::Form form) {
  switch (form) {
    case TypeLayout::Form::sized:
      break;
    case TypeLayout::Form::fields:
      return "fields declared (MIRARI_TYPE)";
    case TypeLayout::Form::enumerators:
      return "enumerators declared (MIRARI_ENUM)";
  }
  return "size and alignment only (MIRARI_TYPE_NAME)";
}

template <class Item>
std::optional<std::size_t> position_of(const std::vector<Item>& items, const std::string& name) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].name == name) return i;
  }
  return std::nullopt;
}

// The first item (field or enumerator) named on one side only, or at another position.
template <class Item>
std::optional<std::string> membership(const std::vector<Item>& a, const std::vector<Item>& b,
                                      const std::string& what) {
  for (const Item& item : a) {
    if (!position_of(b, item.name)) return what + " '" + item.name + "' present vs absent";
  }
  for (const Item& item : b) {
    if (!position_of(a, item.name)) return what + " '" + item.name + "' absent vs present";
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name) {
      return what + " '" + a[i].name + "' at position " + std::to_string(i + 1) + " vs " +
             std::to_string(*position_of(b, a[i].name) + 1);
    }
  }
  return std::nullopt;
}

std::string explain(const TypeLayout& a, const TypeLayout& b) {
  if (a.name != b.name) return "type " + a.name + " vs " + b.name;
  const std::string at = a.name + ": ";
  const std::string size = at + "size " + std::to_string(a.size) + " vs " + std::to_string(b.size);
  const std::string alignment =
      at + "alignment " + std::to_string(a.alignment) + " vs " + std::to_string(b.alignment);
  if (a.form != b.form) {
    // Without two field lists to compare, the size says the most.
    if (a.size != b.size) return size;
    if (a.alignment != b.alignment) return alignment;
    return at + form_text(a.form) + " vs " + form_text(b.form);
  }

  if (auto moved = membership(a.fields, b.fields, "field")) return at + *moved;
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    const TypeLayout& ta = a.fields[i].type;
    const TypeLayout& tb = b.fields[i].type;
    if (ta.fingerprint == tb.fingerprint) continue;
    if (ta.name != tb.name) {
      return at + "field '" + a.fields[i].name + "' of type " + ta.name + " vs " + tb.name;
    }
    return explain(ta, tb);
  }
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].offset != b.fields[i].offset) {
      return at + "field '" + a.fields[i].name + "' at offset " +
             std::to_string(a.fields[i].offset) + " vs " + std::to_string(b.fields[i].offset);
    }
  }

  if (a.size != b.size) return size;
  if (a.alignment != b.alignment) return alignment;

  if (a.parts.size() != b.parts.size()) {
    return at + std::to_string(a.parts.size()) + " element types vs " +
           std::to_string(b.parts.size());
  }
  for (std::size_t i = 0; i < a.parts.size(); ++i) {
    if (a.parts[i].fingerprint != b.parts[i].fingerprint) return explain(a.parts[i], b.parts[i]);
  }

  if (auto moved = membership(a.enumerators, b.enumerators, "enumerator")) return at + *moved;
  for (std::size_t i = 0; i < a.enumerators.size(); ++i) {
    if (a.enumerators[i].value != b.enumerators[i].value) {
      return at + "enumerator '" + a.enumerators[i].name +
             "' = " + std::to_string(a.enumerators[i].value) + " vs " +
             std::to_string(b.enumerators[i].value);
    }
  }
  // Only a layout built by hand, with a fingerprint that does not match its content, gets here.
  return at + "fingerprint " + std::to_string(a.fingerprint) + " vs " +
         std::to_string(b.fingerprint);
}

}  // namespace

std::optional<std::string> layout_difference(const TypeLayout& a, const TypeLayout& b) {
  if (a.fingerprint == b.fingerprint) return std::nullopt;
  return explain(a, b);
}

}  // namespace mirari
