// The errors the graph reports. All derive from GraphError, itself a std::runtime_error,
// and their what() is a complete sentence fit for a log line.
#pragma once

#include <stdexcept>
#include <string>

namespace mirari {

class GraphError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A dependency cycle was about to be built (through a port or a bind). Nothing was changed.
class CycleError : public GraphError {
 public:
  using GraphError::GraphError;
};

// A port was used with the wrong type or kind, with a type of its name but another layout
// (type_layout.hpp), or published twice.
class PortError : public GraphError {
 public:
  using GraphError::GraphError;
};

// A node's computation threw. The step it ran in was rolled back.
class NodeError : public GraphError {
 public:
  NodeError(std::string node, std::string owner, std::string message)
      : GraphError("node '" + node + "' of '" + owner + "' failed: " + message),
        node_(std::move(node)),
        owner_(std::move(owner)),
        message_(std::move(message)) {}
  const std::string& node() const noexcept { return node_; }
  const std::string& owner() const noexcept { return owner_; }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string node_, owner_, message_;
};

}  // namespace mirari
