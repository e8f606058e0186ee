#include "catalog/schema.h"
#include "catalog/audit.h"
#include "catalog/grouping.h"
#include "catalog/listening_queries.h"
#include "catalog/record_rows.h"
#include "catalog/test_util.h"

namespace dispotify::catalog::testing {
namespace {

TEST(Schema, FreshDatabaseIsAtTheLatestVersion) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  EXPECT_EQ(catalog->applied_index(), 0u);
  auto db = Db::open(dir.file("c.db"), {});
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*schema_version(**db), static_cast<int>(schema_migrations().size()));
}

TEST(Schema, ReopenKeepsDataAndAppliedIndex) {
  TempDir dir;
  {
    auto catalog = open_catalog(dir.file("c.db"));
    ASSERT_TRUE(catalog->apply(1, CreateUser{make_user("u1", "Ana")}).ok());
    ASSERT_TRUE(catalog->apply(2, AddTrack{make_track("t1", "Song", {"Ana"}, "LP")}).ok());
    ASSERT_FALSE(catalog->apply(3, DeleteTrack{"missing"}).ok());  // recorded all the same
  }
  auto catalog = open_catalog(dir.file("c.db"));
  EXPECT_EQ(catalog->applied_index(), 3u);
  EXPECT_TRUE(catalog->user_by_name("ana")->has_value());
  EXPECT_TRUE(catalog->track("t1")->has_value());
  EXPECT_EQ(catalog->search("song", 10)->tracks.size(), 1u);
  EXPECT_TRUE(catalog->apply(4, DeleteTrack{"t1"}).ok());
}

TEST(Schema, OlderDatabaseIsUpgraded) {
  TempDir dir;
  {
    auto db = Db::open(dir.file("c.db"), {});
    ASSERT_TRUE(db.ok());
    // A database written by a binary that knew only the first step.
    ASSERT_TRUE(migrate(**db, schema_migrations().subspan(0, 1)).ok());
    EXPECT_EQ(*schema_version(**db), 1);
    ASSERT_TRUE(insert_track(**db, with_derived_fields(make_track("t1", "Canción", {"Ana"}, "LP"))).ok());
    ASSERT_TRUE((*db)->exec("UPDATE meta SET value = 7 WHERE key = 'applied_index'").ok());
  }
  auto catalog = open_catalog(dir.file("c.db"));
  EXPECT_EQ(catalog->applied_index(), 7u);
  // Step 2 indexed the existing track, step 3 counted it.
  EXPECT_EQ(catalog->search("cancion", 10)->tracks.size(), 1u);
  EXPECT_EQ(catalog->counts()->tracks, 1);
  EXPECT_EQ(catalog->counts()->track_bytes, 1000);
}

TEST(Schema, ReplicaCountsAreComputedForExistingBlobs) {
  TempDir dir;
  const std::string hash(64, 'e');
  {
    auto db = Db::open(dir.file("c.db"), {});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(**db, schema_migrations().subspan(0, 7)).ok());
    ASSERT_TRUE(
        (*db)
            ->exec("INSERT INTO members (node_id, peer_address, api_address, joined_at_ms) "
                   "VALUES ('00000000000000a1', 'h:1', 'h:2', 0), ('00000000000000b2', 'h:3', 'h:4', 0);"
                   "INSERT INTO blobs (hash, size_bytes, refs) VALUES ('" +
                   hash +
                   "', 10, 1);"
                   "INSERT INTO blob_replicas (hash, node_id) VALUES ('" +
                   hash + "', '00000000000000a1'), ('" + hash + "', '00000000000000b2'), ('" + hash +
                   "', '00000000000000ff');")
            .ok());
  }
  auto catalog = open_catalog(dir.file("c.db"));
  EXPECT_EQ(catalog->blob_replicas(hash).value().size(), 2U) << "the row of a non-member is gone";
  EXPECT_EQ(catalog->blob_stats(3)->under_replicated, 1);
  EXPECT_EQ(catalog->blob_stats(2)->under_replicated, 0);
  EXPECT_TRUE(catalog->under_replicated_blobs(2, {}, 10)->empty());
}

// Version 10: "user" becomes "uploader"; Subsonic passwords kept in clear
// are dropped, so the file no longer holds them.
TEST(Schema, AccountsMigrationRenamesUserRoleAndDropsPlainSubsonicPasswords) {
  TempDir dir;
  {
    auto db = Db::open(dir.file("c.db"), {});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(migrate(**db, schema_migrations().subspan(0, 9)).ok());
    ASSERT_TRUE(
        (*db)
            ->exec("INSERT INTO users (id, username, username_key, password_hash, role, created_at_ms) "
                   "VALUES ('u1', 'Ana', 'ana', 'h', 'user', 1), ('u2', 'Bo', 'bo', 'h', 'admin', 1);"
                   "INSERT INTO subsonic_passwords (user_id, password, updated_at_ms) "
                   "VALUES ('u1', 'clear-text-secret', 1);")
            .ok());
  }
  auto catalog = open_catalog(dir.file("c.db"));
  EXPECT_EQ((**catalog->user_by_id("u1")).role, kRoleUploader);
  EXPECT_EQ((**catalog->user_by_id("u2")).role, kRoleAdmin);
  EXPECT_FALSE(subsonic_password_sealed(*catalog, "u1")->has_value());
  auto events = audit_events(*catalog, {});
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->total, 0);
}

TEST(Schema, NewerDatabaseIsRefused) {
  TempDir dir;
  { open_catalog(dir.file("c.db")); }
  {
    auto db = Db::open(dir.file("c.db"), {});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("UPDATE schema_version SET version = 99").ok());
  }
  auto catalog = Catalog::open(dir.file("c.db"));
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.error().code, Errc::conflict);
  EXPECT_NE(catalog.error().message.find("newer"), std::string::npos);
  EXPECT_NE(catalog.error().message.find(dir.file("c.db")), std::string::npos) << catalog.error().message;
}

// A snapshot from a newer binary is refused before it is copied over the
// catalog, which stays as it was.
TEST(Schema, NewerSnapshotIsRefusedBeforeItReplacesTheCatalog) {
  TempDir dir;
  { open_catalog(dir.file("newer.db")); }
  {
    auto db = Db::open(dir.file("newer.db"), {});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("UPDATE schema_version SET version = 99").ok());
  }
  auto catalog = Catalog::open(dir.file("c.db"));
  ASSERT_TRUE(catalog.ok());
  auto restored = (*catalog)->restore_snapshot(dir.file("newer.db"));
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.error().code, Errc::conflict);
  EXPECT_NE(restored.error().message.find(dir.file("newer.db")), std::string::npos)
      << restored.error().message;
  auto db = Db::open(dir.file("c.db"), {});
  ASSERT_TRUE(db.ok());
  auto version = schema_version(**db);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, schema_migrations().back().version);
}

TEST(Schema, UnopenablePathIsAnIoError) {
  auto catalog = Catalog::open("/nonexistent-dir/sub/c.db");
  ASSERT_FALSE(catalog.ok());
  EXPECT_EQ(catalog.error().code, Errc::io_error);
}

TEST(Schema, MigrationStepIsAtomic) {
  TempDir dir;
  auto db = Db::open(dir.file("c.db"), {});
  ASSERT_TRUE(db.ok());
  const Migration broken[] = {{1, "CREATE TABLE a (x); CREATE TABLE oops ("}};
  EXPECT_FALSE(migrate(**db, broken).ok());
  EXPECT_EQ(*schema_version(**db), 0);
  EXPECT_TRUE((*db)->exec("CREATE TABLE a (x)").ok());  // step 1 left nothing behind
}

using ApplyIndex = CatalogTest;

TEST_F(ApplyIndex, OutOfOrderIndexAborts) {
  EXPECT_DEATH((void)catalog_->apply(5, DeleteUser{"x"}), "apply index 5 after 0");
}

}  // namespace
}  // namespace dispotify::catalog::testing
