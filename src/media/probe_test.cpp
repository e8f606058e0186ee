#include "media/probe.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <random>
#include <set>
#include <vector>

#include "media/test_fixtures.h"

namespace dispotify::media {
namespace {

using testing::TempDir;

// Generated once for the suite: tools/gen_library.py presets formats and
// untagged (about a second with ffmpeg).
class ProbeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    testing::generate_library(dir_->path(), "formats");
    testing::generate_library(dir_->file("u"), "untagged");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string path(const std::string& relative) { return dir_->file(relative); }
  static TempDir* dir_;
};

TempDir* ProbeTest::dir_ = nullptr;

// What each format must give back. The values are written out here rather
// than read from the generator's manifest, so a generator bug cannot hide a
// reader bug.
struct FormatCase {
  std::string ext;
  std::string codec;
  std::string content_type;
  int sample_rate;
  int channels;
  std::vector<std::string> artists;
  bool rich;          // album artist, disc, compilation, lyrics, track total
  bool extended;      // ReplayGain and MusicBrainz ids (ID3 TXXX, Vorbis comments)
  std::string cover;  // "" none, else the file under covers/ and its type
};

const std::vector<std::string> kTwoArtists = {"Ada Lovelace", "Grace Hopper"};
const std::vector<std::string> kOneArtist = {"Ada Lovelace"};

const FormatCase kCases[] = {
    {"mp3", "mp3", "audio/mpeg", 44100, 1, kTwoArtists, true, true, "probe.jpg"},
    {"flac", "flac", "audio/flac", 44100, 1, kTwoArtists, true, true, "probe.png"},
    {"ogg", "vorbis", "audio/ogg", 44100, 1, kOneArtist, true, true, "probe.png"},
    {"opus", "opus", "audio/ogg", 48000, 1, kOneArtist, true, true, "probe.jpg"},
    {"m4a", "aac", "audio/mp4", 44100, 2, kOneArtist, true, false, "probe.jpg"},
    {"wav", "pcm", "audio/wav", 44100, 1, kOneArtist, false, false, ""},
};

TEST_F(ProbeTest, ReadsEveryFormatExactly) {
  for (const FormatCase& c : kCases) {
    SCOPED_TRACE(c.ext);
    Result<MediaInfo> probed = probe_file(path("formats/probe." + c.ext));
    ASSERT_TRUE(probed.ok()) << probed.error().message;
    const MediaInfo& info = *probed;
    EXPECT_EQ(info.codec, c.codec);
    EXPECT_EQ(info.content_type, c.content_type);
    EXPECT_EQ(info.extension, c.ext);
    EXPECT_NEAR(info.duration_ms, 2000, 100);  // MP3 and AAC add encoder delay
    EXPECT_EQ(info.sample_rate, c.sample_rate);
    EXPECT_EQ(info.channels, c.channels);
    EXPECT_GT(info.bitrate_kbps, 0);

    EXPECT_EQ(info.title, "Probe Ünïcode Title");
    EXPECT_EQ(info.artists, c.artists);
    EXPECT_EQ(info.album, "Formats Album");
    EXPECT_EQ(info.track_number, 3);
    EXPECT_EQ(info.year, 2019);
    EXPECT_EQ(info.genre, "Jazz");
    EXPECT_EQ(info.album_artist, c.rich ? "The Testers" : "");
    EXPECT_EQ(info.compilation, c.rich);
    EXPECT_EQ(info.track_total, c.rich ? 12 : 0);
    EXPECT_EQ(info.disc_number, c.rich ? 1 : 0);
    EXPECT_EQ(info.disc_total, c.rich ? 2 : 0);
    EXPECT_EQ(info.lyrics, c.rich ? "First line\nSecond line" : "");

    if (c.extended) {
      EXPECT_DOUBLE_EQ(info.replaygain_track_gain_db.value_or(0), -6.5);
      EXPECT_DOUBLE_EQ(info.replaygain_track_peak.value_or(0), 0.988547);
      EXPECT_DOUBLE_EQ(info.replaygain_album_gain_db.value_or(0), -7.25);
      EXPECT_DOUBLE_EQ(info.replaygain_album_peak.value_or(0), 1.0);
      EXPECT_EQ(info.musicbrainz_track_id, "0b4a6b36-4a3b-4bd1-9c3a-0f1e2d3c4b5a");
      EXPECT_EQ(info.musicbrainz_album_id, "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5");
      EXPECT_EQ(info.musicbrainz_artist_id, "2d3e4f5a-6b7c-4d8e-9fa0-b1c2d3e4f5a6");
    } else {
      EXPECT_FALSE(info.replaygain_track_gain_db.has_value());
      EXPECT_EQ(info.musicbrainz_track_id, "");
    }

    if (c.cover.empty()) {
      EXPECT_TRUE(info.cover_bytes.empty());
      EXPECT_EQ(info.cover_content_type, "");
    } else {
      // The embedded bytes are the cover file itself, byte for byte.
      EXPECT_EQ(info.cover_bytes, testing::read_file(path("covers/" + c.cover)));
      EXPECT_EQ(info.cover_content_type, c.cover.ends_with(".png") ? "image/png" : "image/jpeg");
    }
  }
}

TEST_F(ProbeTest, UntaggedFilesGetDefaultsFromTheFileName) {
  for (const FormatCase& c : kCases) {
    SCOPED_TRACE(c.ext);
    const std::string name = "Señal sin etiquetas " + c.ext + "." + c.ext;
    Result<MediaInfo> probed = probe_file(path("u/untagged/" + name));
    ASSERT_TRUE(probed.ok()) << probed.error().message;
    MediaInfo info = *probed;
    EXPECT_EQ(info.codec, c.codec);
    EXPECT_EQ(info.title, "");
    EXPECT_TRUE(info.artists.empty());
    EXPECT_EQ(info.album, "");
    EXPECT_EQ(info.year, 0);
    EXPECT_TRUE(info.cover_bytes.empty());
    apply_tag_defaults(info, "/uploads/" + name);
    EXPECT_EQ(info.title, "Señal sin etiquetas " + c.ext);
    EXPECT_EQ(info.artists, std::vector<std::string>{"Unknown Artist"});
    EXPECT_EQ(info.album, "Unknown Album");
  }
}

TEST(ApplyTagDefaults, StripsPathsOfEitherKind) {
  MediaInfo info;
  apply_tag_defaults(info, "C:\\Music\\Old\\07 Song.flac");
  EXPECT_EQ(info.title, "07 Song");
  MediaInfo dotted;
  apply_tag_defaults(dotted, "../../etc/live.at.home.mp3");
  EXPECT_EQ(dotted.title, "live.at.home");
  MediaInfo tagged;
  tagged.title = "Kept";
  tagged.artists = {"Kept Artist"};
  tagged.album = "Kept Album";
  apply_tag_defaults(tagged, "x.mp3");
  EXPECT_EQ(tagged.title, "Kept");
  EXPECT_EQ(tagged.artists, std::vector<std::string>{"Kept Artist"});
  EXPECT_EQ(tagged.album, "Kept Album");
}

void expect_refused(const std::string& file, Errc code = Errc::unsupported_media) {
  Result<MediaInfo> probed = probe_file(file);
  ASSERT_FALSE(probed.ok()) << file << " was accepted as " << probed->codec;
  EXPECT_EQ(probed.error().code, code) << file << ": " << probed.error().message;
  EXPECT_FALSE(probed.error().message.empty());
}

TEST_F(ProbeTest, RefusesWhatIsNotAudio) {
  testing::write_file(path("notes.mp3"), "These are my notes, not music.\n");
  expect_refused(path("notes.mp3"));
  testing::write_file(path("empty.mp3"), "");
  expect_refused(path("empty.mp3"));
  std::mt19937 rng(42);
  std::string noise(64 * 1024, '\0');
  for (char& ch : noise) ch = static_cast<char>(rng());
  for (const char* name : {"noise.mp3", "noise.flac", "noise.m4a"}) {
    testing::write_file(path(name), noise);
    expect_refused(path(name));
  }
  // An ID3v2 tag in front of text: a tag alone does not make an MP3.
  const std::string mp3 = testing::read_file(path("formats/probe.mp3"));
  const size_t tag_bytes =
      10 + ((mp3[6] & 0x7F) << 21 | (mp3[7] & 0x7F) << 14 | (mp3[8] & 0x7F) << 7 | (mp3[9] & 0x7F));
  testing::write_file(path("tag_then_text.mp3"), mp3.substr(0, tag_bytes) + std::string(20000, 'x'));
  expect_refused(path("tag_then_text.mp3"));
  // Real audio under a wrong name is still accepted for what it is.
  testing::write_file(path("really_flac.mp3"), testing::read_file(path("formats/probe.flac")));
  Result<MediaInfo> renamed = probe_file(path("really_flac.mp3"));
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(renamed->codec, "flac");
}

TEST_F(ProbeTest, RefusesTruncatedFiles) {
  for (const std::string& source : {std::string("formats/probe.flac"), std::string("formats/probe.mp3"),
                                    std::string("u/untagged/Señal sin etiquetas mp3.mp3"),
                                    std::string("u/untagged/Señal sin etiquetas flac.flac"),
                                    std::string("formats/probe.ogg"), std::string("formats/probe.opus"),
                                    std::string("formats/probe.m4a"), std::string("formats/probe.wav")}) {
    const std::string bytes = testing::read_file(path(source));
    ASSERT_GT(bytes.size(), 1000u) << source;
    for (size_t keep : {size_t{200}, size_t{1000}}) {
      SCOPED_TRACE(source + " cut to " + std::to_string(keep));
      testing::write_file(path("cut.bin"), bytes.substr(0, keep));
      expect_refused(path("cut.bin"));
    }
  }
}

TEST_F(ProbeTest, ReadErrorsAreIoErrors) {
  expect_refused(path("does-not-exist.mp3"), Errc::io_error);
  expect_refused(dir_->path(), Errc::io_error);  // a directory
}

// The demo library must read back as its manifest says: this checks both
// the generator (used by the demo and the e2e tests) and the probe.
TEST(ProbeDemoLibrary, MatchesManifest) {
  TempDir dir;
  testing::generate_library(dir.path(), "demo");
  const boost::json::value manifest = boost::json::parse(testing::read_file(dir.file("manifest.json")));
  const boost::json::array& files = manifest.at("files").as_array();
  ASSERT_GE(files.size(), 12u);
  std::set<std::string> codecs;
  int multi_artist = 0;
  int compilations = 0;
  for (const boost::json::value& entry : files) {
    const boost::json::object& e = entry.as_object();
    const std::string rel(e.at("path").as_string());
    SCOPED_TRACE(rel);
    Result<MediaInfo> probed = probe_file(dir.file(rel));
    ASSERT_TRUE(probed.ok()) << probed.error().message;
    const MediaInfo& info = *probed;
    const auto str = [&](const char* key) { return std::string(e.at(key).as_string()); };
    const auto num = [&](const char* key) { return static_cast<int>(e.at(key).as_int64()); };
    EXPECT_EQ(info.codec, str("codec"));
    EXPECT_EQ(info.content_type, str("content_type"));
    EXPECT_NEAR(info.duration_ms, num("duration_ms"), 100);
    EXPECT_EQ(info.sample_rate, num("sample_rate"));
    EXPECT_EQ(info.channels, num("channels"));
    EXPECT_EQ(info.title, str("title"));
    std::vector<std::string> artists;
    for (const auto& a : e.at("artists").as_array()) artists.emplace_back(a.as_string());
    EXPECT_EQ(info.artists, artists);
    EXPECT_EQ(info.album, str("album"));
    EXPECT_EQ(info.album_artist, str("album_artist"));
    EXPECT_EQ(info.compilation, e.at("compilation").as_bool());
    EXPECT_EQ(info.track_number, num("track_number"));
    EXPECT_EQ(info.track_total, num("track_total"));
    EXPECT_EQ(info.disc_number, num("disc_number"));
    EXPECT_EQ(info.disc_total, num("disc_total"));
    EXPECT_EQ(info.year, num("year"));
    EXPECT_EQ(info.genre, str("genre"));
    EXPECT_EQ(info.lyrics, str("lyrics"));
    EXPECT_EQ(!info.cover_bytes.empty(), e.at("has_cover").as_bool());
    EXPECT_EQ(info.cover_content_type, str("cover_content_type"));
    codecs.insert(info.codec);
    multi_artist += info.artists.size() > 1 ? 1 : 0;
    compilations += info.compilation ? 1 : 0;
  }
  EXPECT_EQ(codecs, (std::set<std::string>{"aac", "flac", "mp3", "opus", "vorbis"}));
  EXPECT_GE(multi_artist, 2);
  EXPECT_GE(compilations, 3);
}

}  // namespace
}  // namespace dispotify::media
