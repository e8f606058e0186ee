#include "catalog/ids.h"
#include "catalog/test_util.h"

namespace dispotify::catalog::testing {
namespace {

using ApplyTracks = CatalogTest;

Album album_of(Catalog& catalog, const std::string& album_artist, const std::string& title) {
  auto detail = catalog.album(album_id_for(album_artist, title));
  EXPECT_TRUE(detail.ok() && detail->has_value()) << album_artist << " / " << title;
  return detail.ok() && detail->has_value() ? (*detail)->album : Album{};
}

TEST_F(ApplyTracks, AddTrackDerivesGroupingFields) {
  Track tagged = make_track("t1", "Crazy in Love", {"Beyoncé", " Jay-Z "}, "Dangerously in Love");
  tagged.album_id = "ignored";
  tagged.artist_id = "ignored";
  tagged.artist = "ignored";
  apply_ok(AddTrack{tagged});
  Track stored = **catalog_->track("t1");
  EXPECT_EQ(stored.artists, (std::vector<std::string>{"Beyoncé", "Jay-Z"}));
  EXPECT_EQ(stored.artist, "Beyoncé, Jay-Z");
  EXPECT_EQ(stored.album_artist, "Beyoncé");
  EXPECT_EQ(stored.album_id, album_id_for("Beyoncé", "Dangerously in Love"));
  EXPECT_EQ(stored.artist_id, artist_id_for("Beyoncé"));
  EXPECT_EQ(stored.title, tagged.title);
  EXPECT_EQ(stored.content_hash, tagged.content_hash);
  EXPECT_EQ(**catalog_->track_by_hash("hash-t1"), stored);
}

TEST_F(ApplyTracks, StoresEveryField) {
  Track t = make_track("t1", "Song", {"Ana"}, "Album");
  t.album_artist = "Ana";
  t.track_total = 9;
  t.disc_total = 1;
  t.bitrate_kbps = 256;
  t.sample_rate = 48000;
  t.channels = 2;
  t.size_bytes = 1ULL << 40;
  t.cover_hash = "cover";
  t.replaygain_track_gain_db = -3.5;
  t.replaygain_album_peak = 0.5;
  t.lyrics = "la la";
  t.musicbrainz_track_id = "mbt";
  t.musicbrainz_album_id = "mba";
  t.musicbrainz_artist_id = "mbr";
  apply_ok(AddTrack{t});
  t.artist = "Ana";
  t.album_id = album_id_for("Ana", "Album");
  t.artist_id = artist_id_for("Ana");
  EXPECT_EQ(**catalog_->track("t1"), t);
}

TEST_F(ApplyTracks, EmptyTagsGetPlaceholders) {
  apply_ok(AddTrack{make_track("t1", "Song", {"", "  "}, "")});
  Track stored = **catalog_->track("t1");
  EXPECT_EQ(stored.artists, std::vector<std::string>{kUnknownArtist});
  EXPECT_EQ(stored.album, kUnknownAlbum);
  EXPECT_EQ(stored.album_artist, kUnknownArtist);
}

TEST_F(ApplyTracks, AddTrackConflicts) {
  apply_ok(AddTrack{make_track("t1", "Song", {"Ana"}, "Album")});
  Track same_id = make_track("t1", "Other", {"Ana"}, "Album");
  same_id.content_hash = "other-hash";
  Status status = apply(AddTrack{same_id});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::conflict);
  EXPECT_NE(status.error().message.find("track id"), std::string::npos);
  Track same_hash = make_track("t2", "Other", {"Ana"}, "Album");
  same_hash.content_hash = "hash-t1";
  status = apply(AddTrack{same_hash});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::conflict);
  EXPECT_NE(status.error().message.find("content_hash"), std::string::npos);
  EXPECT_EQ(catalog_->counts()->tracks, 1);
  EXPECT_EQ(catalog_->applied_index(), 3u);
}

TEST_F(ApplyTracks, AddTrackValidates) {
  expect_error(AddTrack{make_track("", "Song", {"Ana"}, "Album")}, Errc::invalid_argument);
  Track no_hash = make_track("t1", "Song", {"Ana"}, "Album");
  no_hash.content_hash.clear();
  expect_error(AddTrack{no_hash}, Errc::invalid_argument);
  Track nan_gain = make_track("t1", "Song", {"Ana"}, "Album");
  nan_gain.replaygain_track_gain_db = std::numeric_limits<double>::quiet_NaN();
  expect_error(AddTrack{nan_gain}, Errc::invalid_argument);
  EXPECT_EQ(catalog_->counts()->tracks, 0);
}

TEST_F(ApplyTracks, CompilationGoesToVariousArtists) {
  Track a = make_track("t1", "One", {"Ana"}, "Hits 2000");
  a.compilation = true;
  Track b = make_track("t2", "Two", {"Bob"}, "Hits 2000");
  b.compilation = true;
  apply_ok(AddTrack{a});
  apply_ok(AddTrack{b});
  Album album = album_of(*catalog_, kVariousArtists, "Hits 2000");
  EXPECT_EQ(album.album_artist, kVariousArtists);
  EXPECT_EQ(album.track_count, 2);
  EXPECT_TRUE(album.compilation);
  EXPECT_EQ(catalog_->counts()->albums, 1);
  auto various = catalog_->artist(artist_id_for(kVariousArtists));
  ASSERT_TRUE(various.ok() && various->has_value());
  EXPECT_EQ((*various)->artist.album_count, 1);
  EXPECT_EQ((*various)->artist.track_count, 0);
  // Ana's page shows her appearance on the compilation.
  auto ana = **catalog_->artist(artist_id_for("Ana"));
  EXPECT_TRUE(ana.albums.empty());
  ASSERT_EQ(ana.tracks.size(), 1u);
  EXPECT_EQ(ana.tracks[0].id, "t1");
}

TEST_F(ApplyTracks, TagAlbumArtistWinsOverCompilation) {
  Track a = make_track("t1", "One", {"Ana"}, "Mix");
  a.compilation = true;
  a.album_artist = "DJ Zed";
  apply_ok(AddTrack{a});
  EXPECT_EQ(album_of(*catalog_, "DJ Zed", "Mix").track_count, 1);
}

TEST_F(ApplyTracks, MultiDiscAlbumIsOneAlbum) {
  Track d1 = make_track("t1", "Intro", {"Ana"}, "Double");
  Track d2 = make_track("t2", "Outro", {"Ana"}, "double");  // case differs
  d2.disc_number = 2;
  Track d1b = make_track("t3", "Second", {"Ana"}, "Double");
  d1b.track_number = 2;
  apply_ok(AddTrack{d2});
  apply_ok(AddTrack{d1b});
  apply_ok(AddTrack{d1});
  auto detail = **catalog_->album(album_id_for("Ana", "Double"));
  EXPECT_EQ(detail.album.track_count, 3);
  EXPECT_EQ(detail.album.disc_count, 2);
  EXPECT_EQ(detail.album.title, "double");  // the first track to arrive named it
  ASSERT_EQ(detail.tracks.size(), 3u);
  EXPECT_EQ(detail.tracks[0].id, "t1");  // disc 1 track 1
  EXPECT_EQ(detail.tracks[1].id, "t3");  // disc 1 track 2
  EXPECT_EQ(detail.tracks[2].id, "t2");  // disc 2
}

TEST_F(ApplyTracks, SameTitleDifferentArtistsAreTwoAlbums) {
  apply_ok(AddTrack{make_track("t1", "One", {"Ana"}, "Greatest Hits")});
  apply_ok(AddTrack{make_track("t2", "Two", {"Bob"}, "Greatest Hits")});
  EXPECT_EQ(catalog_->counts()->albums, 2);
  EXPECT_NE(album_id_for("Ana", "Greatest Hits"), album_id_for("Bob", "Greatest Hits"));
  EXPECT_EQ(album_of(*catalog_, "Ana", "Greatest Hits").track_count, 1);
  EXPECT_EQ(album_of(*catalog_, "Bob", "Greatest Hits").track_count, 1);
}

TEST_F(ApplyTracks, AlbumAggregates) {
  Track a = make_track("t1", "A", {"Ana"}, "LP");
  a.year = 1999;
  a.genre = "Pop";
  a.duration_ms = 1000;
  a.created_at_ms = 50;
  a.track_number = 2;
  a.cover_hash = "cover-a";
  Track b = make_track("t2", "B", {"Ana"}, "LP");
  b.year = 2001;
  b.genre = "Rock";
  b.duration_ms = 2000;
  b.created_at_ms = 40;
  b.track_number = 1;
  Track c = make_track("t3", "C", {"Ana"}, "LP");
  c.year = 2000;
  c.genre = "Pop";
  c.duration_ms = 3000;
  c.created_at_ms = 60;
  c.track_number = 3;
  c.cover_hash = "cover-c";
  apply_ok(AddTrack{a});
  apply_ok(AddTrack{b});
  apply_ok(AddTrack{c});
  Album album = album_of(*catalog_, "Ana", "LP");
  EXPECT_EQ(album.year, 2001);
  EXPECT_EQ(album.genre, "Pop");
  EXPECT_EQ(album.track_count, 3);
  EXPECT_EQ(album.duration_ms, 6000);
  EXPECT_EQ(album.created_at_ms, 40);
  EXPECT_EQ(album.cover_hash, "cover-a");  // track 2 is the first with a cover
  EXPECT_EQ(album.artist_id, artist_id_for("Ana"));

  apply_ok(DeleteTrack{"t1"});
  album = album_of(*catalog_, "Ana", "LP");
  EXPECT_EQ(album.track_count, 2);
  EXPECT_EQ(album.duration_ms, 5000);
  EXPECT_EQ(album.genre, "Pop");  // tie Pop/Rock: the smallest
  EXPECT_EQ(album.cover_hash, "cover-c");
  apply_ok(DeleteTrack{"t2"});
  album = album_of(*catalog_, "Ana", "LP");
  EXPECT_EQ(album.year, 2000);
  EXPECT_EQ(album.created_at_ms, 60);
}

TEST_F(ApplyTracks, DeletingLastTrackRemovesAlbumAndArtists) {
  apply_ok(AddTrack{make_track("t1", "One", {"Ana", "Bob"}, "Duo")});
  apply_ok(AddTrack{make_track("t2", "Two", {"Bob"}, "Solo")});
  Counts counts = *catalog_->counts();
  EXPECT_EQ(counts.albums, 2);
  EXPECT_EQ(counts.artists, 2);
  EXPECT_EQ(counts.track_bytes, 2000);
  EXPECT_EQ((**catalog_->artist(artist_id_for("Bob"))).artist.track_count, 2);

  apply_ok(DeleteTrack{"t1"});
  counts = *catalog_->counts();
  EXPECT_EQ(counts.tracks, 1);
  EXPECT_EQ(counts.albums, 1);
  EXPECT_EQ(counts.artists, 1);
  EXPECT_EQ(counts.track_bytes, 1000);
  EXPECT_FALSE(catalog_->artist(artist_id_for("Ana"))->has_value());
  EXPECT_FALSE(catalog_->album(album_id_for("Ana", "Duo"))->has_value());
  Artist bob = (**catalog_->artist(artist_id_for("Bob"))).artist;
  EXPECT_EQ(bob.track_count, 1);
  EXPECT_EQ(bob.album_count, 1);

  apply_ok(DeleteTrack{"t2"});
  EXPECT_EQ(*catalog_->counts(), Counts{});
  expect_error(DeleteTrack{"t2"}, Errc::not_found);
}

TEST_F(ApplyTracks, ArtistListedTwiceCountsOnce) {
  apply_ok(AddTrack{make_track("t1", "One", {"Ana", "ANA"}, "LP")});
  Artist ana = (**catalog_->artist(artist_id_for("ana"))).artist;
  EXPECT_EQ(ana.track_count, 1);
  EXPECT_EQ(ana.name, "Ana");
  apply_ok(DeleteTrack{"t1"});
  EXPECT_EQ(catalog_->counts()->artists, 0);
}

TEST_F(ApplyTracks, BlobReferenced) {
  Track t = make_track("t1", "One", {"Ana"}, "LP");
  t.cover_hash = "cover-1";
  apply_ok(AddTrack{t});
  EXPECT_TRUE(*catalog_->blob_referenced("hash-t1"));
  EXPECT_TRUE(*catalog_->blob_referenced("cover-1"));
  EXPECT_FALSE(*catalog_->blob_referenced("other"));
  EXPECT_FALSE(*catalog_->blob_referenced(""));
  apply_ok(DeleteTrack{"t1"});
  EXPECT_FALSE(*catalog_->blob_referenced("hash-t1"));
  EXPECT_FALSE(*catalog_->blob_referenced("cover-1"));
}

}  // namespace
}  // namespace dispotify::catalog::testing
