// The payloads of the Raft log's frames (docs/formats/raft_log.md):
//
// - a batch record, one per LogStore::save(): an optional hard state, then
//   entries starting at first_index. When first_index <= the log's last
//   index the stored suffix from first_index is discarded first, so the
//   truncation and the append land in one checksummed write.
// - the meta record, the whole content of DIR/meta: the compaction point,
//   the hard state as of the last compaction or reset, and the first live
//   segment.
//
// Decoders are bounds-checked: any bytes give a value or Errc::corrupt with
// the reason (callers add the file and offset).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "raft/message.h"
#include "raft/state.h"

namespace dispotify::raftlog {

struct BatchRecord {
  std::optional<raft::HardState> hard_state;
  raft::LogIndex first_index;  // index of entries[0]; zero when entries is empty
  std::vector<raft::Entry> entries;
};

struct MetaRecord {
  raft::LogIndex compacted_index;
  raft::Term compacted_term;
  raft::HardState hard_state;
  // Segments with a smaller sequence number are dead: a compaction or reset
  // made them so, and open() deletes them if a crash left them behind.
  uint64_t first_live_sequence = 1;
  friend bool operator==(const MetaRecord&, const MetaRecord&) = default;
};

// Appends the payload of a batch record to `out`. Entry indexes are not
// stored: entries[i] has index first_index + i, which the caller has
// checked.
void encode_batch(std::string& out, const std::optional<raft::HardState>& hard_state,
                  std::span<const raft::Entry> entries);
[[nodiscard]] Result<BatchRecord> decode_batch(std::string_view payload);

std::string encode_meta(const MetaRecord& meta);
[[nodiscard]] Result<MetaRecord> decode_meta(std::string_view payload);

}  // namespace dispotify::raftlog
