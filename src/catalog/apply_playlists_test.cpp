#include "catalog/test_util.h"

namespace dispotify::catalog::testing {
namespace {

class ApplyPlaylists : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    apply_ok(CreateUser{make_user("u1", "Ana")});
    apply_ok(CreateUser{make_user("u2", "Bob")});
    for (const char* id : {"a", "b", "c", "d", "e"}) {
      Track t = make_track(id, std::string("Song ") + id, {"Ana"}, "LP");
      t.duration_ms = 1000;
      apply_ok(AddTrack{t});
    }
    apply_ok(CreatePlaylist{make_playlist("p1", "u1", "Mine")});
  }

  std::vector<std::string> entries(const std::string& playlist_id = "p1") {
    auto detail = catalog_->playlist(playlist_id);
    EXPECT_TRUE(detail.ok() && detail->has_value());
    std::vector<std::string> ids;
    if (!detail.ok() || !detail->has_value()) return ids;
    for (const Track& t : (*detail)->tracks) ids.push_back(t.id);
    EXPECT_EQ((*detail)->playlist.track_count, static_cast<int>(ids.size()));
    return ids;
  }

  using Ids = std::vector<std::string>;
};

TEST_F(ApplyPlaylists, CreateAndList) {
  auto mine = catalog_->playlists_of("u1");
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].name, "Mine");
  EXPECT_EQ((*mine)[0].track_count, 0);
  EXPECT_TRUE(catalog_->playlists_of("u2")->empty());
  expect_error(CreatePlaylist{make_playlist("p1", "u2", "Dup")}, Errc::conflict);
  expect_error(CreatePlaylist{make_playlist("p9", "nobody", "X")}, Errc::not_found);
  expect_error(CreatePlaylist{make_playlist("p9", "u1", "")}, Errc::invalid_argument);
  expect_error(CreatePlaylist{make_playlist("", "u1", "X")}, Errc::invalid_argument);
}

TEST_F(ApplyPlaylists, AppendAndInsert) {
  apply_ok(AddPlaylistTracks{"p1", "u1", {"a", "b"}, -1, 20});
  apply_ok(AddPlaylistTracks{"p1", "u1", {"c"}, -1, 21});
  EXPECT_EQ(entries(), (Ids{"a", "b", "c"}));
  apply_ok(AddPlaylistTracks{"p1", "u1", {"d", "e"}, 1, 22});
  EXPECT_EQ(entries(), (Ids{"a", "d", "e", "b", "c"}));
  apply_ok(AddPlaylistTracks{"p1", "u1", {"a"}, 0, 23});  // duplicates are allowed
  EXPECT_EQ(entries(), (Ids{"a", "a", "d", "e", "b", "c"}));
  apply_ok(AddPlaylistTracks{"p1", "u1", {"e"}, 6, 24});  // position == size appends
  EXPECT_EQ(entries(), (Ids{"a", "a", "d", "e", "b", "c", "e"}));
  Playlist p = (**catalog_->playlist("p1")).playlist;
  EXPECT_EQ(p.duration_ms, 7000);
  EXPECT_EQ(p.updated_at_ms, 24);
  EXPECT_EQ(p.created_at_ms, 10);
}

TEST_F(ApplyPlaylists, AddValidates) {
  apply_ok(AddPlaylistTracks{"p1", "u1", {"a"}, -1, 20});
  expect_error(AddPlaylistTracks{"p1", "u1", {"b"}, 2, 21}, Errc::invalid_argument);
  expect_error(AddPlaylistTracks{"p1", "u1", {"b"}, -2, 21}, Errc::invalid_argument);
  expect_error(AddPlaylistTracks{"p1", "u1", {}, -1, 21}, Errc::invalid_argument);
  expect_error(AddPlaylistTracks{"p1", "u1", {"b", "missing"}, -1, 21}, Errc::not_found);
  expect_error(AddPlaylistTracks{"p1", "u2", {"b"}, -1, 21}, Errc::permission_denied);
  expect_error(AddPlaylistTracks{"nope", "u1", {"b"}, -1, 21}, Errc::not_found);
  EXPECT_EQ(entries(), (Ids{"a"}));
  EXPECT_EQ((**catalog_->playlist("p1")).playlist.updated_at_ms, 20);
}

TEST_F(ApplyPlaylists, RemovePositionsOfTheListBefore) {
  apply_ok(AddPlaylistTracks{"p1", "u1", {"a", "b", "c", "d", "e"}, -1, 20});
  apply_ok(RemovePlaylistTracks{"p1", "u1", {3, 0}, 21});
  EXPECT_EQ(entries(), (Ids{"b", "c", "e"}));
  expect_error(RemovePlaylistTracks{"p1", "u1", {3}, 22}, Errc::invalid_argument);
  expect_error(RemovePlaylistTracks{"p1", "u1", {-1}, 22}, Errc::invalid_argument);
  expect_error(RemovePlaylistTracks{"p1", "u1", {1, 1}, 22}, Errc::invalid_argument);
  expect_error(RemovePlaylistTracks{"p1", "u1", {}, 22}, Errc::invalid_argument);
  expect_error(RemovePlaylistTracks{"p1", "u2", {0}, 22}, Errc::permission_denied);
  EXPECT_EQ(entries(), (Ids{"b", "c", "e"}));
}

TEST_F(ApplyPlaylists, Move) {
  apply_ok(AddPlaylistTracks{"p1", "u1", {"a", "b", "c", "d"}, -1, 20});
  apply_ok(MovePlaylistTrack{"p1", "u1", 0, 3, 21});
  EXPECT_EQ(entries(), (Ids{"b", "c", "d", "a"}));
  apply_ok(MovePlaylistTrack{"p1", "u1", 3, 1, 22});
  EXPECT_EQ(entries(), (Ids{"b", "a", "c", "d"}));
  apply_ok(MovePlaylistTrack{"p1", "u1", 2, 2, 23});
  EXPECT_EQ(entries(), (Ids{"b", "a", "c", "d"}));
  expect_error(MovePlaylistTrack{"p1", "u1", 4, 0, 24}, Errc::invalid_argument);
  expect_error(MovePlaylistTrack{"p1", "u1", 0, 4, 24}, Errc::invalid_argument);
  expect_error(MovePlaylistTrack{"p1", "u2", 0, 1, 24}, Errc::permission_denied);
  expect_error(MovePlaylistTrack{"nope", "u1", 0, 1, 24}, Errc::not_found);
  EXPECT_EQ((**catalog_->playlist("p1")).playlist.updated_at_ms, 23);
}

TEST_F(ApplyPlaylists, OwnerAloneFollowsCreateAndDelete) {
  EXPECT_EQ(catalog_->playlist_owner("p1").value(), std::optional<std::string>("u1"));
  EXPECT_EQ(catalog_->playlist_owner("nope").value(), std::nullopt);
  apply_ok(CreatePlaylist{make_playlist("p2", "u2", "Bob's")});
  EXPECT_EQ(catalog_->playlist_owner("p2").value(), std::optional<std::string>("u2"));
  apply_ok(DeletePlaylist{"p1", "u1"});
  EXPECT_EQ(catalog_->playlist_owner("p1").value(), std::nullopt);
}

TEST_F(ApplyPlaylists, RenameAndDelete) {
  apply_ok(RenamePlaylist{"p1", "u1", "Road trip", 30});
  Playlist p = (**catalog_->playlist("p1")).playlist;
  EXPECT_EQ(p.name, "Road trip");
  EXPECT_EQ(p.updated_at_ms, 30);
  expect_error(RenamePlaylist{"p1", "u2", "Stolen", 31}, Errc::permission_denied);
  expect_error(RenamePlaylist{"p1", "u1", "", 31}, Errc::invalid_argument);
  expect_error(RenamePlaylist{"nope", "u1", "X", 31}, Errc::not_found);
  expect_error(DeletePlaylist{"p1", "u2"}, Errc::permission_denied);
  apply_ok(AddPlaylistTracks{"p1", "u1", {"a"}, -1, 32});
  apply_ok(DeletePlaylist{"p1", "u1"});
  EXPECT_FALSE(catalog_->playlist("p1")->has_value());
  expect_error(DeletePlaylist{"p1", "u1"}, Errc::not_found);
  EXPECT_EQ(catalog_->counts()->playlists, 0);
}

TEST_F(ApplyPlaylists, AdminsAreNotSpecialInApply) {
  apply_ok(CreateUser{make_user("root", "Root", kRoleAdmin)});
  expect_error(RenamePlaylist{"p1", "root", "Mine now", 40}, Errc::permission_denied);
}

TEST_F(ApplyPlaylists, DeleteTrackRenumbersEveryPlaylist) {
  apply_ok(CreatePlaylist{make_playlist("p2", "u2", "Bob's")});
  apply_ok(AddPlaylistTracks{"p1", "u1", {"a", "b", "a", "c"}, -1, 20});
  apply_ok(AddPlaylistTracks{"p2", "u2", {"c", "a"}, -1, 20});
  apply_ok(DeleteTrack{"a"});
  EXPECT_EQ(entries("p1"), (Ids{"b", "c"}));
  EXPECT_EQ(entries("p2"), (Ids{"c"}));
  apply_ok(MovePlaylistTrack{"p1", "u1", 1, 0, 21});  // positions are dense again
  EXPECT_EQ(entries("p1"), (Ids{"c", "b"}));
}

TEST_F(ApplyPlaylists, FailedCommandChangesNothingButTheIndex) {
  apply_ok(AddPlaylistTracks{"p1", "u1", {"a"}, -1, 20});
  uint64_t before = catalog_->applied_index();
  Status status = apply(AddPlaylistTracks{"p1", "u1", {"b", "zzz"}, -1, 21});
  EXPECT_EQ(status.error().code, Errc::not_found);
  EXPECT_NE(status.error().message.find("zzz"), std::string::npos);
  EXPECT_EQ(catalog_->applied_index(), before + 1);
  EXPECT_EQ(entries(), (Ids{"a"}));
}

}  // namespace
}  // namespace dispotify::catalog::testing
