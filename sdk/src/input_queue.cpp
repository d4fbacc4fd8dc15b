#include "mirari/detail/input_queue.hpp"

#include <utility>

namespace mirari::detail {

// The writes one thread holds back for one queue while a batch runs: each endpoint once, in
// the order of its first write.
struct InputQueue::Batch {
  InputQueue* queue;
  Batch* outer;  // another queue's batch running further out on this thread, or null
  std::vector<std::pair<std::shared_ptr<InputEndpoint>, InputBox>> writes;
};

thread_local InputQueue::Batch* InputQueue::current_batch_ = nullptr;

bool InputQueue::push(InputEndpoint& endpoint, InputBox value) {
  std::shared_ptr<const std::function<void()>> wakeup;
  for (Batch* batch = current_batch_; batch != nullptr; batch = batch->outer) {
    if (batch->queue != this) continue;
    {
      std::lock_guard lock(mutex_);
      if (endpoint.node == nullptr) return false;
    }
    for (auto& [held, earlier] : batch->writes) {
      if (held.get() != &endpoint) continue;
      if (endpoint.combine) {
        endpoint.combine(earlier, std::move(value));
      } else {
        earlier = std::move(value);
      }
      return true;
    }
    batch->writes.emplace_back(endpoint.shared_from_this(), std::move(value));
    return true;
  }
  {
    std::lock_guard lock(mutex_);
    if (endpoint.node == nullptr) return false;
    if (pending_.empty()) wakeup = wakeup_;
    pending_.push_back(InputEntry{endpoint.node, std::move(value)});
  }
  // Outside the lock: the callback may post to another thread or take its own locks.
  if (wakeup && *wakeup) (*wakeup)();
  return true;
}

void InputQueue::batch(const std::function<void()>& writes) {
  for (Batch* batch = current_batch_; batch != nullptr; batch = batch->outer) {
    if (batch->queue == this) {
      writes();
      return;
    }
  }
  Batch batch{this, current_batch_, {}};
  current_batch_ = &batch;
  try {
    writes();
  } catch (...) {
    current_batch_ = batch.outer;
    throw;
  }
  current_batch_ = batch.outer;
  push_batch(batch);
}

void InputQueue::push_batch(Batch& batch) {
  std::shared_ptr<const std::function<void()>> wakeup;
  {
    std::lock_guard lock(mutex_);
    const std::size_t first = pending_.size();
    for (auto& [endpoint, value] : batch.writes) {
      if (endpoint->node == nullptr) continue;  // removed while the batch ran
      pending_.push_back(InputEntry{endpoint->node, std::move(value), true});
    }
    if (pending_.size() == first) return;
    pending_.back().joins_next = false;
    if (first == 0) wakeup = wakeup_;
  }
  if (wakeup && *wakeup) (*wakeup)();
}

void InputQueue::take_all(std::vector<InputEntry>& out) {
  std::lock_guard lock(mutex_);
  if (out.empty()) {
    out.swap(pending_);
  } else {
    for (auto& entry : pending_) out.push_back(std::move(entry));
    pending_.clear();
  }
}

bool InputQueue::empty() const {
  std::lock_guard lock(mutex_);
  return pending_.empty();
}

void InputQueue::set_wakeup(std::function<void()> wakeup) {
  auto shared = std::make_shared<const std::function<void()>>(std::move(wakeup));
  std::lock_guard lock(mutex_);
  wakeup_ = std::move(shared);
}

void InputQueue::forget(InputEndpoint& endpoint, NodeBase* node) {
  std::lock_guard lock(mutex_);
  if (endpoint.node == node) endpoint.node = nullptr;
  // A batch's last entry may go: the entry before it then ends the batch.
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (pending_[i].target == node && !pending_[i].joins_next && i > 0) {
      pending_[i - 1].joins_next = false;
    }
  }
  std::erase_if(pending_, [node](const InputEntry& e) { return e.target == node; });
}

}  // namespace mirari::detail
