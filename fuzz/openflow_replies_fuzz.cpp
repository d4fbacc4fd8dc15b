// The openflow plugin's readers of what comes back on a bridge's management socket: the
// bodies of multipart replies, read as port descriptions and as flow and group entries.
// Anything on the socket gives an answer, never a read beyond the bytes. Sorting is checked
// too: the entries of a body given twice, in either order, read the same.
//
// Input: the first byte says where the input splits into two bodies.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "of_replies.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mirari::openflow;
  if (size == 0) return 0;
  const std::size_t split = 1 + std::size_t{data[0]} % size;
  const wire::Bytes first(data + 1, data + split), second(data + split, data + size);
  (void)port_numbers({first, second});
  const std::string one = sorted_entries({first, second}, {{4, 12}, {32, 48}});
  const std::string other = sorted_entries({second, first}, {{4, 12}, {32, 48}});
  if (one != other) std::abort();
  return 0;
}
