// Log entries and the messages Raft nodes exchange (Raft paper Figure 2,
// thesis §3.4–3.6 and §9.6 for PreVote). Plain values: the core neither
// encodes nor sends them; the transport does (docs/formats/raft_messages.md).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "raft/state.h"
#include "raft/types.h"

namespace dispotify::raft {

enum class EntryType : uint8_t {
  normal,  // a client command, opaque to Raft
  config,  // a membership change: data is an encoded ConfChange (raft/conf_change.h)
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
// With transfer the candidate was told to campaign by the leader
// (TimeoutNow, thesis §3.10), so voters ignore their leader lease (§4.2.3).
struct RequestVote {
  LogIndex last_log_index;
  Term last_log_term;
  bool pre_vote = false;
  bool transfer = false;
};

struct RequestVoteResponse {
  bool granted = false;
  bool pre_vote = false;
};

// AppendEntries RPC (§5.3); with no entries it is a heartbeat (§5.2).
// read_context is nonzero on heartbeats that confirm leadership for a
// ReadIndex round (thesis §6.4); the follower echoes it back.
struct AppendEntries {
  LogIndex prev_log_index;
  Term prev_log_term;
  std::vector<Entry> entries;
  LogIndex leader_commit;
  uint64_t read_context = 0;
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
  uint64_t read_context = 0;
};

// InstallSnapshot (§7, thesis §5.3), one chunk at a time. The core decides
// which chunk to send (offset); the shell fills `data` with up to
// chunk_bytes_max bytes of its snapshot file at that offset and sets `done`
// on the last chunk. On the follower the chunk's bytes pass through Ready to
// the shell, which writes them; the snapshot is installed after `done`.
struct InstallSnapshot {
  SnapshotMeta meta;
  uint64_t offset = 0;
  std::string data;
  bool done = false;
};

// next_offset is where the follower expects the next chunk (it resumes an
// interrupted transfer, or restarts from 0 when the snapshot changed);
// installed means the whole snapshot is now the follower's state.
struct InstallSnapshotResponse {
  LogIndex snapshot_index;
  uint64_t next_offset = 0;
  bool installed = false;
  bool rejected = false;
};

// Leadership transfer (thesis §3.10): the leader tells a caught-up target
// to start an election at once.
struct TimeoutNow {};

// A follower asks the leader for a read index on behalf of its clients
// (thesis §6.4); `context` identifies the batch of reads it covers.
struct ReadIndexRequest {
  uint64_t context = 0;
};

// The leader's commit index at the time of the request, once it has
// confirmed it was still leader; ok is false when it could not serve it.
struct ReadIndexResponse {
  uint64_t context = 0;
  LogIndex index;
  bool ok = false;
};

using Payload =
    std::variant<RequestVote, RequestVoteResponse, AppendEntries, AppendEntriesResponse, InstallSnapshot,
                 InstallSnapshotResponse, TimeoutNow, ReadIndexRequest, ReadIndexResponse>;

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
