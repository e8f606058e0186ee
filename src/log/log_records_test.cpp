// The frame and record codecs: round trips, and garbage that must give an
// error, never a crash or a read out of bounds (run under ASan too).
#include "log/log_records.h"

#include <gtest/gtest.h>

#include <random>

#include "log/frame.h"
#include "log/log_test_util.h"
#include "log/segment.h"

namespace dispotify::raftlog {
namespace {

TEST(Frame, RoundTripAndEveryTruncation) {
  std::string bytes;
  append_frame(bytes, FrameType::log_batch, "payload bytes");
  const FrameDecode d = decode_frame(bytes, 0);
  ASSERT_EQ(d.status, FrameStatus::ok);
  EXPECT_EQ(d.payload, "payload bytes");
  EXPECT_EQ(d.end_offset, bytes.size());
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    const FrameDecode t = decode_frame(std::string_view(bytes).substr(0, cut), 0);
    EXPECT_EQ(t.status, FrameStatus::truncated) << cut;
  }
  EXPECT_EQ(decode_frame(bytes, bytes.size() + 5).status, FrameStatus::truncated);
}

TEST(Frame, HeaderDamageIsBadHeaderAndPayloadDamageIsBadChecksum) {
  std::string bytes;
  append_frame(bytes, FrameType::log_meta, "abc");
  for (size_t at = 0; at < bytes.size(); ++at) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x02);
    const FrameDecode d = decode_frame(flipped, 0);
    EXPECT_NE(d.status, FrameStatus::ok) << at;
  }
  std::string huge = bytes;
  huge[11] = static_cast<char>(0x7F);  // length far above kFrameLengthMax
  EXPECT_EQ(decode_frame(huge, 0).status, FrameStatus::bad_header);
}

TEST(LogRecords, BatchRoundTrips) {
  const auto entries = testing::make_entries(5, 3, 2);
  for (const auto& hs :
       {std::optional<raft::HardState>(), std::optional(testing::make_hard_state(2, 1, 4))}) {
    std::string payload;
    encode_batch(payload, hs, entries);
    auto batch = decode_batch(payload);
    ASSERT_TRUE(batch.ok()) << batch.error().message;
    EXPECT_EQ(batch->hard_state, hs);
    EXPECT_EQ(batch->first_index, raft::LogIndex(5));
    EXPECT_EQ(batch->entries, entries);
  }
}

TEST(LogRecords, MetaRoundTrips) {
  MetaRecord meta{raft::LogIndex(9), raft::Term(3), testing::make_hard_state(4, 2, 9), 17};
  EXPECT_EQ(*decode_meta(encode_meta(meta)), meta);
  EXPECT_FALSE(decode_meta(encode_meta(meta) + "x").ok());
}

TEST(LogRecords, GarbageNeverCrashesTheDecoders) {
  std::mt19937_64 rng(3);
  std::string valid;
  encode_batch(valid, testing::make_hard_state(1, 1, 1), testing::make_entries(1, 4, 1));
  for (int round = 0; round < 20000; ++round) {
    std::string bytes;
    if (round % 2 == 0) {
      bytes.resize(rng() % 80);
      for (char& c : bytes) c = static_cast<char>(rng());
    } else {  // a valid payload with a few bytes changed or cut
      bytes = valid.substr(0, rng() % (valid.size() + 1));
      for (int i = 0; i < 3 && !bytes.empty(); ++i) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    (void)decode_batch(bytes);
    (void)decode_meta(bytes);
    (void)decode_frame(bytes, rng() % (bytes.size() + 2));
    (void)intact_frame_after(bytes, 0);
  }
}

TEST(Segment, NamesRoundTripAndRejectLookalikes) {
  const SegmentName name{42, raft::LogIndex(1234)};
  const std::string file = segment_file_name(name);
  EXPECT_EQ(file, "segment-00000000000000000042-00000000000000001234.log");
  auto parsed = parse_segment_file_name(file);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->sequence, 42u);
  EXPECT_EQ(parsed->first_index, raft::LogIndex(1234));
  EXPECT_FALSE(parse_segment_file_name("segment-42-1234.log").has_value());
  EXPECT_FALSE(parse_segment_file_name(file + ".tmp").has_value());
  EXPECT_FALSE(parse_segment_file_name("segment-99999999999999999999-00000000000000001234.log").has_value());
  EXPECT_FALSE(parse_segment_file_name("segment-00000000000000000000-00000000000000001234.log").has_value());
}

}  // namespace
}  // namespace dispotify::raftlog
