// Forwarded writes in batches (POST /peer/v1/propose-batch): a follower
// sends the catalog entries its clients wrote meanwhile in one request, and
// the leader proposes them together, so they share one Ready (one fsync,
// one AppendEntries per follower, one SQLite transaction) and one peer
// request instead of one each. docs/formats/raft_entries.md describes the
// bodies:
//   request: u32 count, then per entry u32 length + the entry's bytes
//            (cluster/catalog_entry.h)
//   answer:  u32 count (the request's), then per entry u32 length + its
//            answer: propose_answer.h for a committed entry, or
//            "0\n<errc name>\n<message>" for one that was not committed
// (all integers little-endian).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cluster/raft_runner.h"

namespace dispotify::cluster {

inline constexpr std::string_view kProposeBatchPath = "/peer/v1/propose-batch";
// Entries and bytes of one batch: a batch is proposed in one runner task and
// answered in one response, and a follower's queue is cut into batches of
// at most this much.
inline constexpr size_t kProposeBatchEntriesMax = 256;
inline constexpr size_t kProposeBatchBytesMax = 8 << 20;

std::string encode_propose_batch(const std::vector<std::string_view>& entries);
[[nodiscard]] Result<std::vector<std::string>> decode_propose_batch(std::string_view body);

std::string encode_batch_answers(const std::vector<Result<Committed>>& answers);
// Errc::internal when the body is malformed or does not answer `expected` entries.
[[nodiscard]] Result<std::vector<Result<Committed>>> decode_batch_answers(std::string_view body,
                                                                          size_t expected);

}  // namespace dispotify::cluster
