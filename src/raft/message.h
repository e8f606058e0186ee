// Log entries and the messages Raft nodes exchange (Raft paper Figure 2,
// thesis §3.4–3.6 and §9.6 for PreVote). Plain values: the core neither
// encodes nor sends them; the transport does (docs/formats/raft_messages.md).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "raft/types.h"

namespace dispotify::raft {

enum class EntryType : uint8_t {
  normal,  // a client command, opaque to Raft
  config,  // a membership change (reserved: membership is static for now)
  noop,    // appended by a new leader to commit earlier terms (§5.4.2, thesis §6.4)
};

struct Entry {
  Term term;
  LogIndex index;
  EntryType type = EntryType::normal;
  std::string data;  // opaque bytes

  friend bool operator==(const Entry&, const Entry&) = default;
};

// RequestVote RPC (§5.2). With pre_vote the sender asks whether it *could*
// win an election at `term` (thesis §9.6) without anyone changing term.
struct RequestVote {
  LogIndex last_log_index;
  Term last_log_term;
  bool pre_vote = false;
};

struct RequestVoteResponse {
  bool granted = false;
  bool pre_vote = false;
};

// AppendEntries RPC (§5.3); with no entries it is a heartbeat (§5.2).
struct AppendEntries {
  LogIndex prev_log_index;
  Term prev_log_term;
  std::vector<Entry> entries;
  LogIndex leader_commit;
};

// On success, match_index is the last index the follower now holds in
// agreement with the leader (prev_log_index + entries). On rejection,
// rejected_index is the prev_log_index that did not match and the conflict
// hint lets the leader skip a whole term per round trip (end of §5.3):
// conflict_term is the follower's term at rejected_index (kNoTerm if its log
// is shorter) and conflict_index the first index of that term (or its last
// index + 1).
struct AppendEntriesResponse {
  bool success = false;
  LogIndex match_index;
  LogIndex rejected_index;
  Term conflict_term;
  LogIndex conflict_index;
};

using Payload = std::variant<RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse>;

struct Message {
  NodeId from;
  NodeId to;
  // The sender's current term, except for PreVote requests and granted
  // PreVote responses, which carry the term the election would run at.
  Term term;
  Payload payload;
};

// A short human-readable name of the payload type, for logs and tests.
const char* payload_name(const Payload& payload);

}  // namespace dispotify::raft
