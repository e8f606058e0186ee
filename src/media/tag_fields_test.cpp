#include "media/tag_fields.h"

#include <gtest/gtest.h>

#include "media/text.h"

namespace dispotify::media {
namespace {

TagLib::StringList list(std::initializer_list<const char*> values) {
  TagLib::StringList out;
  for (const char* v : values) out.append(TagLib::String(v, TagLib::String::UTF8));
  return out;
}

TEST(ReadPropertyMap, ReadsEveryField) {
  TagLib::PropertyMap p;
  p.insert("TITLE", list({"  Hafið  "}));
  p.insert("ARTIST", list({"Sigur Rós Ensemble", "Jóhann Echo", "Sigur Rós Ensemble", ""}));
  p.insert("ALBUM", list({"Norðurljós"}));
  p.insert("ALBUMARTIST", list({"Sigur Rós Ensemble"}));
  p.insert("COMPILATION", list({"1"}));
  p.insert("TRACKNUMBER", list({"3/12"}));
  p.insert("TRACKTOTAL", list({"13"}));
  p.insert("DISCNUMBER", list({"2/2"}));
  p.insert("DATE", list({"2004-10-01"}));
  p.insert("GENRE", list({"Post-Rock", "Ambient"}));
  p.insert("REPLAYGAIN_TRACK_GAIN", list({"-6.50 dB"}));
  p.insert("REPLAYGAIN_TRACK_PEAK", list({"0.98"}));
  p.insert("REPLAYGAIN_ALBUM_GAIN", list({"garbage"}));
  p.insert("LYRICS", list({"one\r\ntwo"}));
  p.insert("MUSICBRAINZ_TRACKID", list({"t-id"}));
  p.insert("MUSICBRAINZ_ALBUMID", list({"a-id"}));
  p.insert("MUSICBRAINZ_ARTISTID", list({"r-id"}));
  MediaInfo info;
  read_property_map(p, info);
  EXPECT_EQ(info.title, "Hafið");
  EXPECT_EQ(info.artists, (std::vector<std::string>{"Sigur Rós Ensemble", "Jóhann Echo"}));
  EXPECT_EQ(info.album, "Norðurljós");
  EXPECT_EQ(info.album_artist, "Sigur Rós Ensemble");
  EXPECT_TRUE(info.compilation);
  EXPECT_EQ(info.track_number, 3);
  EXPECT_EQ(info.track_total, 13);  // the separate key wins
  EXPECT_EQ(info.disc_number, 2);
  EXPECT_EQ(info.disc_total, 2);
  EXPECT_EQ(info.year, 2004);
  EXPECT_EQ(info.genre, "Post-Rock");
  EXPECT_DOUBLE_EQ(info.replaygain_track_gain_db.value_or(0), -6.5);
  EXPECT_DOUBLE_EQ(info.replaygain_track_peak.value_or(0), 0.98);
  EXPECT_FALSE(info.replaygain_album_gain_db.has_value());
  EXPECT_FALSE(info.replaygain_album_peak.has_value());
  EXPECT_EQ(info.lyrics, "one\ntwo");
  EXPECT_EQ(info.musicbrainz_track_id, "t-id");
  EXPECT_EQ(info.musicbrainz_album_id, "a-id");
  EXPECT_EQ(info.musicbrainz_artist_id, "r-id");
}

TEST(ReadPropertyMap, PrefersArtistsListOverDisplayArtist) {
  TagLib::PropertyMap p;
  p.insert("ARTIST", list({"Ada feat. Grace"}));
  p.insert("ARTISTS", list({"Ada", "Grace"}));
  MediaInfo info;
  read_property_map(p, info);
  EXPECT_EQ(info.artists, (std::vector<std::string>{"Ada", "Grace"}));
}

TEST(ReadPropertyMap, AcceptsFfmpegStyleId3Keys) {
  TagLib::PropertyMap p;
  p.insert("TCMP", list({"1"}));
  p.insert("USLT", list({"la la"}));
  MediaInfo info;
  read_property_map(p, info);
  EXPECT_TRUE(info.compilation);
  EXPECT_EQ(info.lyrics, "la la");

  TagLib::PropertyMap described;
  described.insert("LYRICS:VERSE", list({"with a description"}));
  described.insert("COMPILATION", list({"0"}));
  MediaInfo info2;
  read_property_map(described, info2);
  EXPECT_EQ(info2.lyrics, "with a description");
  EXPECT_FALSE(info2.compilation);
}

TEST(ReadPropertyMap, NumericGenresGetNames) {
  for (const char* raw : {"17", "(17)"}) {
    TagLib::PropertyMap p;
    p.insert("GENRE", list({raw}));
    MediaInfo info;
    read_property_map(p, info);
    EXPECT_EQ(info.genre, "Rock") << raw;
  }
  TagLib::PropertyMap p;
  p.insert("GENRE", list({"1999"}));  // not an index: kept as written
  MediaInfo info;
  read_property_map(p, info);
  EXPECT_EQ(info.genre, "1999");
}

TEST(ReadPropertyMap, BoundsHostileValues) {
  TagLib::PropertyMap p;
  TagLib::StringList many;
  for (int i = 0; i < 10'000; ++i) many.append(TagLib::String::number(i));
  p.insert("ARTIST", many);
  p.insert("TITLE", TagLib::StringList(TagLib::String(std::string(1 << 20, 'x'))));
  p.insert("LYRICS", TagLib::StringList(TagLib::String(std::string(1 << 20, 'l'))));
  p.insert("TRACKNUMBER", list({"4294967297/-3"}));
  MediaInfo info;
  read_property_map(p, info);
  EXPECT_EQ(info.artists.size(), static_cast<size_t>(kTagValuesMax));
  EXPECT_EQ(info.title.size(), kTagTextBytesMax);
  EXPECT_EQ(info.lyrics.size(), kLyricsBytesMax);
  EXPECT_EQ(info.track_number, 0);
  EXPECT_EQ(info.track_total, 0);
}

TEST(ReadBasicTag, FillsOnlyMissingFields) {
  MediaInfo info;
  info.title = "From properties";
  read_basic_tag(nullptr, info);
  EXPECT_EQ(info.title, "From properties");
  EXPECT_TRUE(info.artists.empty());
}

}  // namespace
}  // namespace dispotify::media
