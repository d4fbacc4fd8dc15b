#include "code_keeper.hpp"

#include <utility>

namespace mirari::host {

boost::asio::execution_context::id CodeKeeper::id;

CodeKeeper::CodeKeeper(boost::asio::execution_context& context)
    : boost::asio::execution_context::service(context) {}

void CodeKeeper::keep(std::shared_ptr<const void> anchor) {
  if (!anchor) return;
  std::lock_guard lock(mutex_);
  anchors_.push_back(std::move(anchor));
}

}  // namespace mirari::host
