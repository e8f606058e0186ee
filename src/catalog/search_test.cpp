#include "catalog/search_query.h"
#include "catalog/test_util.h"

namespace dispotify::catalog::testing {
namespace {

TEST(SearchQuery, WordsBecomeQuotedPrefixesAnded) {
  EXPECT_EQ(fts_match_expression("Beyoncé  Crazy"), "\"beyoncé\"* AND \"crazy\"*");
  EXPECT_EQ(fts_match_expression("ÁRBOL"), "\"árbol\"*");
  EXPECT_EQ(fts_match_expression(""), "");
  EXPECT_EQ(fts_match_expression("  \t\n "), "");
  EXPECT_EQ(fts_match_expression("\"*:^()-+{}"), "");
}

TEST(SearchQuery, FtsSyntaxIsStripped) {
  EXPECT_EQ(fts_match_expression("\"a\" OR b*"), "\"a\"* AND \"or\"* AND \"b\"*");
  EXPECT_EQ(fts_match_expression("NEAR(x y)"), "\"near\"* AND \"x\"* AND \"y\"*");
  EXPECT_EQ(fts_match_expression("title:foo -bar ^baz"), "\"title\"* AND \"foo\"* AND \"bar\"* AND \"baz\"*");
  EXPECT_EQ(fts_match_expression("AC/DC"), "\"ac\"* AND \"dc\"*");
}

TEST(SearchQuery, WordsAndBytesAreBounded) {
  EXPECT_EQ(fts_match_expression("a b c d e f g h i j"),
            "\"a\"* AND \"b\"* AND \"c\"* AND \"d\"* AND \"e\"* AND \"f\"* AND \"g\"* AND \"h\"*");
  EXPECT_EQ(fts_match_expression(std::string(1000, 'x')),
            "\"" + std::string(kSearchTextBytesMax, 'x') + "\"*");
}

class Search : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    add("t1", "Canción del Mariachi", {"Antonio Banderas"}, "Desperado", "Soundtrack");
    add("t2", "Crazy in Love", {"Beyoncé", "Jay-Z"}, "Dangerously in Love", "R&B");
    add("t3", "Halo", {"Beyoncé"}, "I Am... Sasha Fierce", "Pop");
    add("t4", "Love Song", {"Adele"}, "21", "Pop");
    add("t5", "Lovely Day", {"Bill Withers"}, "Menagerie", "Soul");
    add("t6", "Near Me", {"Ana"}, "AND \"quoted\" (stuff)", "Rock");
  }

  void add(const std::string& id, const std::string& title, std::vector<std::string> artists,
           const std::string& album, const std::string& genre) {
    Track t = make_track(id, title, std::move(artists), album);
    t.genre = genre;
    apply_ok(AddTrack{t});
  }

  std::vector<std::string> track_ids(const std::string& text) {
    auto result = catalog_->search(text, 20);
    EXPECT_TRUE(result.ok()) << text << ": " << result.error().message;
    std::vector<std::string> ids;
    if (!result.ok()) return ids;
    for (const Track& t : result->tracks) ids.push_back(t.id);
    return ids;
  }

  using Ids = std::vector<std::string>;
};

TEST_F(Search, DiacriticsAndCaseDoNotMatter) {
  EXPECT_EQ(track_ids("cancion"), Ids{"t1"});
  EXPECT_EQ(track_ids("CANCIÓN"), Ids{"t1"});
  EXPECT_EQ(track_ids("beyo"), (Ids{"t3", "t2"}));  // shorter document ranks first
  EXPECT_EQ(track_ids("BEYONCE"), (Ids{"t3", "t2"}));
  EXPECT_EQ(track_ids("beyoncé"), (Ids{"t3", "t2"}));
}

TEST_F(Search, EveryWordIsAPrefixAndAllMustMatch) {
  EXPECT_EQ(track_ids("lov"), (Ids{"t4", "t5", "t2"}));
  EXPECT_EQ(track_ids("crazy beyon"), Ids{"t2"});
  EXPECT_EQ(track_ids("beyon halo"), Ids{"t3"});
  EXPECT_TRUE(track_ids("beyonce adele").empty());
}

TEST_F(Search, TitleWeighsMoreThanOtherColumns) {
  // "Love" is in t2's title and album; "lovely" title of t5; t4 title.
  std::vector<std::string> ids = track_ids("love");
  ASSERT_FALSE(ids.empty());
  EXPECT_NE(ids.back(), "t4");
  add("t7", "Zed", {"Love Affair"}, "Other", "Pop");  // love only in the artist
  ids = track_ids("love");
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids.back(), "t7");
}

TEST_F(Search, SearchesAlbumsArtistsAndGenre) {
  auto result = *catalog_->search("dangerously", 20);
  ASSERT_EQ(result.albums.size(), 1u);
  EXPECT_EQ(result.albums[0].title, "Dangerously in Love");
  EXPECT_EQ(result.tracks.size(), 1u);
  result = *catalog_->search("beyon", 20);
  ASSERT_EQ(result.artists.size(), 1u);
  EXPECT_EQ(result.artists[0].name, "Beyoncé");
  EXPECT_EQ(result.albums.size(), 2u);  // album artist matches
  EXPECT_EQ(track_ids("soul"), Ids{"t5"});
  EXPECT_EQ(track_ids("banderas"), Ids{"t1"});
}

TEST_F(Search, EmptyQueryIsAnEmptyResult) {
  for (const char* text : {"", "   ", "\"\"", "*", "()", "-+^:"}) {
    auto result = catalog_->search(text, 20);
    ASSERT_TRUE(result.ok()) << text;
    EXPECT_TRUE(result->tracks.empty() && result->albums.empty() && result->artists.empty()) << text;
  }
}

TEST_F(Search, FtsSyntaxCannotBeInjected) {
  for (const char* text : {"\"",
                           "\"love",
                           "love\"",
                           "*",
                           "love*",
                           "AND",
                           "love AND",
                           "OR love",
                           "NOT",
                           "NEAR(",
                           "NEAR(love crazy)",
                           "title:halo",
                           "^halo",
                           "{title}: halo",
                           "-love",
                           "+love",
                           "lo\"ve",
                           "¿",
                           "¡hola!",
                           "a'b",
                           "\\",
                           "%",
                           "_",
                           "''"}) {
    auto result = catalog_->search(text, 20);
    EXPECT_TRUE(result.ok()) << text << ": " << result.error().message;
  }
  EXPECT_EQ(track_ids("near"), Ids{"t6"});
  EXPECT_EQ(track_ids("AND quoted"), Ids{"t6"});
  EXPECT_EQ(track_ids("\"quoted\" (stuff"), Ids{"t6"});
  EXPECT_EQ(track_ids("title:halo"), Ids{});  // "title" is a word, not a column filter
}

TEST_F(Search, LimitPerKindIsValidatedAndApplied) {
  EXPECT_EQ(catalog_->search("love", 0).error().code, Errc::invalid_argument);
  EXPECT_EQ(catalog_->search("love", 501).error().code, Errc::invalid_argument);
  EXPECT_EQ(catalog_->search("lov", 2)->tracks.size(), 2u);
}

TEST_F(Search, DeletedTracksLeaveTheIndex) {
  apply_ok(DeleteTrack{"t3"});
  EXPECT_EQ(track_ids("beyo"), Ids{"t2"});
  apply_ok(DeleteTrack{"t2"});
  auto result = *catalog_->search("beyo", 20);
  EXPECT_TRUE(result.tracks.empty());
  EXPECT_TRUE(result.albums.empty());
  EXPECT_TRUE(result.artists.empty());
}

TEST_F(Search, TiesGoToTheName) {
  add("t10", "Zebra", {"Same"}, "X1", "Jazz");
  add("t11", "Apple", {"Same"}, "X1", "Jazz");
  add("t12", "Mango", {"Same"}, "X1", "Jazz");
  EXPECT_EQ(track_ids("jazz"), (Ids{"t11", "t12", "t10"}));
}

TEST(SearchCap, BroadQueriesRankTheNewestMatches) {
  TempDir dir;
  auto catalog = std::move(Catalog::open(dir.file("c.db"), CatalogOptions{.sync = SyncMode::off})).value();
  constexpr int kTracks = 600;  // more than are ranked
  for (int i = 1; i <= kTracks; ++i) {
    // Only the oldest track has "common" in its title, the best match.
    std::string title = i == 1 ? "Common" : "Song " + std::to_string(i);
    Track t = make_track("t" + std::to_string(i), title, {"Common People"}, "LP " + std::to_string(i % 50));
    ASSERT_TRUE(catalog->apply(static_cast<uint64_t>(i), AddTrack{t}).ok());
  }
  auto result = catalog->search("common", 20);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->tracks.size(), 20u);
  // The newest matches were ranked; the oldest was beyond the cap.
  for (const Track& t : result->tracks) EXPECT_NE(t.id, "t1");
  // Below the cap every match is ranked, and the title match wins.
  uint64_t index = catalog->applied_index();
  for (int i = kTracks; i > 450; --i) {
    ASSERT_TRUE(catalog->apply(++index, DeleteTrack{"t" + std::to_string(i)}).ok());
  }
  result = catalog->search("common", 20);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->tracks.size(), 20u);
  EXPECT_EQ(result->tracks[0].id, "t1");
}

}  // namespace
}  // namespace dispotify::catalog::testing
