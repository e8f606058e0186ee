// The checksummed frame around every record this folder writes: log
// batches, the log meta file and snapshot meta files
// (docs/formats/raft_log.md, "Frame").
//
//   0  u32  magic      kFrameMagic
//   4  u32  crc32c     of bytes [8, 16 + length): length, type, version,
//                      reserved and payload
//   8  u32  length     payload bytes, at most kFrameLengthMax
//   12 u8   type       FrameType
//   13 u8   version    kFrameVersion
//   14 u16  reserved   zero
//   16 ...  payload
//
// Decoding is bounds-checked and total: any input yields a FrameDecode,
// never a crash or a read past the end.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dispotify::raftlog {

inline constexpr uint32_t kFrameMagic = 0x474C5244;  // "DRLG" in file order
inline constexpr uint8_t kFrameVersion = 1;
inline constexpr size_t kFrameHeaderBytes = 16;
// One save() is one frame, so this bounds a Raft Ready; it also bounds how
// much a torn tail can be (docs/formats/raft_log.md, "Recovery").
inline constexpr uint32_t kFrameLengthMax = 64U << 20;

enum class FrameType : uint8_t {
  log_batch = 1,      // log segment record (log_records.h)
  log_meta = 2,       // the log's meta file
  snapshot_meta = 3,  // a snapshot's meta file
};

enum class FrameStatus {
  ok,
  truncated,      // the input ends inside the header or the payload
  bad_header,     // wrong magic, version or reserved bits, or length > max
  bad_checksum,   // header plausible, crc32c mismatch
  newer_version,  // intact, but of a version above kFrameVersion: a newer binary wrote it
};

struct FrameDecode {
  FrameStatus status = FrameStatus::truncated;
  uint8_t type = 0;
  std::string_view payload;  // valid when status == ok; points into the input
  size_t end_offset = 0;     // offset after the frame; valid unless bad_header or truncated
};

// Appends one frame holding `payload` to `out`.
void append_frame(std::string& out, FrameType type, std::string_view payload);

// Building a frame in place, without copying a large payload: begin_frame
// appends a header placeholder and returns the frame's start; the caller
// appends the payload; finish_frame fills in the header.
size_t begin_frame(std::string& out);
void finish_frame(std::string& out, size_t start, FrameType type);

// Decodes the frame starting at `offset` of `bytes`.
FrameDecode decode_frame(std::string_view bytes, size_t offset);

// True when an intact frame (status ok) starts at some offset in
// (from, bytes.size()). Used to tell a torn tail, after which nothing valid
// can follow, from a damaged record in the middle of a file.
bool intact_frame_after(std::string_view bytes, size_t from);

const char* frame_status_text(FrameStatus status);

}  // namespace dispotify::raftlog
