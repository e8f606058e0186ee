#include "log/snapshot_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/test_dir.h"
#include "log/log_test_util.h"
#include "log/snapshot_files.h"

namespace dispotify::raftlog {
namespace {

using testing::read_bytes;
using testing::write_bytes;

raft::SnapshotMeta make_meta(uint64_t index, uint64_t term) {
  raft::SnapshotMeta meta;
  meta.index = raft::LogIndex(index);
  meta.term = raft::Term(term);
  meta.conf.voters = {raft::NodeId(1), raft::NodeId(2), raft::NodeId(3)};
  meta.conf.learners = {raft::NodeId(9)};
  return meta;
}

std::string payload_of(size_t bytes, char seed) {
  std::string out(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<char>(seed + static_cast<char>(i * 7));
  return out;
}

std::unique_ptr<SnapshotStore> open_store(const std::string& dir) {
  auto store = SnapshotStore::open(dir);
  if (!store.ok()) ADD_FAILURE() << store.error().message;
  return store.ok() ? std::move(store).value() : nullptr;
}

void publish(SnapshotStore& store, const raft::SnapshotMeta& meta, const std::string& content) {
  const std::string produced = store.temp_path("vacuum.db");
  write_bytes(produced, content);
  ASSERT_TRUE(store.publish(meta, produced).ok());
  EXPECT_FALSE(std::filesystem::exists(produced));
}

std::string read_all(const SnapshotStore& store, const SnapshotFile& file, size_t chunk_bytes) {
  std::string out;
  while (out.size() < file.size_bytes) {
    auto chunk = store.read_chunk(file, out.size(), chunk_bytes);
    EXPECT_TRUE(chunk.ok());
    if (!chunk.ok() || chunk->empty()) break;
    out += *chunk;
  }
  return out;
}

TEST(SnapshotStore, EmptyDirectoryHasNoSnapshot) {
  TestDir tmp;
  auto store = open_store(tmp.file("snap"));
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->latest().has_value());
  EXPECT_EQ(std::filesystem::path(store->temp_path("x")).parent_path(), tmp.file("snap") + "/tmp");
}

TEST(SnapshotStore, PublishThenReadInChunksAndAfterRestart) {
  TestDir tmp;
  const std::string content = payload_of(100000, 'a');
  {
    auto store = open_store(tmp.path());
    publish(*store, make_meta(50, 3), content);
    ASSERT_TRUE(store->latest().has_value());
    EXPECT_EQ(store->latest()->meta, make_meta(50, 3));
    EXPECT_EQ(store->latest()->size_bytes, content.size());
    EXPECT_EQ(read_bytes(store->latest()->path), content);  // the payload is the produced file, unchanged
    EXPECT_EQ(read_all(*store, *store->latest(), 4096), content);
  }
  auto store = open_store(tmp.path());
  ASSERT_TRUE(store->latest().has_value());
  EXPECT_EQ(store->latest()->meta, make_meta(50, 3));
  EXPECT_EQ(read_all(*store, *store->latest(), 30000), content);
  auto past_end = store->read_chunk(*store->latest(), content.size() + 1, 10);
  EXPECT_EQ(past_end.error().code, Errc::invalid_argument);
  EXPECT_TRUE(store->read_chunk(*store->latest(), content.size(), 10)->empty());
}

TEST(SnapshotStore, NewerSnapshotReplacesTheOlder) {
  TestDir tmp;
  auto store = open_store(tmp.path());
  publish(*store, make_meta(10, 1), "first");
  const SnapshotFile old = *store->latest();
  publish(*store, make_meta(20, 2), "second");
  EXPECT_EQ(store->latest()->meta.index, raft::LogIndex(20));
  EXPECT_FALSE(std::filesystem::exists(old.path));
  EXPECT_EQ(store->read_chunk(old, 0, 10).error().code, Errc::not_found);  // a sender must move on
  // Not newer: refused, nothing changes.
  const std::string produced = store->temp_path("stale");
  write_bytes(produced, "stale");
  EXPECT_EQ(store->publish(make_meta(20, 2), produced).error().code, Errc::conflict);
  EXPECT_EQ(store->latest()->meta.index, raft::LogIndex(20));
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path())) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 2u);  // one .snap, one .meta
}

TEST(SnapshotStore, OpenCleansTemporaryAndPartialFiles) {
  TestDir tmp;
  {
    auto store = open_store(tmp.path());
    publish(*store, make_meta(10, 1), "kept");
    write_bytes(store->temp_path("half-vacuumed.db"), "partial");
  }
  // An interrupted publish: payload renamed in, meta never written.
  const std::string orphan =
      tmp.path() + "/" + snapshot_file_name(raft::LogIndex(30), raft::Term(2), SnapshotFileKind::payload);
  write_bytes(orphan, "orphan");
  write_bytes(tmp.path() + "/" +
                  snapshot_file_name(raft::LogIndex(30), raft::Term(2), SnapshotFileKind::meta) + ".tmp",
              "half");
  auto store = open_store(tmp.path());
  EXPECT_EQ(store->latest()->meta.index, raft::LogIndex(10));
  EXPECT_FALSE(std::filesystem::exists(orphan));
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path() + "/tmp"));
}

TEST(SnapshotStore, CorruptSnapshotIsDetectedAtOpen) {
  TestDir tmp;
  std::string payload_path;
  std::string meta_path;
  {
    auto store = open_store(tmp.path());
    publish(*store, make_meta(10, 1), payload_of(5000, 'z'));
    payload_path = store->latest()->path;
    meta_path = payload_path.substr(0, payload_path.size() - 5) + ".meta";
  }
  const std::string good_payload = read_bytes(payload_path);
  const std::string good_meta = read_bytes(meta_path);

  std::string flipped = good_payload;
  flipped[1234] = static_cast<char>(flipped[1234] ^ 1);
  write_bytes(payload_path, flipped);
  auto bad = SnapshotStore::open(tmp.path());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::corrupt);
  EXPECT_NE(bad.error().message.find(payload_path), std::string::npos) << bad.error().message;

  write_bytes(payload_path, good_payload.substr(0, 4000));  // truncated
  EXPECT_EQ(SnapshotStore::open(tmp.path()).error().code, Errc::corrupt);

  write_bytes(payload_path, good_payload);
  std::string bad_meta = good_meta;
  bad_meta[20] = static_cast<char>(bad_meta[20] ^ 4);
  write_bytes(meta_path, bad_meta);
  bad = SnapshotStore::open(tmp.path());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::corrupt);
  EXPECT_NE(bad.error().message.find(meta_path), std::string::npos) << bad.error().message;

  write_bytes(meta_path, "garbage");
  EXPECT_EQ(SnapshotStore::open(tmp.path()).error().code, Errc::corrupt);

  write_bytes(meta_path, good_meta);
  std::filesystem::remove(payload_path);
  EXPECT_EQ(SnapshotStore::open(tmp.path()).error().code, Errc::corrupt);
}

TEST(SnapshotStore, ReceiveInChunksPublishesOnDone) {
  TestDir tmp;
  auto sender = open_store(tmp.file("leader"));
  const std::string content = payload_of(70000, 'q');
  publish(*sender, make_meta(40, 4), content);
  const SnapshotFile file = *sender->latest();

  auto receiver = open_store(tmp.file("follower"));
  const size_t chunk = 16384;
  uint64_t offset = 0;
  for (;;) {
    auto data = sender->read_chunk(file, offset, chunk);
    ASSERT_TRUE(data.ok());
    const bool done = offset + data->size() == file.size_bytes;
    auto next = receiver->receive_chunk(file.meta, offset, *data, done);
    ASSERT_TRUE(next.ok()) << next.error().message;
    ASSERT_EQ(*next, offset + data->size());
    offset = *next;
    if (done) break;
  }
  ASSERT_TRUE(receiver->latest().has_value());
  EXPECT_EQ(receiver->latest()->meta, file.meta);
  EXPECT_EQ(read_bytes(receiver->latest()->path), content);
  // A resent last chunk (our reply was lost) is acknowledged again.
  EXPECT_EQ(*receiver->receive_chunk(file.meta, 0, "x", true), content.size());
  receiver.reset();
  EXPECT_EQ(open_store(tmp.file("follower"))->latest()->meta, file.meta);
}

TEST(SnapshotStore, ReceiveIgnoresOutOfOrderChunksAndRestartsOnANewSnapshot) {
  TestDir tmp;
  auto store = open_store(tmp.path());
  const auto meta = make_meta(40, 4);
  // Not starting at 0: the leader is told to start over.
  EXPECT_EQ(*store->receive_chunk(meta, 100, "late", false), 0u);
  EXPECT_EQ(*store->receive_chunk(meta, 0, "hello ", false), 6u);
  EXPECT_EQ(*store->receive_chunk(meta, 20, "ahead", false), 6u);  // a gap: ignored
  EXPECT_EQ(*store->receive_chunk(meta, 0, "hello ", false), 6u);  // a duplicate: ignored
  EXPECT_EQ(*store->receive_chunk(meta, 6, "wor", false), 9u);
  EXPECT_FALSE(store->latest().has_value());
  // The leader moved on to a newer snapshot: the partial one is dropped.
  const auto newer = make_meta(60, 5);
  EXPECT_EQ(*store->receive_chunk(newer, 9, "ld", false), 0u);
  EXPECT_EQ(*store->receive_chunk(newer, 0, "new ", false), 4u);
  EXPECT_EQ(*store->receive_chunk(newer, 4, "content", true), 11u);
  ASSERT_TRUE(store->latest().has_value());
  EXPECT_EQ(store->latest()->meta, newer);
  EXPECT_EQ(read_bytes(store->latest()->path), "new content");
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path() + "/tmp"));
  // An older snapshot than ours is refused.
  EXPECT_EQ(store->receive_chunk(meta, 0, "old", true).error().code, Errc::conflict);
}

TEST(SnapshotStore, InterruptedTransferIsDroppedAtRestart) {
  TestDir tmp;
  {
    auto store = open_store(tmp.path());
    EXPECT_EQ(*store->receive_chunk(make_meta(40, 4), 0, "partial", false), 7u);
    EXPECT_FALSE(std::filesystem::is_empty(tmp.path() + "/tmp"));
  }
  auto store = open_store(tmp.path());
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path() + "/tmp"));
  EXPECT_FALSE(store->latest().has_value());
  // The leader is asked to start over.
  EXPECT_EQ(*store->receive_chunk(make_meta(40, 4), 7, "more", false), 0u);
}

TEST(SnapshotStore, RejectsInvalidMetaFromTheLeader) {
  TestDir tmp;
  auto store = open_store(tmp.path());
  auto meta = make_meta(40, 4);
  meta.conf.voters = {raft::NodeId(2), raft::NodeId(1)};  // unsorted
  EXPECT_EQ(store->receive_chunk(meta, 0, "x", true).error().code, Errc::invalid_argument);
  EXPECT_EQ(store->receive_chunk(make_meta(0, 4), 0, "x", true).error().code, Errc::invalid_argument);
  EXPECT_EQ(store->receive_chunk(make_meta(5, 1), 0, std::string(kSnapshotChunkBytesMax + 1, 'x'), false)
                .error()
                .code,
            Errc::too_large);
}

TEST(SnapshotFiles, MetaRecordRoundTripsAndRejectsGarbage) {
  SnapshotMetaRecord record{make_meta(7, 2), 12345, 0xDEADBEEF};
  const std::string bytes = encode_snapshot_meta_file(record);
  EXPECT_EQ(*decode_snapshot_meta_file(bytes), record);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(decode_snapshot_meta_file(bytes.substr(0, cut)).ok()) << cut;
  }
  for (size_t at = 0; at < bytes.size(); ++at) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x80);
    EXPECT_FALSE(decode_snapshot_meta_file(flipped).ok()) << at;
  }
  EXPECT_EQ(
      parse_snapshot_file_name(snapshot_file_name(raft::LogIndex(7), raft::Term(2), SnapshotFileKind::meta))
          ->index,
      raft::LogIndex(7));
  EXPECT_FALSE(parse_snapshot_file_name("snapshot-1-2.snap").has_value());
}

}  // namespace
}  // namespace dispotify::raftlog
