// The second translation unit of the type layout test (see layout_sample.hpp).
#include "layout_sample.hpp"

const mirari::TypeLayout& other_unit_sample_layout() {
  return mirari::type_layout<Sample>();
}
