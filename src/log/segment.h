// A segment: one file of the Raft log, DIR/segment-<sequence>-<first index>.log
// (docs/formats/raft_log.md). Segments are numbered by a sequence that grows
// by one per new file; the log is the replay of all live segments' records
// in sequence order. The first index in the name is the index of the first
// entry of the file's first record (or the log's next index if that record
// has no entries); it is there for people and as a cross-check, since a
// truncation may later rewrite lower indexes in a later segment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "raft/types.h"

namespace dispotify::raftlog {

// Beyond this a segment file is not read into memory at open: the writer
// never makes one this large (options are checked against it).
inline constexpr uint64_t kSegmentFileBytesMax = 1ULL << 30;

struct SegmentName {
  uint64_t sequence = 0;
  raft::LogIndex first_index;
};

struct Segment {
  SegmentName name;
  std::string path;
  uint64_t size_bytes = 0;  // bytes of intact records; appends go here
  // The largest entry index any record in the file wrote (zero if none):
  // once the compaction point reaches it, nothing live remains in the file.
  raft::LogIndex max_index;
};

// Fixed-width decimal so that names sort like their numbers.
std::string segment_file_name(const SegmentName& name);
// nullopt unless `file_name` is exactly a segment file name.
std::optional<SegmentName> parse_segment_file_name(std::string_view file_name);

}  // namespace dispotify::raftlog
