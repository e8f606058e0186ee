// Blob rows (schema v5): replica lists written by AddTrack, reference
// counts kept by triggers, replicas forgotten with their member, and the
// optional fields that older log entries lack.
#include "base/sha256.h"
#include "catalog/test_util.h"

namespace dispotify::catalog {
namespace {

using testing::make_track;
using testing::open_catalog;
using testing::TempDir;

const std::string kNodeA = "00000000000000a1";
const std::string kNodeB = "00000000000000b2";
const std::string kNodeC = "00000000000000c3";

// Members at log indexes 1, 2, ...: replicas are recorded on members only.
void add_members(Catalog& catalog, const std::vector<std::string>& nodes) {
  int64_t index = 0;
  for (const std::string& node : nodes) {
    ASSERT_TRUE(catalog.apply(++index, SetMember{Member{node, "h:" + node, "h:2", 0}}).ok());
  }
}

AddTrack track_with_copies(const std::string& id, const std::vector<std::string>& nodes) {
  Track t = make_track(id, "Song " + id, {"Artist"}, "Album");
  t.content_hash = sha256_hex(id);
  t.cover_hash = sha256_hex("cover");
  return AddTrack{t,
                  {BlobCopies{t.content_hash, t.size_bytes, "key-" + id, nodes},
                   BlobCopies{t.cover_hash, 77, "", nodes}}};
}

TEST(BlobRows, AddTrackRecordsWhereItsBlobsWereWritten) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  add_members(*catalog, {kNodeA, kNodeB});
  ASSERT_TRUE(catalog->apply(3, track_with_copies("t1", {kNodeB, kNodeA})).ok());
  EXPECT_EQ(catalog->blob_replicas(sha256_hex("t1")).value(), (std::vector<std::string>{kNodeA, kNodeB}));
  EXPECT_EQ(catalog->blob_replicas(sha256_hex("cover")).value().size(), 2U);
  EXPECT_TRUE(catalog->blob_replicas(sha256_hex("other")).value().empty());
}

TEST(BlobRows, ReferencesCountTracksAndDropWithThem) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  add_members(*catalog, {kNodeA, kNodeB});
  ASSERT_TRUE(catalog->apply(3, track_with_copies("t1", {kNodeA})).ok());
  ASSERT_TRUE(catalog->apply(4, track_with_copies("t2", {kNodeA})).ok());  // shares the cover
  ASSERT_TRUE(catalog->apply(5, DeleteTrack{"t1"}).ok());
  EXPECT_FALSE(catalog->blob_referenced(sha256_hex("t1")).value());
  EXPECT_TRUE(catalog->blob_referenced(sha256_hex("cover")).value());
  EXPECT_EQ(catalog->unreferenced_blobs_on(kNodeA, 10).value(), std::vector<std::string>{sha256_hex("t1")});
  ASSERT_TRUE(catalog->apply(6, DeleteTrack{"t2"}).ok());
  auto garbage = catalog->unreferenced_blobs_on(kNodeA, 10).value();
  EXPECT_EQ(garbage.size(), 3U);
}

TEST(BlobRows, BadCopiesAreRefusedAndChangeNothing) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  AddTrack bad_hash = track_with_copies("t1", {kNodeA});
  bad_hash.blobs[0].hash = "not-a-hash";
  AddTrack bad_node = track_with_copies("t1", {"NOT-A-NODE"});
  int64_t index = 0;
  for (const AddTrack& c : {bad_hash, bad_node}) {
    auto applied = catalog->apply(++index, c);
    ASSERT_FALSE(applied.ok());
    EXPECT_EQ(applied.error().code, Errc::invalid_argument);
  }
  EXPECT_FALSE(catalog->track("t1").value().has_value());
}

TEST(BlobRows, ARemovedMemberHoldsNoReplicas) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  add_members(*catalog, {kNodeA, kNodeB});
  ASSERT_TRUE(catalog->apply(3, track_with_copies("t1", {kNodeA, kNodeB})).ok());
  ASSERT_TRUE(catalog->apply(4, RemoveMember{kNodeA}).ok());
  EXPECT_EQ(catalog->blob_replicas(sha256_hex("t1")).value(), std::vector<std::string>{kNodeB});
  // A copy reported by a node that is no longer a member is not recorded.
  ASSERT_TRUE(catalog->apply(5, track_with_copies("t2", {kNodeA, kNodeB})).ok());
  EXPECT_EQ(catalog->blob_replicas(sha256_hex("t2")).value(), std::vector<std::string>{kNodeB});
}

TEST(BlobRows, UnderReplicatedBlobsComeFewestCopiesFirstAndDownNodesDoNotCount) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  add_members(*catalog, {kNodeA, kNodeB, kNodeC});
  ASSERT_TRUE(catalog->apply(4, track_with_copies("t1", {kNodeA, kNodeB, kNodeC})).ok());
  ASSERT_TRUE(catalog->apply(5, track_with_copies("t2", {kNodeA, kNodeB})).ok());
  ASSERT_TRUE(catalog->apply(6, track_with_copies("t3", {kNodeC})).ok());
  const auto hashes = [](const std::vector<BlobRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.hash);
    return out;
  };
  // The cover is on all three; t3 has one copy, t2 two.
  auto wanted = catalog->under_replicated_blobs(3, {}, 10).value();
  EXPECT_EQ(hashes(wanted), (std::vector<std::string>{sha256_hex("t3"), sha256_hex("t2")}));
  EXPECT_EQ(wanted[1].replicas, (std::vector<std::string>{kNodeA, kNodeB}));
  EXPECT_EQ(hashes(catalog->under_replicated_blobs(3, {}, 1).value()),
            std::vector<std::string>{sha256_hex("t3")});
  // With C down: t3 has no live copy, t1 and the cover one fewer.
  auto with_c_down = catalog->under_replicated_blobs(3, {kNodeC}, 10).value();
  ASSERT_EQ(with_c_down.size(), 4U);
  EXPECT_EQ(with_c_down[0].hash, sha256_hex("t3"));
  EXPECT_EQ(catalog->blob_stats(3, {kNodeC}).value().under_replicated, 4);
  EXPECT_EQ(catalog->blob_stats(3).value().under_replicated, 2);
  ASSERT_TRUE(catalog->apply(7, DropReplicas{kNodeB, {sha256_hex("t1")}}).ok());
  EXPECT_EQ(catalog->blob_stats(3).value().under_replicated, 3);
  ASSERT_TRUE(catalog->apply(8, RemoveMember{kNodeC}).ok());
  EXPECT_EQ(catalog->blob_stats(2).value().under_replicated, 2)
      << "t1 and t3 lost C's copy: one and none left";
}

TEST(BlobRows, ReplicationSettingsAreValidatedAndKept) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  ClusterInfo info{"c1", std::string(64, 'a'), 5, 5, 3};
  ClusterInfo bad = info;
  bad.write_quorum = 6;
  EXPECT_EQ(catalog->apply(1, InitCluster{bad}).error().code, Errc::invalid_argument);
  bad = info;
  bad.replication_factor = 0;
  EXPECT_EQ(catalog->apply(2, InitCluster{bad}).error().code, Errc::invalid_argument);
  ASSERT_TRUE(catalog->apply(3, InitCluster{info}).ok());
  EXPECT_EQ(catalog->cluster_info().value()->replication_factor, 5);
  EXPECT_EQ(catalog->cluster_info().value()->write_quorum, 3);
}

TEST(BlobRows, EntriesWrittenBeforeSchemaV5StillDecode) {
  std::string track_json = encode_command(AddTrack{make_track("t1", "A", {"B"}, "C"), {}});
  const std::string blobs_field = R"(,"blobs":[])";
  ASSERT_NE(track_json.find(blobs_field), std::string::npos) << track_json;
  track_json.erase(track_json.find(blobs_field), blobs_field.size());
  auto old_track = decode_command(track_json);
  ASSERT_TRUE(old_track.ok()) << old_track.error().message;
  EXPECT_TRUE(std::get<AddTrack>(*old_track).blobs.empty());
  auto old_cluster = decode_command(
      R"({"v":1,"type":"init_cluster","info":{"cluster_id":"c","join_token_hash":"h","created_at_ms":1}})");
  ASSERT_TRUE(old_cluster.ok()) << old_cluster.error().message;
  EXPECT_EQ(std::get<InitCluster>(*old_cluster).info.replication_factor, 3);
  EXPECT_EQ(std::get<InitCluster>(*old_cluster).info.write_quorum, 2);
}

TEST(BlobRows, CopiesRoundTripAndAreDecodedStrictly) {
  const Command command = track_with_copies("t1", {kNodeA, kNodeB});
  auto decoded = decode_command(encode_command(command));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, command);
  std::string json = encode_command(command);
  json.replace(json.find("\"node_ids\""), 10, "\"nodes_ids\"");
  auto misspelled = decode_command(json);
  ASSERT_FALSE(misspelled.ok());
  EXPECT_NE(misspelled.error().message.find("blobs[0]"), std::string::npos) << misspelled.error().message;
}

}  // namespace
}  // namespace dispotify::catalog

namespace dispotify::catalog {
namespace {

TEST(RepairRows, TasksAreAssignedOnlyWhenNeededCompletedAndCancelled) {
  TempDir dir;
  auto catalog = testing::open_catalog(dir.file("c.db"));
  int64_t index = 0;
  ASSERT_TRUE(catalog->apply(++index, SetMember{Member{kNodeA, "h:1", "h:2", 0}}).ok());
  ASSERT_TRUE(catalog->apply(++index, SetMember{Member{kNodeB, "h:3", "h:4", 0}}).ok());
  ASSERT_TRUE(catalog->apply(++index, track_with_copies("t1", {kNodeA})).ok());
  const std::string used = sha256_hex("t1");
  const std::string unknown = sha256_hex("nobody uses this");
  AssignRepairs plan{{},
                     {RepairTask{"r1", used, kNodeB, 1, 100}, RepairTask{"r2", used, kNodeA, 1, 100},
                      RepairTask{"r3", unknown, kNodeB, 1, 100}}};
  ASSERT_TRUE(catalog->apply(++index, plan).ok());
  auto tasks = catalog->repair_tasks().value();
  ASSERT_EQ(tasks.size(), 1U) << "A holds it already; nobody uses the other blob";
  EXPECT_EQ(tasks[0].task_id, "r1");
  EXPECT_EQ(catalog->blob_stats(2).value().under_replicated, 2) << "audio and cover have one copy each";
  ASSERT_TRUE(catalog->apply(++index, CompleteRepair{"r1", kNodeB, used}).ok());
  EXPECT_TRUE(catalog->repair_tasks().value().empty());
  EXPECT_EQ(catalog->blob_replicas(used).value(), (std::vector<std::string>{kNodeA, kNodeB}));
  ASSERT_TRUE(
      catalog->apply(++index, AssignRepairs{{}, {RepairTask{"r4", sha256_hex("cover"), kNodeB, 1, 9}}}).ok());
  ASSERT_TRUE(catalog->apply(++index, AssignRepairs{{"r4"}, {}}).ok());
  EXPECT_TRUE(catalog->repair_tasks().value().empty());
  EXPECT_EQ(catalog->blob_stats(2).value().under_replicated, 1);
  EXPECT_EQ(catalog->blobs_on(kNodeB, "", 10).value(), std::vector<std::string>{used});
}

TEST(RepairRows, DroppingTheLastCopyOfGarbageForgetsTheBlob) {
  TempDir dir;
  auto catalog = testing::open_catalog(dir.file("c.db"));
  add_members(*catalog, {kNodeA, kNodeB});
  ASSERT_TRUE(catalog->apply(3, track_with_copies("t1", {kNodeA, kNodeB})).ok());
  const std::string hash = sha256_hex("t1");
  ASSERT_TRUE(catalog->apply(4, DropReplicas{kNodeA, {hash}}).ok());
  EXPECT_TRUE(catalog->blob(hash).value().has_value()) << "still used by t1";
  ASSERT_TRUE(catalog->apply(5, DeleteTrack{"t1"}).ok());
  ASSERT_TRUE(catalog->apply(6, DropReplicas{kNodeB, {hash}}).ok());
  EXPECT_FALSE(catalog->blob(hash).value().has_value());
  EXPECT_EQ(catalog->apply(7, DropReplicas{kNodeB, {"bad"}}).error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace dispotify::catalog
