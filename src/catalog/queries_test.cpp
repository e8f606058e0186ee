#include "catalog/ids.h"
#include "catalog/test_util.h"

namespace dispotify::catalog::testing {
namespace {

class Queries : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    add("t1", "banana", "Zed", "Beta", 2001, 300, 30);
    add("t2", "Apple", "ana", "alpha", 1999, 100, 20);
    add("t3", "cherry", "Bob", "Gamma", 2005, 200, 10);
  }
  void add(const std::string& id, const std::string& title, const std::string& artist,
           const std::string& album, int year, int64_t duration_ms, int64_t created_at_ms) {
    Track t = make_track(id, title, {artist}, album);
    t.year = year;
    t.duration_ms = duration_ms;
    t.created_at_ms = created_at_ms;
    apply_ok(AddTrack{t});
  }
  std::vector<std::string> track_ids(TrackListQuery query) {
    auto page = catalog_->tracks(query);
    EXPECT_TRUE(page.ok()) << page.error().message;
    std::vector<std::string> ids;
    if (!page.ok()) return ids;
    EXPECT_EQ(page->total, 3);
    for (const Track& t : page->items) ids.push_back(t.id);
    return ids;
  }
  std::vector<std::string> album_titles(AlbumListQuery query) {
    auto page = catalog_->albums(query);
    EXPECT_TRUE(page.ok()) << page.error().message;
    std::vector<std::string> titles;
    if (!page.ok()) return titles;
    EXPECT_EQ(page->total, 3);
    for (const Album& a : page->items) titles.push_back(a.title);
    return titles;
  }
  using Ids = std::vector<std::string>;
};

TEST_F(Queries, TrackSortsAreCaseInsensitiveAndReversible) {
  EXPECT_EQ(track_ids({}), (Ids{"t2", "t1", "t3"}));
  EXPECT_EQ(track_ids({.sort = "title", .order = SortOrder::desc}), (Ids{"t3", "t1", "t2"}));
  EXPECT_EQ(track_ids({.sort = "artist"}), (Ids{"t2", "t3", "t1"}));
  EXPECT_EQ(track_ids({.sort = "album"}), (Ids{"t2", "t1", "t3"}));
  EXPECT_EQ(track_ids({.sort = "year"}), (Ids{"t2", "t1", "t3"}));
  EXPECT_EQ(track_ids({.sort = "duration", .order = SortOrder::desc}), (Ids{"t1", "t3", "t2"}));
  EXPECT_EQ(track_ids({.sort = "created_at"}), (Ids{"t3", "t2", "t1"}));
}

TEST_F(Queries, TrackPaging) {
  EXPECT_EQ(track_ids({.offset = 1, .limit = 1}), Ids{"t1"});
  EXPECT_EQ(track_ids({.offset = 2, .limit = 5}), Ids{"t3"});
  EXPECT_EQ(track_ids({.offset = 3, .limit = 5}), Ids{});
  EXPECT_EQ(catalog_->tracks({.limit = 0}).error().code, Errc::invalid_argument);
  EXPECT_EQ(catalog_->tracks({.limit = 501}).error().code, Errc::invalid_argument);
  EXPECT_EQ(catalog_->tracks({.offset = -1}).error().code, Errc::invalid_argument);
  EXPECT_TRUE(catalog_->tracks({.limit = 500}).ok());
}

TEST_F(Queries, UnknownSortIsRejected) {
  EXPECT_EQ(catalog_->tracks({.sort = "title; DROP TABLE tracks"}).error().code, Errc::invalid_argument);
  EXPECT_EQ(catalog_->tracks({.sort = "name"}).error().code, Errc::invalid_argument);
  EXPECT_EQ(catalog_->albums({.sort = "title"}).error().code, Errc::invalid_argument);
  EXPECT_EQ(catalog_->albums({.sort = "duration"}).error().code, Errc::invalid_argument);
}

TEST_F(Queries, AlbumSorts) {
  EXPECT_EQ(album_titles({}), (Ids{"alpha", "Beta", "Gamma"}));
  EXPECT_EQ(album_titles({.sort = "name", .order = SortOrder::desc}), (Ids{"Gamma", "Beta", "alpha"}));
  EXPECT_EQ(album_titles({.sort = "artist"}), (Ids{"alpha", "Gamma", "Beta"}));
  EXPECT_EQ(album_titles({.sort = "year", .order = SortOrder::desc}), (Ids{"Gamma", "Beta", "alpha"}));
  EXPECT_EQ(album_titles({.sort = "created_at"}), (Ids{"Gamma", "alpha", "Beta"}));
  EXPECT_EQ(album_titles({.offset = 1, .limit = 1}), Ids{"Beta"});
  EXPECT_EQ(catalog_->albums({.offset = -5}).error().code, Errc::invalid_argument);
}

TEST_F(Queries, ArtistsByName) {
  auto page = catalog_->artists({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->items[0].name, "ana");
  EXPECT_EQ(page->items[1].name, "Bob");
  EXPECT_EQ(page->items[2].name, "Zed");
  EXPECT_EQ(page->items[0].album_count, 1);
  EXPECT_EQ(page->items[0].track_count, 1);
  EXPECT_EQ(catalog_->artists({.offset = 2, .limit = 10})->items.size(), 1u);
  EXPECT_EQ(catalog_->artists({.limit = 1000}).error().code, Errc::invalid_argument);
}

TEST_F(Queries, ArtistDetailOrdersAlbumsByYear) {
  add("t4", "Later", "Bob", "Delta", 1990, 100, 40);
  add("t5", "Guest", "Bob", "Beta", 2001, 100, 50);  // Bob on his own "Beta", not Zed's
  Track feat = make_track("t6", "Feat", {"Zed", "Bob"}, "Beta");
  apply_ok(AddTrack{feat});  // Bob as a guest on Zed's album
  ArtistDetail bob = **catalog_->artist(artist_id_for("bob"));
  EXPECT_EQ(bob.artist.album_count, 3);
  EXPECT_EQ(bob.artist.track_count, 4);
  ASSERT_EQ(bob.albums.size(), 3u);
  EXPECT_EQ(bob.albums[0].title, "Delta");
  EXPECT_EQ(bob.albums[1].title, "Beta");
  EXPECT_EQ(bob.albums[2].title, "Gamma");
  ASSERT_EQ(bob.tracks.size(), 1u);
  EXPECT_EQ(bob.tracks[0].id, "t6");
  EXPECT_FALSE(catalog_->artist("nobody")->has_value());
  EXPECT_FALSE(catalog_->album("nothing")->has_value());
  EXPECT_FALSE(catalog_->playlist("nothing")->has_value());
  EXPECT_FALSE(catalog_->track("nothing")->has_value());
  EXPECT_FALSE(catalog_->track_by_hash("nothing")->has_value());
}

}  // namespace
}  // namespace dispotify::catalog::testing
