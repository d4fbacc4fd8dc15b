#include "height_queue.hpp"

namespace mirari::detail {

void HeightQueue::clear() {
  if (size_ > 0) {
    for (auto& bucket : buckets_) {
      for (NodeBase* node : bucket) node->flags &= ~kQueued;
      bucket.clear();
    }
  }
  size_ = 0;
  reset_bounds();
}

}  // namespace mirari::detail
