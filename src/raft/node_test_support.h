// Helpers for the RaftNode unit tests that drive one node message by
// message (read_index_test, transfer_test, membership_test). Test code only.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "raft/raft_node.h"

namespace dispotify::raft::testing_support {

inline const NodeId n1(1), n2(2), n3(3), n4(4);

inline Config config_of(NodeId id, std::vector<NodeId> voters = {n1, n2, n3}) {
  Config config;
  config.id = id;
  config.initial_conf.voters = std::move(voters);
  config.election_timeout_ticks = 10;
  config.heartbeat_interval_ticks = 1;
  config.pre_vote = false;
  config.check_quorum = false;
  config.random_seed = 42 + id.value();
  return config;
}

// What one round of the Ready cycle produced.
struct Drained {
  std::vector<Message> messages;
  std::vector<ReadState> read_states;
  std::vector<Entry> committed;
};

// Runs the Ready cycle as a caller would.
inline Drained drain(RaftNode& node) {
  Drained out;
  while (node.has_ready()) {
    Ready ready = node.ready();
    out.messages.insert(out.messages.end(), ready.messages.begin(), ready.messages.end());
    out.read_states.insert(out.read_states.end(), ready.read_states.begin(), ready.read_states.end());
    out.committed.insert(out.committed.end(), ready.committed_entries.begin(), ready.committed_entries.end());
    node.advance(ready);
  }
  return out;
}

template <class Payload>
std::vector<Message> of_type(const std::vector<Message>& messages) {
  std::vector<Message> out;
  for (const Message& m : messages) {
    if (std::holds_alternative<Payload>(m.payload)) out.push_back(m);
  }
  return out;
}

inline void tick_until_role(RaftNode& node, Role role) {
  for (int i = 0; i < 100 && node.role() != role; ++i) node.tick();
  ASSERT_EQ(node.role(), role);
}

// Makes `node` leader of its next term with `voter`'s vote.
inline void elect(RaftNode& node, NodeId voter = n2) {
  tick_until_role(node, Role::candidate);
  node.step(Message{voter, node.id(), node.current_term(), RequestVoteResponse{true, false}});
  ASSERT_EQ(node.role(), Role::leader);
}

inline Message append_response(NodeId from, NodeId to, Term term, LogIndex match, uint64_t read_context = 0) {
  return Message{from, to, term,
                 AppendEntriesResponse{.success = true, .match_index = match, .read_context = read_context}};
}

}  // namespace dispotify::raft::testing_support
