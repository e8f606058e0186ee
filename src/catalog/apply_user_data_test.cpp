#include "catalog/ids.h"
#include "catalog/listening_queries.h"
#include "catalog/test_util.h"

namespace dispotify::catalog::testing {
namespace {

class ApplyUserData : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    apply_ok(CreateUser{make_user("u1", "Ana")});
    apply_ok(CreateUser{make_user("u2", "Bob")});
    Track a = make_track("a", "Alpha", {"Ana"}, "LP");
    Track b = make_track("b", "Bravo", {"Ana"}, "LP");
    Track c = make_track("c", "Charlie", {"Cid"}, "EP");
    c.genre = "Jazz";
    c.year = 1990;
    for (const Track& t : {a, b, c}) apply_ok(AddTrack{t});
  }

  Annotation annotation(const std::string& user, const std::string& kind, const std::string& id) {
    auto found = annotations(*catalog_, user, kind, {id});
    EXPECT_TRUE(found.ok());
    if (!found.ok() || !found->contains(id)) return {};
    return found->at(id);
  }

  std::string lp_ = album_id_for("Ana", "LP");
};

TEST_F(ApplyUserData, StarKeepsTheFirstTimeAndUnstarClears) {
  apply_ok(SetStarred{"u1", {"a"}, {lp_}, {artist_id_for("Cid")}, true, 100});
  apply_ok(SetStarred{"u1", {"a"}, {}, {}, true, 200});
  EXPECT_EQ(annotation("u1", "track", "a").starred_at_ms, 100);
  EXPECT_EQ(annotation("u2", "track", "a").starred_at_ms, 0);
  auto stars = starred(*catalog_, "u1");
  ASSERT_TRUE(stars.ok());
  ASSERT_EQ(stars->tracks.size(), 1u);
  ASSERT_EQ(stars->albums.size(), 1u);
  ASSERT_EQ(stars->artists.size(), 1u);
  apply_ok(SetStarred{"u1", {"a", "gone"}, {}, {}, false, 300});  // unstarring needs no existing item
  EXPECT_EQ(annotation("u1", "track", "a").starred_at_ms, 0);
  expect_error(SetStarred{"u1", {"nope"}, {}, {}, true, 1}, Errc::not_found);
  expect_error(SetStarred{"u1", {}, {}, {}, true, 1}, Errc::invalid_argument);
  expect_error(SetStarred{"nobody", {"a"}, {}, {}, true, 1}, Errc::not_found);
}

TEST_F(ApplyUserData, RatingsAreCheckedAndPerUser) {
  apply_ok(SetRating{"u1", "track", "b", 5, 1});
  apply_ok(SetRating{"u2", "album", lp_, 2, 1});
  EXPECT_EQ(annotation("u1", "track", "b").rating, 5);
  EXPECT_EQ(annotation("u2", "album", lp_).rating, 2);
  expect_error(SetRating{"u1", "track", "b", 6, 1}, Errc::invalid_argument);
  expect_error(SetRating{"u1", "song", "b", 1, 1}, Errc::invalid_argument);
  expect_error(SetRating{"u1", "album", "b", 1, 1}, Errc::not_found);
}

TEST_F(ApplyUserData, PlaysCountForTrackAndAlbumAndSkipDeletedTracks) {
  apply_ok(RecordPlays{"u1", {"a", "b", "a", "gone"}, {10, 30, 20, 40}});
  EXPECT_EQ(annotation("u1", "track", "a").play_count, 2);
  EXPECT_EQ(annotation("u1", "track", "a").played_at_ms, 20);
  EXPECT_EQ(annotation("u1", "album", lp_).play_count, 3);
  EXPECT_EQ(annotation("u1", "album", lp_).played_at_ms, 30);
  auto frequent = album_list(*catalog_, {.type = AlbumListType::frequent, .user_id = "u1", .limit = 10});
  ASSERT_TRUE(frequent.ok());
  ASSERT_EQ(frequent->size(), 1u);
  EXPECT_EQ((*frequent)[0].id, lp_);
  expect_error(RecordPlays{"u1", {"a"}, {}}, Errc::invalid_argument);
}

TEST_F(ApplyUserData, PlayQueueIsSavedReplacedAndCleared) {
  apply_ok(SavePlayQueue{"u1", {"c", "a"}, "a", 1500, "DSub", 7});
  auto queue = play_queue(*catalog_, "u1");
  ASSERT_TRUE(queue.ok() && queue->has_value());
  ASSERT_EQ((*queue)->tracks.size(), 2u);
  EXPECT_EQ((*queue)->tracks[0].id, "c");
  EXPECT_EQ((*queue)->current_id, "a");
  EXPECT_EQ((*queue)->position_ms, 1500);
  EXPECT_EQ((*queue)->changed_by, "DSub");
  expect_error(SavePlayQueue{"u1", {"c"}, "a", 0, "DSub", 8}, Errc::invalid_argument);
  expect_error(SavePlayQueue{"u1", {"zz"}, "", 0, "DSub", 8}, Errc::not_found);
  apply_ok(SavePlayQueue{"u1", {}, "", 0, "DSub", 9});
  EXPECT_FALSE(play_queue(*catalog_, "u1")->has_value());
}

TEST_F(ApplyUserData, SubsonicPasswordIsSetAndRemovedAndGoesWithItsUser) {
  apply_ok(SetSubsonicPassword{"u1", "", 1, "a1b2"});
  EXPECT_EQ(subsonic_password_sealed(*catalog_, "u1")->value_or(""), "a1b2");
  apply_ok(SetSubsonicPassword{"u1", "", 2, ""});
  EXPECT_FALSE(subsonic_password_sealed(*catalog_, "u1")->has_value());
  apply_ok(SetSubsonicPassword{"u2", "", 3, "c3"});
  apply_ok(DeleteUser{"u2"});
  EXPECT_FALSE(subsonic_password_sealed(*catalog_, "u2")->has_value());
  expect_error(SetSubsonicPassword{"u9", "", 1, "d4"}, Errc::not_found);
}

// Entries from before schema v10 carry the password in clear: apply does
// not store it, so a replayed old log never puts it back.
TEST_F(ApplyUserData, LegacyPlaintextSubsonicPasswordIsNotStored) {
  apply_ok(SetSubsonicPassword{"u1", "", 1, "a1b2"});
  apply_ok(SetSubsonicPassword{"u1", "plain-app-password", 2});
  EXPECT_EQ(subsonic_password_sealed(*catalog_, "u1")->value_or(""), "a1b2");
  auto decoded =
      decode_command(R"({"v":1,"type":"set_subsonic_password","user_id":"u1","password":"x","at_ms":3})");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(std::get<SetSubsonicPassword>(*decoded).legacy_password, "x");
  EXPECT_EQ(std::get<SetSubsonicPassword>(*decoded).sealed_hex, "");
}

TEST_F(ApplyUserData, GenresRandomAndPagedSearch) {
  auto all = genres(*catalog_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "Jazz");
  EXPECT_EQ((*all)[1].track_count, 2);
  auto jazz = random_tracks(*catalog_, 10, "jazz", 0, 0);
  ASSERT_TRUE(jazz.ok());
  ASSERT_EQ(jazz->size(), 1u);
  auto everything = search_paged(*catalog_, "", {.track_offset = 1, .track_count = 5});
  ASSERT_TRUE(everything.ok());
  ASSERT_EQ(everything->tracks.size(), 2u);
  EXPECT_EQ(everything->tracks[0].title, "Bravo");
  auto found = search_paged(*catalog_, "char", {});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->tracks.size(), 1u);
  auto by_year = album_list(
      *catalog_, {.type = AlbumListType::by_year, .limit = 10, .from_year = 2001, .to_year = 1980});
  ASSERT_TRUE(by_year.ok());
  ASSERT_EQ(by_year->size(), 2u);  // from > to: newest first
  EXPECT_EQ((*by_year)[0].year, 2000);
  EXPECT_EQ((*by_year)[1].year, 1990);
}

}  // namespace
}  // namespace dispotify::catalog::testing
