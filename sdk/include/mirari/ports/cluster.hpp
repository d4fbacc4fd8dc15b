// Port catalogue: what the cluster plugin (plugins/cluster/) says about the hosts that share
// an etcd cluster.
//
//   port                    constant          kind    C++ type  stable type name
//   cluster.leader.{role}   kLeaderPattern    signal  Leader    cluster.leader
//   cluster.members.{role}  kMembersPattern   signal  Members   list<string>
//
// The leader of a role is the host, among those standing for it, whose candidacy etcd created
// first (the lowest create-revision under /mirari/<cluster>/election/<role>/); a candidacy
// lives as long as its host's lease. term is that create-revision: it grows with every new
// leader, so an effect taken by a leader can carry it, and a later term supersedes it. While
// no host stands, host is empty and term 0.
//
// The members of a role are the hosts standing for it, in the order of their candidacies (the
// leader first): a host is among them while its lease lives.
//
// Besides these, the cluster plugin publishes cluster.led.<port> for each port it is told a
// role's leader writes for the whole cluster (plugins/cluster/README.md), with that port's type.
//
// JSON form, for tools (mirarictl get, watch):
//   Leader   {"host": "a", "term": 42}
//   Members  ["a", "c", "b"]
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mirari/json_read.hpp"
#include "mirari/type_layout.hpp"

namespace mirari::ports::cluster {

inline constexpr const char* kLeaderPattern = "cluster.leader.{role}";
inline constexpr const char* kMembersPattern = "cluster.members.{role}";

using Members = std::vector<std::string>;

struct Leader {
  std::string host;
  std::int64_t term = 0;
  friend bool operator==(const Leader&, const Leader&) = default;
};

inline void to_json(nlohmann::json& j, const Leader& l) {
  j = {{"host", l.host}, {"term", l.term}};
}
inline void from_json(const nlohmann::json& j, Leader& l) {
  read_json(j.at("host"), l.host);
  read_json(j.at("term"), l.term);
}

}  // namespace mirari::ports::cluster

MIRARI_TYPE(mirari::ports::cluster::Leader, "cluster.leader", host, term)
