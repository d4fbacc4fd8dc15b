#include "backend_core.hpp"

namespace mirari::instances {

CoreBackend::CoreBackend(std::shared_ptr<BackendState> state) : state_(std::move(state)) {
  std::lock_guard lock(state_->mutex);
  try {
    state_->start();
  } catch (...) {
    state_->stop();
    throw;
  }
}

CoreBackend::~CoreBackend() {
  std::lock_guard lock(state_->mutex);
  state_->stop();
  state_->leave();
}

Observed CoreBackend::observed() const {
  std::lock_guard lock(state_->mutex);
  return state_->report();
}

InstanceSpecs CoreBackend::recorded_extras() const {
  std::lock_guard lock(state_->mutex);
  return instances::recorded_extras(state_->recorded());
}

std::int64_t CoreBackend::recorded_members() const {
  std::lock_guard lock(state_->mutex);
  return instances::recorded_members(state_->recorded());
}

void CoreBackend::follow(Outputs outputs) {
  std::lock_guard lock(state_->mutex);
  state_->follow(std::move(outputs));
}

void CoreBackend::apply(Plan plan) {
  std::lock_guard lock(state_->mutex);
  state_->post_plan(std::move(plan));
}

void CoreBackend::deliver(InstanceConfigs configs) {
  std::lock_guard lock(state_->mutex);
  state_->post_configs(std::move(configs));
}

void CoreBackend::stop() {
  state_->stop();
}

}  // namespace mirari::instances
