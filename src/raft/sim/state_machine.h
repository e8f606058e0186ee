// The simulated state machine and its snapshot format (test tool).
//
// The state is the list of applied entries, from index 1; a snapshot is
// that list encoded as bytes, chunked through InstallSnapshot exactly as a
// real node would move a file. The encoding ends with a checksum, so a
// torn or misassembled snapshot is detected rather than silently installed.
//
//   "RSNP" u64 count, then per entry: u64 term, u64 index, u8 type,
//   u64 data_bytes, data; then u64 FNV-1a of everything before it.
//   Integers little-endian.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "raft/message.h"

namespace dispotify::raft::sim {

std::string encode_state(const std::vector<Entry>& applied);
// Errc::corrupt on a short, torn or otherwise damaged encoding.
Result<std::vector<Entry>> decode_state(std::string_view bytes);

}  // namespace dispotify::raft::sim
