// Internal: the queue through which values written from any thread reach the graph.
//
// Invariants:
// - Writes are taken by the graph in the order they were made (one total order, consistent
//   with every writer's program order), and none is lost while its source node is alive.
// - An endpoint whose node is gone refuses writes, and no queued write names a dead node:
//   both are settled under the queue's lock when the node is destroyed.
// - The writes of one batch sit next to each other in the queue, each source at most once
//   (repeated writes were combined on the writer's thread), every entry but the batch's last
//   flagged joins_next; they are pushed under one lock, so no tick can take part of them.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace mirari::detail {

class NodeBase;

// A value of any type, owned, moved into the queue by a writer and read by the graph.
class InputBox {
 public:
  template <class T>
  static InputBox of(T value) {
    InputBox box;
    if constexpr (fits_inline<T>) {
      ::new (static_cast<void*>(box.storage_)) T(std::move(value));
      box.ops_ = &inline_ops<T>;
    } else {
      *reinterpret_cast<T**>(box.storage_) = new T(std::move(value));
      box.ops_ = &heap_ops<T>;
    }
    return box;
  }

  InputBox(InputBox&& other) noexcept : ops_(other.ops_) {
    if (ops_ != nullptr) ops_->move(storage_, other.storage_);
    other.ops_ = nullptr;
  }
  InputBox& operator=(InputBox&& other) noexcept {
    if (this != &other) {
      reset();
      ops_ = other.ops_;
      if (ops_ != nullptr) ops_->move(storage_, other.storage_);
      other.ops_ = nullptr;
    }
    return *this;
  }
  ~InputBox() { reset(); }

  // Destroys the value now; the box is empty after.
  void reset() noexcept {
    if (ops_ != nullptr) ops_->destroy(storage_);
    ops_ = nullptr;
  }

  template <class T>
  const T& get() const noexcept {
    if constexpr (fits_inline<T>) {
      return *std::launder(reinterpret_cast<const T*>(storage_));
    } else {
      return **reinterpret_cast<T* const*>(storage_);
    }
  }
  template <class T>
  T& get() noexcept {
    return const_cast<T&>(std::as_const(*this).template get<T>());
  }

 private:
  static constexpr std::size_t kInline = 24;
  template <class T>
  static constexpr bool fits_inline =
      sizeof(T) <= kInline &&
      alignof(T) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<T>;
  struct Ops {
    void (*move)(unsigned char* dst, unsigned char* src) noexcept;
    void (*destroy)(unsigned char* p) noexcept;
  };
  template <class T>
  static constexpr Ops inline_ops{
      [](unsigned char* dst, unsigned char* src) noexcept {
        T* from = std::launder(reinterpret_cast<T*>(src));
        ::new (static_cast<void*>(dst)) T(std::move(*from));
        from->~T();
      },
      [](unsigned char* p) noexcept { std::launder(reinterpret_cast<T*>(p))->~T(); }};
  template <class T>
  static constexpr Ops heap_ops{
      [](unsigned char* dst, unsigned char* src) noexcept {
        *reinterpret_cast<T**>(dst) = *reinterpret_cast<T**>(src);
      },
      [](unsigned char* p) noexcept { delete *reinterpret_cast<T**>(p); }};

  InputBox() = default;

  alignas(std::max_align_t) unsigned char storage_[kInline];
  const Ops* ops_ = nullptr;
};

struct InputEntry {
  NodeBase* target;
  InputBox value;
  bool joins_next = false;  // the next entry belongs to the same batch
};

class InputQueue;

// Folds a later write into an earlier one of the same source within a batch. Null: the
// later write replaces the earlier one.
using InputCombiner = std::function<void(InputBox& earlier, InputBox&& later)>;

// What a Source handle holds: the way to its node that stays safe after the node is gone.
// Always owned by a shared_ptr (a batch keeps the endpoints it holds writes for alive).
struct InputEndpoint : std::enable_shared_from_this<InputEndpoint> {
  InputEndpoint(std::shared_ptr<InputQueue> q, InputCombiner c = nullptr)
      : queue(std::move(q)), combine(std::move(c)) {}
  std::shared_ptr<InputQueue> queue;
  NodeBase* node = nullptr;  // guarded by the queue's lock; null once the node is destroyed
  const InputCombiner combine;
};

class InputQueue {
 public:
  // Queues a write; inside a batch on this thread, adds it to the batch instead. Any thread.
  // False (and nothing queued) when the endpoint's node is gone.
  bool push(InputEndpoint& endpoint, InputBox value);
  // Runs writes with every write it makes to this queue's sources held back, then queues
  // them together (see the invariant above). A nested call joins the outer batch. If writes
  // throws, nothing it wrote is queued and the exception propagates. Any thread.
  void batch(const std::function<void()>& writes);
  // Moves every queued write into out (appending). Graph thread.
  void take_all(std::vector<InputEntry>& out);
  bool empty() const;
  // Called, from the writer's thread, when a write lands in an empty queue.
  void set_wakeup(std::function<void()> wakeup);
  // Detaches the endpoint and drops every queued write to node. Graph thread.
  void forget(InputEndpoint& endpoint, NodeBase* node);

 private:
  struct Batch;
  void push_batch(Batch& batch);
  static thread_local Batch* current_batch_;  // innermost batch running on this thread

  mutable std::mutex mutex_;
  std::vector<InputEntry> pending_;
  std::shared_ptr<const std::function<void()>> wakeup_;
};

}  // namespace mirari::detail
