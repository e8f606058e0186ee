// The audit log: events written by apply from the command only, the same
// on every node, and bounded.
#include "catalog/audit.h"

#include <boost/json.hpp>

#include "catalog/sqlite_db.h"
#include "catalog/test_util.h"

namespace dispotify::catalog::testing {
namespace {

using Audit = CatalogTest;

Origin by(std::string actor, int64_t at_ms) {
  return Origin{.actor_id = std::move(actor), .at_ms = at_ms, .address = "203.0.113.7"};
}

std::vector<AuditEvent> all_events(const Catalog& catalog, std::string action = "") {
  auto page = audit_events(catalog, AuditQuery{.offset = 0, .limit = 500, .action = std::move(action)});
  EXPECT_TRUE(page.ok());
  return page.ok() ? page->items : std::vector<AuditEvent>{};
}

TEST_F(Audit, AccountChangesAreRecordedWithTheirOrigin) {
  apply_ok(CreateUser{make_user("a1", "root", kRoleAdmin), by("", 100)});
  apply_ok(CreateUser{make_user("u1", "Ana", kRoleListener), by("a1", 200)});
  apply_ok(SetUserRole{"u1", kRoleUploader, by("a1", 300)});
  apply_ok(SetUserPassword{"u1", "hash2", by("a1", 400)});
  apply_ok(DeleteUser{"u1", by("a1", 500)});
  const auto events = all_events(*catalog_);
  ASSERT_EQ(events.size(), 5u);
  // Newest first.
  EXPECT_EQ(events[0].action, "user.deleted");
  EXPECT_EQ(events[0].target, "Ana");
  EXPECT_EQ(events[0].actor_id, "a1");
  EXPECT_EQ(events[0].actor_name, "root");
  EXPECT_EQ(events[0].at_ms, 500);
  EXPECT_EQ(events[0].address, "203.0.113.7");
  EXPECT_EQ(events[1].action, "user.password_reset");
  EXPECT_EQ(events[2].action, "user.role_changed");
  auto detail = boost::json::parse(events[2].detail_json).as_object();
  EXPECT_EQ(detail["from"].as_string(), "listener");
  EXPECT_EQ(detail["to"].as_string(), "uploader");
  EXPECT_EQ(events[3].action, "user.created");
  EXPECT_EQ(events[4].actor_id, "");  // the first admin: made by the node
  EXPECT_GT(events[0].id, events[1].id);
}

TEST_F(Audit, LoginsGoodAndBad) {
  apply_ok(CreateUser{make_user("u1", "Ana")});
  Origin origin = by("", 1000);
  origin.user_agent = "Mozilla/5.0";
  apply_ok(CreateToken{Token{"k1", "u1", "hash", "login", "session", 900, 0}, origin});
  apply_ok(RecordLoginFailure{"ana", by("", 1100)});
  apply_ok(CreateToken{Token{"k2", "u1", "hash2", "script", "api", 1200, 0}, by("u1", 1200)});
  const auto events = all_events(*catalog_);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].action, "token.created");
  EXPECT_EQ(events[1].action, "login.failed");
  EXPECT_EQ(events[1].target, "ana");
  EXPECT_EQ(events[1].actor_id, "");
  EXPECT_EQ(events[2].action, "login");
  EXPECT_EQ(events[2].actor_id, "u1");  // from the token: the origin had none
  EXPECT_EQ(events[2].actor_name, "Ana");
  EXPECT_EQ(events[2].at_ms, 1000);
  EXPECT_NE(events[2].detail_json.find("Mozilla/5.0"), std::string::npos);
  EXPECT_EQ(all_events(*catalog_, "login.failed").size(), 1u);
}

TEST_F(Audit, UploadsDeletionsAndMembership) {
  apply_ok(CreateUser{make_user("u1", "Ana")});
  Track track = make_track("t1", "Song", {"Bob"}, "LP");
  apply_ok(AddTrack{track, {}, by("", 0)});  // actor and time from the track
  apply_ok(CreatePlaylist{make_playlist("p1", "u1", "Mine")});
  apply_ok(DeletePlaylist{"p1", "u1", by("u1", 6000)});
  apply_ok(DeleteTrack{"t1", by("u1", 7000)});
  apply_ok(SetMember{Member{"00000000000000a1", "h:1", "h:2", 8000}});
  apply_ok(SetMember{Member{"00000000000000a1", "h:3", "h:4", 8000}});  // an address change: no event
  apply_ok(RemoveMember{"00000000000000a1", by("", 9000)});
  const auto events = all_events(*catalog_);
  std::vector<std::string> actions;
  for (const auto& e : events) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"member.removed", "member.added", "track.deleted",
                                               "playlist.deleted", "track.uploaded", "user.created"}));
  EXPECT_EQ(events[4].actor_id, "u1");
  EXPECT_EQ(events[4].at_ms, 5000);
  EXPECT_EQ(events[4].target, "t1");
}

TEST_F(Audit, FailedCommandsLeaveNoEvent) {
  expect_error(DeleteTrack{"missing", by("u1", 1)}, Errc::not_found);
  expect_error(SetUserRole{"nobody", kRoleAdmin, by("u1", 1)}, Errc::not_found);
  EXPECT_TRUE(all_events(*catalog_).empty());
}

TEST_F(Audit, TheOldestGoBeyondTheBound) {
  // Fill to the bound directly (100,000 applies take too long for a unit
  // test), then let apply trim.
  {
    auto db = Db::open(dir_.file("catalog.db"), {});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(
        (*db)
            ->exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
                   "INSERT INTO audit_events SELECT i, i, '', '', 'login.failed', 'x', '{}', '' FROM n")
            .ok());
  }
  apply_ok(RecordLoginFailure{"ana", by("", 200000)});
  auto page = audit_events(*catalog_, AuditQuery{.offset = 0, .limit = 1});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, kAuditEventsMax);
  EXPECT_EQ(page->items[0].id, 100001);
  auto oldest = audit_events(*catalog_, AuditQuery{.offset = kAuditEventsMax - 1, .limit = 1});
  EXPECT_EQ(oldest->items[0].id, 2);
}

TEST_F(Audit, TwoCatalogsRecordTheSameEvents) {
  TempDir other_dir;
  auto other = open_catalog(other_dir.file("c.db"));
  const std::vector<Command> commands = {
      CreateUser{make_user("u1", "Ana"), by("", 1)}, RecordLoginFailure{"ana", by("", 2)},
      CreateToken{Token{"k1", "u1", "h", "login", "session", 3, 0}, by("u1", 3)},
      AddTrack{make_track("t1", "Song", {"Bob"}, "LP"), {}, by("u1", 4)}, DeleteTrack{"t1", by("u1", 5)}};
  for (const Command& c : commands) {
    apply_ok(c);
    ASSERT_TRUE(other->apply(other->applied_index() + 1, c).ok());
  }
  const auto mine = all_events(*catalog_);
  const auto theirs = all_events(*other);
  ASSERT_EQ(mine.size(), theirs.size());
  for (size_t i = 0; i < mine.size(); ++i) {
    EXPECT_EQ(mine[i].id, theirs[i].id);
    EXPECT_EQ(mine[i].at_ms, theirs[i].at_ms);
    EXPECT_EQ(mine[i].action, theirs[i].action);
    EXPECT_EQ(mine[i].detail_json, theirs[i].detail_json);
  }
}

TEST(AuditCodec, OriginRoundTripsAndOldEntriesDecodeWithout) {
  Command command = DeleteTrack{"t1", Origin{"u1", 5, "10.0.0.1", "agent"}};
  auto decoded = decode_command(encode_command(command));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, command);
  auto old = decode_command(R"({"v":1,"type":"delete_track","track_id":"t1"})");
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(std::get<DeleteTrack>(*old).origin, Origin{});
  Command failure = RecordLoginFailure{"ana", Origin{"", 9, "::1", ""}};
  EXPECT_EQ(*decode_command(encode_command(failure)), failure);
}

}  // namespace
}  // namespace dispotify::catalog::testing
