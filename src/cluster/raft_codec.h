// The wire form of Raft messages between nodes: a versioned binary batch
// (docs/formats/raft_messages.md). The core (raft/) never encodes; the peer
// transport encodes what a Ready says to send and the peer HTTP handler
// decodes what arrives.
//
// Decoding is the edge where bytes from the network become values the Raft
// core will step, so it trusts nothing: every read is bounds-checked, every
// count is capped by a named limit and by the bytes actually present before
// anything is allocated, and a message that could trip an invariant check
// in the core (an AppendEntries whose entries are not contiguous, a
// snapshot configuration that is not sorted) is refused here as
// Errc::invalid_argument instead of aborting the node later.
//
// Thread-safety: pure functions, no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "raft/message.h"

namespace dispotify::cluster {

inline constexpr uint16_t kRaftCodecVersion = 1;
// Magic (4) + version (2) + flags (2) + message count (4).
inline constexpr size_t kRaftBatchHeaderBytes = 12;

// Limits on what decode_batch accepts. Senders stay well inside them (the
// core sends at most raft::kAppendEntriesBatchMax entries per append, the
// transport posts at most PeerTransportOptions::batch_bytes_max per batch,
// except for a single larger message which is posted alone).
inline constexpr size_t kRaftBatchBytesMax = 64ULL << 20;
inline constexpr size_t kRaftBatchMessagesMax = 16'384;
inline constexpr size_t kRaftEntriesPerMessageMax = 4'096;
inline constexpr size_t kRaftConfNodesMax = 1'024;  // voters, and learners, of a snapshot

// The bytes of one batch holding `messages` in order. Every message must fit
// the limits above except kRaftBatchBytesMax (which the receiver enforces);
// more than kRaftBatchMessagesMax messages, more than
// kRaftEntriesPerMessageMax entries or a string of 4 GiB or more is a bug in
// the caller and aborts.
std::string encode_batch(std::span<const raft::Message> messages);

// What one message adds to an encoded batch (its frame included), so the
// transport can cut batches by size without encoding twice.
size_t encoded_message_bytes(const raft::Message& message);

// The messages of a batch, or Errc::invalid_argument naming the first
// problem and where it is ("message 3 (AppendEntries): entry 2: data:
// truncated ..."). Never reads outside `bytes` and never allocates more
// than a small multiple of bytes.size().
[[nodiscard]] Result<std::vector<raft::Message>> decode_batch(std::string_view bytes);

}  // namespace dispotify::cluster
