#include "mirari/detail/input_queue.hpp"

namespace mirari::detail {

bool InputQueue::push(InputEndpoint& endpoint, InputBox value) {
  std::shared_ptr<const std::function<void()>> wakeup;
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
  std::erase_if(pending_, [node](const InputEntry& e) { return e.target == node; });
}

}  // namespace mirari::detail
