// Which device each binding uses, with the hold that damps flapping.
//
// A binding stays on its device while that device is a candidate (device_candidates.hpp), and
// moves to a better candidate only once that one has been a candidate for hold_ms without a
// break: a link that flaps restarts its hold each time it comes back. When the binding's
// device stops being a candidate (it went, lost its carrier, shrank), the binding moves at
// once to the best candidate there is, held or not, or to none when there is none. Devices
// that are candidates when the policy starts count as held.
//
// Time is what clock.ms says: a hold that ends between two readings is seen at the next one.
// A reading earlier than the previous one restarts every hold from the new reading.
//
// A DeviceChooser is a pure function of its options; the plugin folds step() over the
// observations.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <mirari/ports/block.hpp>
#include <mirari/ports/net.hpp>

#include "binding_options.hpp"

namespace mirari::policies {

// What the choice depends on: the devices and the time.
struct DeviceObservation {
  ports::net::Links links;
  ports::block::Devices disks;
  Millis now = 0;
  friend bool operator==(const DeviceObservation&, const DeviceObservation&) = default;
};

struct BindingChoice {
  std::optional<std::string> device;              // the device in use; none while none fits
  std::map<std::string, Millis> candidate_since;  // each candidate, since it has been one
  friend bool operator==(const BindingChoice&, const BindingChoice&) = default;
};

struct ChoiceState {
  std::vector<BindingChoice> bindings;  // one per binding, in the configuration's order
  Millis now = 0;
  friend bool operator==(const ChoiceState&, const ChoiceState&) = default;
};

// The device of each binding, in the configuration's order.
using Chosen = std::vector<std::optional<std::string>>;

class DeviceChooser {
 public:
  explicit DeviceChooser(DevicePreferenceOptions options) : options_(std::move(options)) {}

  const DevicePreferenceOptions& options() const noexcept { return options_; }

  // The state of a policy that starts with no history: every candidate counts as held.
  ChoiceState initial(const DeviceObservation& o) const;
  // A previous instance's state (a reload) under these options, after observing o: each
  // binding keeps the device and holds it had under the same name; a binding new to the
  // configuration starts as at initial().
  ChoiceState resume(const ChoiceState& previous, const std::vector<std::string>& previous_names,
                     const DeviceObservation& o) const;
  // The state after observing o.
  ChoiceState step(ChoiceState s, const DeviceObservation& o) const;

 private:
  DevicePreferenceOptions options_;
};

Chosen chosen(const ChoiceState& s);

// The state as the plugin's snapshot: a JSON object naming each binding.
std::string to_snapshot(const ChoiceState& s, const DevicePreferenceOptions& options);
// The state a snapshot holds and the binding names it gives, in its order. Throws
// std::invalid_argument saying what is wrong when the text is not such a snapshot.
std::pair<ChoiceState, std::vector<std::string>> from_snapshot(const std::string& text);

}  // namespace mirari::policies
