// The replicated cluster state in the catalog: members, the cluster's
// identity, request de-duplication and whole-catalog snapshots.
#include "base/fs.h"
#include "catalog/audit.h"
#include "catalog/feature_level.h"
#include "catalog/test_util.h"

namespace dispotify::catalog {
namespace {

using testing::make_track;
using testing::make_user;
using testing::open_catalog;
using testing::TempDir;

const std::string kHash64(64, 'a');

Member member(const std::string& id, const std::string& peer) {
  return Member{id, peer, "127.0.0.1:4533", 7};
}

TEST(ClusterState, MembersAreAddedUpdatedAndRemoved) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  ASSERT_TRUE(catalog->apply(1, SetMember{member("00000000000000a1", "10.0.0.1:4534")}).ok());
  ASSERT_TRUE(catalog->apply(2, SetMember{member("00000000000000b2", "10.0.0.2:4534")}).ok());
  // A node that comes back on another address keeps its join time.
  Member moved = member("00000000000000a1", "10.0.0.9:4534");
  moved.joined_at_ms = 99;
  ASSERT_TRUE(catalog->apply(3, SetMember{moved}).ok());
  auto members = catalog->members().value();
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].peer_address, "10.0.0.9:4534");
  EXPECT_EQ(members[0].joined_at_ms, 7);
  ASSERT_TRUE(catalog->apply(4, RemoveMember{"00000000000000b2"}).ok());
  EXPECT_EQ(catalog->members().value().size(), 1u);
  auto missing = catalog->apply(5, RemoveMember{"00000000000000b2"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);
  auto bad_id = catalog->apply(6, SetMember{member("XYZ", "10.0.0.1:4534")});
  ASSERT_FALSE(bad_id.ok());
  EXPECT_EQ(bad_id.error().code, Errc::invalid_argument);
  auto bad_address = catalog->apply(7, SetMember{member("00000000000000c3", "no-port")});
  ASSERT_FALSE(bad_address.ok());
  EXPECT_EQ(catalog->applied_index(), 7u);
}

TEST(ClusterState, ReplacedAndRemovedCertificatesAreRevoked) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  Member a = member("00000000000000a1", "10.0.0.1:4534");
  a.certificate_serial = "0a01";
  ASSERT_TRUE(catalog->apply(1, SetMember{a}).ok());
  EXPECT_EQ(catalog->members().value()[0].certificate_serial, "0a01");
  // Moving addresses keeps the certificate; a retry with it revokes nothing.
  ASSERT_TRUE(catalog->apply(2, SetMember{member("00000000000000a1", "10.0.0.2:4534")}).ok());
  ASSERT_TRUE(catalog->apply(3, SetMember{a}).ok());
  EXPECT_EQ(catalog->members().value()[0].certificate_serial, "0a01");
  EXPECT_TRUE(catalog->revoked_certificates().value().empty());
  // A new certificate revokes the old one.
  a.certificate_serial = "0a02";
  ASSERT_TRUE(catalog->apply(4, SetMember{a}).ok());
  EXPECT_EQ(catalog->revoked_certificates().value(), std::vector<std::string>{"0a01"});
  // Removal revokes the current one; a rejoin with a new one is accepted.
  ASSERT_TRUE(catalog->apply(5, RemoveMember{"00000000000000a1"}).ok());
  EXPECT_EQ(catalog->revoked_certificates().value(), (std::vector<std::string>{"0a01", "0a02"}));
  a.certificate_serial = "0a03";
  ASSERT_TRUE(catalog->apply(6, SetMember{a}).ok());
  EXPECT_EQ(catalog->members().value()[0].certificate_serial, "0a03");
  EXPECT_EQ(catalog->revoked_certificates().value().size(), 2u);
  a.certificate_serial = "NOT-HEX";
  auto bad = catalog->apply(7, SetMember{a});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
}

TEST(ClusterState, ARenewalRecordsTheNextCertificateBeforeItBecomesCurrent) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  Member a = member("00000000000000a1", "10.0.0.1:4534");
  a.certificate_serial = "0a01";
  ASSERT_TRUE(catalog->apply(1, SetMember{a}).ok());
  // The renewal starts: the next one is recorded beside the current one.
  Member next = member("00000000000000a1", "10.0.0.1:4534");
  next.next_certificate_serial = "0a02";
  ASSERT_TRUE(catalog->apply(2, SetMember{next}).ok());
  Member stored = catalog->members().value()[0];
  EXPECT_EQ(stored.certificate_serial, "0a01");
  EXPECT_EQ(stored.next_certificate_serial, "0a02");
  // An address move keeps both.
  ASSERT_TRUE(catalog->apply(3, SetMember{member("00000000000000a1", "10.0.0.9:4534")}).ok());
  EXPECT_EQ(catalog->members().value()[0].next_certificate_serial, "0a02");
  // It becomes current: the old one is revoked, the next one cleared.
  a.certificate_serial = "0a02";
  ASSERT_TRUE(catalog->apply(4, SetMember{a}).ok());
  stored = catalog->members().value()[0];
  EXPECT_EQ(stored.certificate_serial, "0a02");
  EXPECT_EQ(stored.next_certificate_serial, "");
  EXPECT_EQ(catalog->revoked_certificates().value(), std::vector<std::string>{"0a01"});
  // A renewal that stopped before switching: its next one is revoked when
  // another renewal records a newer one, and when the member is removed.
  next.next_certificate_serial = "0a03";
  ASSERT_TRUE(catalog->apply(5, SetMember{next}).ok());
  next.next_certificate_serial = "0a04";
  ASSERT_TRUE(catalog->apply(6, SetMember{next}).ok());
  EXPECT_EQ(catalog->revoked_certificates().value(), (std::vector<std::string>{"0a01", "0a03"}));
  ASSERT_TRUE(catalog->apply(7, RemoveMember{"00000000000000a1"}).ok());
  EXPECT_EQ(catalog->revoked_certificates().value(),
            (std::vector<std::string>{"0a01", "0a02", "0a03", "0a04"}));
}

TEST(ClusterState, AFullMemberIsMarkedUntilItHasRoomAgainAndKeepsTheMarkWhenItMoves) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  ASSERT_TRUE(catalog->apply(1, SetMember{member("00000000000000a1", "10.0.0.1:4534")}).ok());
  EXPECT_FALSE(catalog->members().value()[0].storage_full);
  ASSERT_TRUE(catalog->apply(2, SetStorageFull{"00000000000000a1", true}).ok());
  EXPECT_TRUE(catalog->members().value()[0].storage_full);
  // SetMember moves addresses only.
  ASSERT_TRUE(catalog->apply(3, SetMember{member("00000000000000a1", "10.0.0.9:4534")}).ok());
  EXPECT_TRUE(catalog->members().value()[0].storage_full);
  ASSERT_TRUE(catalog->apply(4, SetStorageFull{"00000000000000a1", false}).ok());
  EXPECT_FALSE(catalog->members().value()[0].storage_full);
  auto stranger = catalog->apply(5, SetStorageFull{"00000000000000b2", true});
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, Errc::not_found);
}

TEST(ClusterState, TheClusterIsInitializedOnce) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  EXPECT_FALSE(catalog->cluster_info().value().has_value());
  ASSERT_TRUE(catalog->apply(1, InitCluster{ClusterInfo{"c1", kHash64, 5}}).ok());
  auto again = catalog->apply(2, InitCluster{ClusterInfo{"c2", kHash64, 6}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::conflict);
  EXPECT_EQ(catalog->cluster_info().value()->cluster_id, "c1");
}

// The committed feature level (feature_level.h): 1 until raised, raised
// only upward, to a level this binary knows; audited.
TEST(ClusterState, TheClusterLevelStartsAtTheBaselineAndOnlyRises) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  EXPECT_EQ(catalog->cluster_level().value(), kFeatureLevelBaseline);
  ASSERT_TRUE(catalog->apply(1, SetClusterLevel{2, 9}).ok());
  EXPECT_EQ(catalog->cluster_level().value(), 2);
  for (int64_t level : {2, 1}) {
    auto stale = catalog->apply(catalog->applied_index() + 1, SetClusterLevel{level, 10});
    ASSERT_FALSE(stale.ok()) << level;
    EXPECT_EQ(stale.error().code, Errc::conflict);
  }
  for (int64_t level : {int64_t{0}, kFeatureLevelCurrent + 1}) {
    auto unknown = catalog->apply(catalog->applied_index() + 1, SetClusterLevel{level, 10});
    ASSERT_FALSE(unknown.ok()) << level;
    EXPECT_EQ(unknown.error().code, Errc::invalid_argument);
  }
  EXPECT_EQ(catalog->cluster_level().value(), 2);
  auto events = audit_events(*catalog, AuditQuery{.action = "cluster.level_raised"});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->items.size(), 1u);
  EXPECT_EQ(events->items[0].at_ms, 9);
}

TEST(ClusterState, TheJoinTokenCanChangeAndTheChangeIsAudited) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  const std::string new_hash(64, 'b');
  auto early = catalog->apply(1, SetJoinToken{new_hash, "00ff", Origin{.actor_id = "u1", .at_ms = 5}});
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, Errc::not_found);
  ASSERT_TRUE(catalog->apply(2, InitCluster{ClusterInfo{"c1", kHash64, 5}}).ok());
  EXPECT_EQ(catalog->join_token_sealed().value(), "");
  ASSERT_TRUE(catalog->apply(3, SetJoinToken{new_hash, "00ff", Origin{.actor_id = "u1", .at_ms = 7}}).ok());
  EXPECT_EQ(catalog->cluster_info().value()->join_token_hash, new_hash);
  EXPECT_EQ(catalog->join_token_sealed().value(), "00ff");
  auto events = audit_events(*catalog, AuditQuery{.action = "cluster.join_token_changed"});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->items.size(), 1u);
  EXPECT_EQ(events->items[0].at_ms, 7);
  for (const SetJoinToken& bad :
       {SetJoinToken{"short", "00ff", {}}, SetJoinToken{new_hash, "", {}}, SetJoinToken{new_hash, "0g", {}},
        SetJoinToken{std::string(64, 'B'), "00", {}}}) {
    auto refused = catalog->apply(catalog->applied_index() + 1, bad);
    ASSERT_FALSE(refused.ok()) << bad.join_token_hash << " " << bad.sealed_hex;
    EXPECT_EQ(refused.error().code, Errc::invalid_argument);
  }
  EXPECT_EQ(catalog->join_token_sealed().value(), "00ff");
}

TEST(ClusterState, NoopOnlyAdvancesTheAppliedIndex) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  ASSERT_TRUE(catalog->apply(1, Noop{}).ok());
  EXPECT_EQ(catalog->applied_index(), 1u);
  EXPECT_EQ(catalog->counts().value(), Counts{});
}

TEST(AppliedRequests, ARetriedRequestIsAnsweredWithItsFirstOutcomeAndNotAppliedAgain) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  const std::vector<Command> first = {CreateUser{make_user("u1", "ana")}, CreateUser{make_user("u2", "ana")}};
  const std::vector<std::string> ids = {"req-1", "req-2"};
  auto outcomes = catalog->apply_batch(1, first, ids).value();
  EXPECT_TRUE(outcomes[0].ok());
  ASSERT_FALSE(outcomes[1].ok());
  // The retries come later, in another batch, maybe with other commands
  // around them: same outcomes, nothing applied twice.
  const std::vector<Command> retry = {AddTrack{make_track("t1", "Uno", {"A"}, "Al")},
                                      CreateUser{make_user("u1", "ana")}, CreateUser{make_user("u2", "ana")}};
  const std::vector<std::string> retry_ids = {"", "req-1", "req-2"};
  auto again = catalog->apply_batch(3, retry, retry_ids).value();
  EXPECT_TRUE(again[0].ok());
  EXPECT_TRUE(again[1].ok()) << "req-1 succeeded the first time";
  ASSERT_FALSE(again[2].ok());
  EXPECT_EQ(again[2].error().code, Errc::conflict);
  EXPECT_EQ(again[2].error().message, outcomes[1].error().message);
  EXPECT_EQ(catalog->counts().value().users, 1);
  EXPECT_EQ(catalog->applied_index(), 5u);
}

TEST(Snapshot, ACatalogRestoredFromASnapshotEqualsTheOriginal) {
  TempDir dir;
  auto source = open_catalog(dir.file("source.db"));
  ASSERT_TRUE(source->apply(1, CreateUser{make_user("u1", "ana")}).ok());
  ASSERT_TRUE(source->apply(2, AddTrack{make_track("t1", "Canción", {"Beyoncé"}, "Álbum")}).ok());
  ASSERT_TRUE(source->apply(3, SetMember{member("00000000000000a1", "10.0.0.1:4534")}).ok());
  ASSERT_EQ(source->write_snapshot(dir.file("snap.db")).value(), 3u);
  // Applies after the snapshot are not in it.
  ASSERT_TRUE(source->apply(4, AddTrack{make_track("t2", "Dos", {"B"}, "Otro")}).ok());

  auto target = open_catalog(dir.file("target.db"));
  ASSERT_TRUE(target->apply(1, AddTrack{make_track("zz", "Lost", {"X"}, "Y")}).ok());
  ASSERT_EQ(target->restore_snapshot(dir.file("snap.db")).value(), 3u);
  EXPECT_EQ(target->applied_index(), 3u);
  EXPECT_FALSE(target->track("zz").value().has_value());
  EXPECT_EQ(target->search("cancion", 10).value().tracks.size(), 1u) << "the search index came along";
  EXPECT_EQ(target->members().value().size(), 1u);
  // And it goes on applying from there, as the log dictates.
  ASSERT_TRUE(target->apply(4, AddTrack{make_track("t2", "Dos", {"B"}, "Otro")}).ok());
  EXPECT_EQ(target->counts().value(), source->counts().value());
  // A reopen sees the restored state.
  target.reset();
  auto reopened = open_catalog(dir.file("target.db"));
  EXPECT_EQ(reopened->applied_index(), 4u);
  EXPECT_TRUE(reopened->track("t1").value().has_value());
}

TEST(Snapshot, ASnapshotOfANonDatabaseFileIsRefused) {
  TempDir dir;
  auto target = open_catalog(dir.file("target.db"));
  ASSERT_TRUE(target->apply(1, AddTrack{make_track("t1", "Uno", {"X"}, "Y")}).ok());
  ASSERT_TRUE(fs::write_file_atomic(dir.file("garbage.db"), std::string(8192, 'x')).ok());
  EXPECT_FALSE(target->restore_snapshot(dir.file("garbage.db")).ok());
  EXPECT_EQ(target->applied_index(), 1u);
  EXPECT_TRUE(target->track("t1").value().has_value());
}

}  // namespace
}  // namespace dispotify::catalog
