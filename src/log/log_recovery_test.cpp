// Torn tails, damaged records and garbage files: what open() must cut off
// and what it must refuse (docs/formats/raft_log.md, "Recovery").
#include "log/log_recovery.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/test_dir.h"
#include "log/crc32c.h"
#include "log/frame.h"
#include "log/log_store.h"
#include "log/log_test_util.h"

namespace dispotify::raftlog {
namespace {

using testing::LogModel;
using testing::make_entries;
using testing::make_hard_state;
using testing::open_or_die;
using testing::read_bytes;
using testing::segment_paths;
using testing::write_bytes;

// A log of several records in one segment; `before_last` is what must be
// recovered when the last record is lost.
struct Fixture {
  TestDir tmp;
  std::string dir = tmp.file("log");
  std::string scratch = tmp.file("scratch");
  LogModel before_last;
  LogModel full;
  uint64_t last_record_offset = 0;
  uint64_t file_bytes = 0;

  Fixture() {
    auto store = open_or_die(dir);
    for (uint64_t i = 1; i <= 4; ++i) {
      const auto entries = make_entries(2 * i - 1, 2, 1);
      EXPECT_TRUE(store->save(make_hard_state(1, 1, 2 * i - 2), entries).ok());
      full.save(make_hard_state(1, 1, 2 * i - 2), entries);
    }
    before_last = full;
    last_record_offset = std::filesystem::file_size(segment());
    const auto entries = make_entries(9, 3, 2);
    EXPECT_TRUE(store->save(make_hard_state(2, 0, 8), entries).ok());
    full.save(make_hard_state(2, 0, 8), entries);
    file_bytes = std::filesystem::file_size(segment());
  }
  std::string segment() const { return segment_paths(dir).at(0); }
  std::string scratch_segment() const { return segment_paths(scratch).at(0); }
};

void expect_corrupt_at(const std::string& dir, const std::string& file, uint64_t offset) {
  auto store = LogStore::open(dir);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::corrupt);
  EXPECT_NE(store.error().message.find(file), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("offset " + std::to_string(offset) + ":"), std::string::npos)
      << store.error().message;
}

TEST(LogRecovery, TornTailAtEveryByteOfTheLastRecordIsCutOff) {
  Fixture f;
  const std::string original = read_bytes(f.segment());
  for (uint64_t cut = f.last_record_offset; cut < f.file_bytes; ++cut) {
    SCOPED_TRACE(cut);
    testing::copy_dir(f.dir, f.scratch);
    write_bytes(f.scratch_segment(), original.substr(0, cut));
    {
      auto store = open_or_die(f.scratch);
      ASSERT_NE(store, nullptr);
      EXPECT_EQ(store->recovered(), f.before_last.log);
      EXPECT_EQ(std::filesystem::file_size(f.scratch_segment()), f.last_record_offset);
      // The log goes on from there, and a later open sees no damage.
      ASSERT_TRUE(store->save(std::nullopt, make_entries(9, 1, 3)).ok());
    }
    LogModel after = f.before_last;
    after.save(std::nullopt, make_entries(9, 1, 3));
    EXPECT_EQ(open_or_die(f.scratch)->recovered(), after.log);
  }
}

// A file system may extend a file and expose zeros where the data of an
// interrupted write never arrived.
TEST(LogRecovery, LastRecordZeroedFromEveryByteIsCutOff) {
  Fixture f;
  const std::string original = read_bytes(f.segment());
  for (uint64_t from = f.last_record_offset; from < f.file_bytes; ++from) {
    SCOPED_TRACE(from);
    testing::copy_dir(f.dir, f.scratch);
    std::string bytes = original;
    std::fill(bytes.begin() + static_cast<ptrdiff_t>(from), bytes.end(), '\0');
    bytes.append(4096, '\0');  // and a zeroed block beyond
    write_bytes(f.scratch_segment(), bytes);
    auto store = open_or_die(f.scratch);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->recovered(), f.before_last.log);
  }
}

// A flipped bit in the last record cannot be told from a torn write: it is
// cut off like one (and logged).
TEST(LogRecovery, FlippedBitInTheLastRecordIsCutOff) {
  Fixture f;
  const std::string original = read_bytes(f.segment());
  for (uint64_t at = f.last_record_offset; at < f.file_bytes; ++at) {
    SCOPED_TRACE(at);
    testing::copy_dir(f.dir, f.scratch);
    std::string bytes = original;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x10);
    write_bytes(f.scratch_segment(), bytes);
    auto store = open_or_die(f.scratch);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->recovered(), f.before_last.log);
  }
}

// Damage before the last record is never a torn write: an intact record
// follows it. Every byte of a middle record is tried.
TEST(LogRecovery, FlippedBitInAMiddleRecordIsCorruptionNamingFileAndOffset) {
  Fixture f;
  const std::string original = read_bytes(f.segment());
  const FrameDecode first = decode_frame(original, 0);
  ASSERT_EQ(first.status, FrameStatus::ok);
  const FrameDecode second = decode_frame(original, first.end_offset);
  ASSERT_EQ(second.status, FrameStatus::ok);
  const std::string name = std::filesystem::path(f.segment()).filename().string();
  for (uint64_t at = first.end_offset; at < second.end_offset; ++at) {
    SCOPED_TRACE(at);
    testing::copy_dir(f.dir, f.scratch);
    std::string bytes = original;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
    write_bytes(f.scratch_segment(), bytes);
    expect_corrupt_at(f.scratch, name, first.end_offset);
    EXPECT_EQ(read_bytes(f.scratch_segment()), bytes);  // nothing was cut
  }
}

TEST(LogRecovery, FlippedBitInAnEarlierSegmentIsCorruption) {
  TestDir tmp;
  const LogStoreOptions options{.segment_bytes_max = 200};
  {
    auto store = open_or_die(tmp.path(), options);
    for (uint64_t i = 1; i <= 20; ++i) ASSERT_TRUE(store->save(std::nullopt, make_entries(i, 1, 1)).ok());
  }
  const auto paths = segment_paths(tmp.path());
  ASSERT_GE(paths.size(), 3u);
  std::string bytes = read_bytes(paths[0]);
  // The earlier segment's last record: no intact record follows it in its
  // own file, yet it is damage, since only the last segment can be torn.
  bytes[bytes.size() - 3] = static_cast<char>(bytes[bytes.size() - 3] ^ 0x40);
  write_bytes(paths[0], bytes);
  auto store = LogStore::open(tmp.path(), options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::corrupt);
  EXPECT_NE(store.error().message.find(paths[0]), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("checksum"), std::string::npos) << store.error().message;
}

TEST(LogRecovery, TruncatedEarlierSegmentIsCorruption) {
  TestDir tmp;
  const LogStoreOptions options{.segment_bytes_max = 200};
  {
    auto store = open_or_die(tmp.path(), options);
    for (uint64_t i = 1; i <= 20; ++i) ASSERT_TRUE(store->save(std::nullopt, make_entries(i, 1, 1)).ok());
  }
  const auto paths = segment_paths(tmp.path());
  const std::string bytes = read_bytes(paths[1]);
  write_bytes(paths[1], bytes.substr(0, bytes.size() - 5));
  auto store = LogStore::open(tmp.path(), options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::corrupt);
  EXPECT_NE(store.error().message.find(paths[1]), std::string::npos) << store.error().message;
}

TEST(LogRecovery, MissingSegmentIsCorruption) {
  TestDir tmp;
  const LogStoreOptions options{.segment_bytes_max = 200};
  {
    auto store = open_or_die(tmp.path(), options);
    for (uint64_t i = 1; i <= 20; ++i) ASSERT_TRUE(store->save(std::nullopt, make_entries(i, 1, 1)).ok());
  }
  const auto paths = segment_paths(tmp.path());
  std::filesystem::remove(paths[1]);
  auto store = LogStore::open(tmp.path(), options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::corrupt);
  EXPECT_NE(store.error().message.find("missing"), std::string::npos) << store.error().message;
  // The first segment alone would look like a shorter, valid log.
  std::filesystem::remove(paths.back());
  EXPECT_FALSE(LogStore::open(tmp.path(), options).ok());
}

TEST(LogRecovery, EmptyLastSegmentFromAnInterruptedRotationIsRemoved) {
  Fixture f;
  const std::string empty = f.dir + "/segment-00000000000000000002-00000000000000000012.log";
  write_bytes(empty, "");
  auto store = open_or_die(f.dir);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->recovered(), f.full.log);
  EXPECT_FALSE(std::filesystem::exists(empty));
  ASSERT_TRUE(store->save(std::nullopt, make_entries(12, 1, 2)).ok());
  store.reset();
  EXPECT_EQ(open_or_die(f.dir)->last_index(), raft::LogIndex(12));
}

TEST(LogRecovery, GarbageFiles) {
  Fixture f;
  // Unknown names are left alone.
  write_bytes(f.dir + "/notes.txt", "hello");
  EXPECT_EQ(open_or_die(f.dir)->recovered(), f.full.log);

  // A garbage meta file.
  testing::copy_dir(f.dir, f.scratch);
  write_bytes(f.scratch + "/meta", "this is not a meta record at all");
  auto bad_meta = LogStore::open(f.scratch);
  ASSERT_FALSE(bad_meta.ok());
  EXPECT_EQ(bad_meta.error().code, Errc::corrupt);
  EXPECT_NE(bad_meta.error().message.find(f.scratch + "/meta"), std::string::npos)
      << bad_meta.error().message;

  // No meta file beside segments.
  testing::copy_dir(f.dir, f.scratch);
  std::filesystem::remove(f.scratch + "/meta");
  EXPECT_EQ(LogStore::open(f.scratch).error().code, Errc::corrupt);

  // Garbage under a segment name before the last segment.
  testing::copy_dir(f.dir, f.scratch);
  const std::string seg1 = f.scratch_segment();
  std::filesystem::rename(seg1, f.scratch + "/segment-00000000000000000002-00000000000000000001.log");
  write_bytes(seg1, std::string(1000, 'x'));
  auto garbage = LogStore::open(f.scratch);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, Errc::corrupt);
  EXPECT_NE(garbage.error().message.find(seg1 + " at offset 0"), std::string::npos)
      << garbage.error().message;

  // Garbage inserted between intact records of the last segment.
  testing::copy_dir(f.dir, f.scratch);
  std::string bytes = read_bytes(f.scratch_segment());
  bytes.insert(f.last_record_offset, "garbage!");
  write_bytes(f.scratch_segment(), bytes);
  expect_corrupt_at(f.scratch, "segment-", f.last_record_offset);

  // A valid record of the wrong kind inside a segment.
  testing::copy_dir(f.dir, f.scratch);
  bytes = read_bytes(f.scratch_segment());
  std::string meta_frame;
  append_frame(meta_frame, FrameType::log_meta, encode_meta(MetaRecord{}));
  bytes.insert(f.last_record_offset, meta_frame);
  write_bytes(f.scratch_segment(), bytes);
  expect_corrupt_at(f.scratch, "segment-", f.last_record_offset);
}

// Records whose checksum is right but whose content breaks the log's rules
// are written by a bug, not a crash: refused, never repaired.
TEST(LogRecovery, IntactRecordsThatBreakTheRulesAreCorruption) {
  Fixture f;
  auto append_batch = [&](const std::optional<raft::HardState>& hs, const std::vector<raft::Entry>& entries) {
    testing::copy_dir(f.dir, f.scratch);
    std::string bytes = read_bytes(f.scratch_segment());
    const size_t start = begin_frame(bytes);
    encode_batch(bytes, hs, entries);
    finish_frame(bytes, start, FrameType::log_batch);
    write_bytes(f.scratch_segment(), bytes);
  };
  append_batch(std::nullopt, make_entries(13, 1, 2));  // a gap after 11
  expect_corrupt_at(f.scratch, "segment-", f.file_bytes);
  append_batch(std::nullopt, make_entries(8, 1, 2));  // truncates committed 8
  expect_corrupt_at(f.scratch, "segment-", f.file_bytes);
  append_batch(std::nullopt, make_entries(12, 1, 1));  // term goes back
  expect_corrupt_at(f.scratch, "segment-", f.file_bytes);
  append_batch(make_hard_state(1, 1, 8), {});  // hard state term goes back
  expect_corrupt_at(f.scratch, "segment-", f.file_bytes);
  append_batch(make_hard_state(2, 0, 20), {});  // commit past the end
  EXPECT_EQ(LogStore::open(f.scratch).error().code, Errc::corrupt);
}

}  // namespace
}  // namespace dispotify::raftlog

namespace dispotify::raftlog {
namespace {

// Rewrites the frame at `offset` of `bytes` as format version `version`
// with a checksum that matches, as a newer binary would write it.
std::string with_frame_version(std::string bytes, uint64_t offset, uint8_t version) {
  const FrameDecode frame = decode_frame(bytes, offset);
  EXPECT_EQ(frame.status, FrameStatus::ok);
  std::string rewritten;
  append_frame(rewritten, static_cast<FrameType>(frame.type), frame.payload);
  rewritten[13] = static_cast<char>(version);
  const uint32_t crc = crc32c_extend(0, rewritten.data() + 8, rewritten.size() - 8);
  for (int i = 0; i < 4; ++i) rewritten[4 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
  return bytes.replace(offset, rewritten.size(), rewritten);
}

TEST(LogRecovery, LastRecordOfANewerFormatStopsTheNodeAndIsNotCutAsATornTail) {
  Fixture f;
  testing::copy_dir(f.dir, f.scratch);
  const std::string bytes = with_frame_version(read_bytes(f.segment()), f.last_record_offset, 2);
  ASSERT_EQ(decode_frame(bytes, f.last_record_offset).status, FrameStatus::newer_version);
  write_bytes(f.scratch_segment(), bytes);
  auto store = LogStore::open(f.scratch);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find(std::filesystem::path(f.segment()).filename().string()),
            std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find("newer binary"), std::string::npos) << store.error().message;
  EXPECT_EQ(read_bytes(f.scratch_segment()), bytes);  // nothing was cut
}

TEST(LogRecovery, MetaOfANewerFormatStopsTheNode) {
  Fixture f;
  testing::copy_dir(f.dir, f.scratch);
  const std::string meta = f.scratch + "/meta";
  write_bytes(meta, with_frame_version(read_bytes(meta), 0, 7));
  auto store = LogStore::open(f.scratch);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("meta"), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("newer binary"), std::string::npos) << store.error().message;
}

}  // namespace
}  // namespace dispotify::raftlog
