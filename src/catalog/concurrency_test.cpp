// Readers on several threads while commands are applied: every read sees
// a committed state and none fails or blocks the writer.
#include <atomic>
#include <thread>

#include "catalog/ids.h"
#include "catalog/test_util.h"

namespace dispotify::catalog::testing {
namespace {

constexpr int kTracks = 200;
constexpr int kReaders = 4;

void read_until_done(Catalog& catalog, const std::atomic<bool>& done, std::atomic<int>* reads,
                     std::atomic<int>* failures) {
  int64_t last_tracks = 0;
  uint64_t last_index = 0;
  while (!done.load()) {
    uint64_t index = catalog.applied_index();
    auto counts = catalog.counts();
    auto page = catalog.tracks({.limit = 20, .sort = "created_at", .order = SortOrder::desc});
    auto found = catalog.search("song", 20);
    auto albums = catalog.albums({.limit = 10});
    bool ok = counts.ok() && page.ok() && found.ok() && albums.ok();
    // Tracks are only added, so what a reader sees never goes back.
    ok = ok && counts->tracks >= last_tracks && index >= last_index;
    ok = ok && page->total >= static_cast<int64_t>(page->items.size());
    ok = ok && albums->total >= static_cast<int64_t>(albums->items.size());
    if (ok) {
      last_tracks = counts->tracks;
      last_index = index;
    }
    reads->fetch_add(1);
    if (!ok) failures->fetch_add(1);
  }
}

TEST(Concurrency, ReadersRunWhileApplying) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < kReaders; ++i) {
    readers.emplace_back(read_until_done, std::ref(*catalog), std::cref(done), &reads, &failures);
  }
  for (int i = 1; i <= kTracks; ++i) {
    Track t = make_track("t" + std::to_string(i), "Song " + std::to_string(i),
                         {"Artist " + std::to_string(i % 7)}, "Album " + std::to_string(i % 13));
    t.created_at_ms = i;
    Status status = catalog->apply(static_cast<uint64_t>(i), AddTrack{t});
    ASSERT_TRUE(status.ok()) << status.error().message;
  }
  done.store(true);
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), kReaders);
  EXPECT_EQ(catalog->counts()->tracks, kTracks);
  EXPECT_EQ(catalog->search("song", 500)->tracks.size(), static_cast<size_t>(kTracks));
}

TEST(Concurrency, EachReadIsOneSnapshot) {
  TempDir dir;
  auto catalog = open_catalog(dir.file("c.db"));
  ASSERT_TRUE(catalog->apply(1, AddTrack{make_track("t1", "S", {"Ana"}, "LP")}).ok());
  const std::string album_id = album_id_for("Ana", "LP");
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      // album() reads the album row and its tracks in one transaction and
      // checks that they agree; a torn read would abort the test.
      auto album = catalog->album(album_id);
      if (!album.ok() || !album->has_value() || (*album)->tracks.empty()) bad.fetch_add(1);
      reads.fetch_add(1);
    }
  });
  for (int i = 2; i <= 60; ++i) {
    ASSERT_TRUE(catalog
                    ->apply(static_cast<uint64_t>(i),
                            AddTrack{make_track("t" + std::to_string(i), "S", {"Ana"}, "LP")})
                    .ok());
  }
  done.store(true);
  reader.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ((**catalog->album(album_id)).tracks.size(), 60u);
}

}  // namespace
}  // namespace dispotify::catalog::testing
