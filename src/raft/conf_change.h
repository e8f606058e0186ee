// Membership changes one server at a time (thesis §4.1) and learners, the
// non-voting members that catch up before they vote (thesis §4.2.1).
//
// A config entry (EntryType::config) carries the change and the whole
// configuration it results in. The whole configuration, not just the
// change, because servers start from different initial configurations: a
// server that joins an existing cluster starts with none and learns the
// membership from the first config entry it receives (thesis §4.1: "a
// server always uses the latest configuration in its log").
//
// Entry data format (little-endian, fixed size per member; version 1):
//   u8 version | u8 type | u64 node |
//   u32 voter_count | u64 voter * voter_count |
//   u32 learner_count | u64 learner * learner_count
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "raft/state.h"
#include "raft/types.h"

namespace dispotify::raft {

// Bounds a configuration, and so the size of a config entry we decode.
inline constexpr size_t kConfMembersMax = 256;

struct ConfChange {
  enum class Type : uint8_t {
    add_learner,  // a new server receives the log without voting (thesis §4.2.1)
    promote,      // a caught-up learner becomes a voter
    remove,       // a voter or learner leaves (thesis §4.2.2 when it is the leader)
  };
  Type type = Type::add_learner;
  NodeId node;
  // When the proposer asked (Unix ms, from its clock), carried in the entry
  // for the audit log (catalog "member.promoted"); the core never reads
  // it. 0 in entries of format version 1.
  int64_t at_ms = 0;
  friend bool operator==(const ConfChange&, const ConfChange&) = default;
};

const char* conf_change_type_name(ConfChange::Type type);

// What a config entry holds: the change and the configuration after it.
struct ConfChangeEntry {
  ConfChange change;
  ConfState conf;
  friend bool operator==(const ConfChangeEntry&, const ConfChangeEntry&) = default;
};

bool is_voter_in(const ConfState& conf, NodeId node);
bool is_learner_in(const ConfState& conf, NodeId node);

// Ids nonzero, each list sorted without duplicates, the lists disjoint, at
// most kConfMembersMax members. Errc::invalid_argument otherwise.
Status validate_conf_state(const ConfState& conf);

// The configuration after `change`, or Errc::invalid_argument when it does
// not apply: adding a member, promoting a non-learner, removing a
// non-member, or removing the last voter (nobody could commit anything).
Result<ConfState> apply_conf_change(const ConfState& conf, const ConfChange& change);

std::string encode_conf_change_entry(const ConfChangeEntry& entry);
// Validates everything (size, version, type, ids, order, and that `conf`
// is what the change leads to for its node); Errc::corrupt on garbage.
Result<ConfChangeEntry> decode_conf_change_entry(std::string_view data);

}  // namespace dispotify::raft
