// Two catalogs that apply the same commands hold the same data: the
// property Raft replication relies on.
#include <random>

#include "catalog/sqlite_db.h"
#include "catalog/test_util.h"

namespace dispotify::catalog::testing {
namespace {

// A seeded mix of valid and invalid commands over a small world of names,
// so that albums, artists and playlists are shared, emptied and refilled.
class CommandGenerator {
 public:
  explicit CommandGenerator(uint32_t seed) : rng_(seed) {}

  Command next(int step) {
    switch (pick(10)) {
      case 0: return CreateUser{make_user("u" + std::to_string(pick(6)), "user" + std::to_string(pick(8)))};
      case 1: return DeleteTrack{"t" + std::to_string(pick(step + 1))};
      case 2: return CreatePlaylist{make_playlist("p" + std::to_string(pick(5)), user(), "list")};
      case 3: return AddPlaylistTracks{playlist(), user(), {track(step), track(step)}, pick(4) - 1, step};
      case 4: return RemovePlaylistTracks{playlist(), user(), {pick(4)}, step};
      case 5: return MovePlaylistTrack{playlist(), user(), pick(4), pick(4), step};
      case 6: return DeleteUser{user()};
      default: return AddTrack{random_track(step)};
    }
  }

 private:
  int64_t pick(int64_t n) { return std::uniform_int_distribution<int64_t>(0, n - 1)(rng_); }
  std::string user() { return "u" + std::to_string(pick(6)); }
  std::string playlist() { return "p" + std::to_string(pick(5)); }
  std::string track(int step) { return "t" + std::to_string(pick(step + 1)); }

  Track random_track(int step) {
    static const char* kArtists[] = {"Ana", "ana", "Bob", "Beyoncé", "Çelik", "Zed"};
    static const char* kAlbums[] = {"One", "Two", "two", "Hits", ""};
    std::vector<std::string> artists = {kArtists[pick(6)]};
    if (pick(3) == 0) artists.emplace_back(kArtists[pick(6)]);
    Track t =
        make_track("t" + std::to_string(step), "Song " + std::to_string(pick(50)), artists, kAlbums[pick(5)]);
    t.compilation = pick(4) == 0;
    t.disc_number = static_cast<int>(pick(3));
    t.track_number = static_cast<int>(pick(12));
    t.year = 1990 + static_cast<int>(pick(30));
    t.genre = pick(2) == 0 ? "Rock" : "Pop";
    t.cover_hash = pick(2) == 0 ? "" : "cover" + std::to_string(pick(3));
    t.content_hash = "h" + std::to_string(pick(400));  // sometimes a duplicate
    t.created_at_ms = step;
    return t;
  }

  std::mt19937 rng_;
};

// Every row of every table, as text, in storage (rowid or primary key) order.
std::string dump(const std::string& path) {
  auto db = Db::open(path, DbOptions{.role = DbRole::reader});
  EXPECT_TRUE(db.ok());
  std::vector<std::string> tables;
  {
    auto names = (*db)->prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    while (*names->step()) tables.push_back(names->column_string(0));
  }
  std::string out;
  for (const std::string& table : tables) {
    out += "== " + table + "\n";
    auto rows = (*db)->prepare("SELECT * FROM \"" + table + "\"");
    EXPECT_TRUE(rows.ok()) << table;
    while (*rows->step()) {
      for (int c = 0; c < rows->column_count(); ++c) out += rows->column_string(c) + "|";
      out += "\n";
    }
  }
  return out;
}

std::string summary(Catalog& catalog) {
  std::string out;
  Page<Track> tracks = *catalog.tracks({.limit = 500});
  Page<Album> albums = *catalog.albums({.limit = 500, .sort = "artist"});
  Page<Artist> artists = *catalog.artists({.limit = 500});
  for (const Track& t : tracks.items) out += encode_command(AddTrack{t}) + "\n";
  for (const Album& a : albums.items) {
    out += a.id + a.title + std::to_string(a.track_count) + a.genre + a.cover_hash + "\n";
  }
  for (const Artist& r : artists.items) {
    out += r.id + r.name + std::to_string(r.album_count) + std::to_string(r.track_count) + "\n";
  }
  for (const char* text : {"song", "ana", "beyonce", "hits two"}) {
    SearchResult result = *catalog.search(text, 50);
    for (const Track& t : result.tracks) out += t.id + ",";
    for (const Album& a : result.albums) out += a.id + ",";
    for (const Artist& r : result.artists) out += r.id + ",";
    out += "\n";
  }
  for (int p = 0; p < 5; ++p) {
    auto detail = *catalog.playlist("p" + std::to_string(p));
    if (!detail) continue;
    for (const Track& t : detail->tracks) out += t.id + ",";
    out += "\n";
  }
  return out;
}

TEST(Determinism, SameCommandsSameCatalog) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TempDir dir;
    // Durability is not what this test is about: skip the fsyncs.
    auto first = std::move(Catalog::open(dir.file("a.db"), CatalogOptions{.sync = SyncMode::off})).value();
    auto second = std::move(Catalog::open(dir.file("b.db"), CatalogOptions{.sync = SyncMode::off})).value();
    CommandGenerator generator(seed);
    int failures = 0;
    for (int step = 1; step <= 250; ++step) {
      Command command = generator.next(step);
      // The second node gets the command through its JSON form, as through the log.
      Result<Command> decoded = decode_command(encode_command(command));
      ASSERT_TRUE(decoded.ok());
      Status a = first->apply(static_cast<uint64_t>(step), command);
      Status b = second->apply(static_cast<uint64_t>(step), *decoded);
      ASSERT_EQ(a.ok(), b.ok()) << "step " << step;
      if (!a.ok()) {
        ++failures;
        EXPECT_EQ(a.error().code, b.error().code);
        EXPECT_EQ(a.error().message, b.error().message);
      }
    }
    EXPECT_GT(failures, 10);  // the mix exercises error paths
    EXPECT_GT(first->counts()->tracks, 20);
    EXPECT_EQ(summary(*first), summary(*second));
    EXPECT_EQ(*first->counts(), *second->counts());
    first.reset();
    second.reset();
    std::string dump_a = dump(dir.file("a.db"));
    EXPECT_GT(dump_a.size(), 10000u);
    EXPECT_EQ(dump_a, dump(dir.file("b.db")));
  }
}

}  // namespace
}  // namespace dispotify::catalog::testing
