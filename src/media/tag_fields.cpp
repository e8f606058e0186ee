#include "media/tag_fields.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include <taglib/id3v1genres.h>

#include "media/text.h"

namespace dispotify::media {
namespace {

// UTF-8 of a TagLib string, cut before conversion so that a huge value
// costs at most `bytes_max` characters of work.
std::string to_text(const TagLib::String& value, size_t bytes_max, bool multi_line = false) {
  const TagLib::String bounded = value.size() > bytes_max ? value.substr(0, bytes_max) : value;
  return clean_text(bounded.to8Bit(true), bytes_max, multi_line);
}

// Non-empty, cleaned values of `key`, at most kTagValuesMax, without duplicates.
std::vector<std::string> values_of(const TagLib::PropertyMap& properties, const char* key,
                                   size_t bytes_max = kTagTextBytesMax, bool multi_line = false) {
  std::vector<std::string> out;
  const auto it = properties.find(key);
  if (it == properties.end()) return out;
  int examined = 0;
  for (const TagLib::String& value : it->second) {
    if (++examined > kTagValuesMax) break;
    std::string text = to_text(value, bytes_max, multi_line);
    if (!text.empty() && std::find(out.begin(), out.end(), text) == out.end()) out.push_back(std::move(text));
  }
  return out;
}

std::string first_of(const TagLib::PropertyMap& properties, const char* key) {
  std::vector<std::string> values = values_of(properties, key);
  return values.empty() ? std::string() : std::move(values.front());
}

// ID3 genres may still be numeric ("17" or "(17)") when a tagger wrote
// the ID3v1 index into TCON; show the name.
std::string genre_name(std::string genre) {
  std::string_view digits = genre;
  if (digits.size() >= 3 && digits.front() == '(' && digits.back() == ')')
    digits = digits.substr(1, digits.size() - 2);
  if (digits.empty() || digits.size() > 3 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return genre;
  }
  const int index = parse_number_pair(digits).number;
  const std::string name = to_text(TagLib::ID3v1::genre(index), kTagTextBytesMax);
  return name.empty() ? genre : name;
}

// "1" in Vorbis/ID3 (TCMP), "1" from TagLib's MP4 cpil mapping; some
// taggers write "true".
bool is_true(const std::string& value) { return value == "1" || value == "true" || value == "True"; }

void read_numbers(const TagLib::PropertyMap& properties, MediaInfo& info) {
  const NumberPair track = parse_number_pair(first_of(properties, "TRACKNUMBER"));
  const NumberPair disc = parse_number_pair(first_of(properties, "DISCNUMBER"));
  info.track_number = track.number;
  info.disc_number = disc.number;
  // The separate total keys (Vorbis comment convention) win over "n/total".
  const int track_total = parse_number_pair(first_of(properties, "TRACKTOTAL")).number;
  const int total_tracks = parse_number_pair(first_of(properties, "TOTALTRACKS")).number;
  const int disc_total = parse_number_pair(first_of(properties, "DISCTOTAL")).number;
  const int total_discs = parse_number_pair(first_of(properties, "TOTALDISCS")).number;
  info.track_total = track_total ? track_total : total_tracks ? total_tracks : track.total;
  info.disc_total = disc_total ? disc_total : total_discs ? total_discs : disc.total;
  info.year = parse_year(first_of(properties, "DATE"));
  if (info.year == 0) info.year = parse_year(first_of(properties, "ORIGINALDATE"));
}

void read_replaygain(const TagLib::PropertyMap& properties, MediaInfo& info) {
  info.replaygain_track_gain_db = parse_gain_db(first_of(properties, "REPLAYGAIN_TRACK_GAIN"));
  info.replaygain_track_peak = parse_peak(first_of(properties, "REPLAYGAIN_TRACK_PEAK"));
  info.replaygain_album_gain_db = parse_gain_db(first_of(properties, "REPLAYGAIN_ALBUM_GAIN"));
  info.replaygain_album_peak = parse_peak(first_of(properties, "REPLAYGAIN_ALBUM_PEAK"));
}

// "LYRICS" (Vorbis, MP4 ©lyr, ID3 USLT), "LYRICS:<description>" for a USLT
// frame with a description, "UNSYNCEDLYRICS" (foobar2000), "USLT" (ffmpeg).
std::string read_lyrics(const TagLib::PropertyMap& properties) {
  for (const char* key : {"LYRICS", "UNSYNCEDLYRICS", "USLT"}) {
    std::vector<std::string> lyrics = values_of(properties, key, kLyricsBytesMax, true);
    if (!lyrics.empty()) return std::move(lyrics.front());
  }
  int examined = 0;
  for (const auto& [key, values] : properties) {
    if (++examined > kTagValuesMax * 4) break;
    if (!key.startsWith("LYRICS:") || values.isEmpty()) continue;
    std::string text = to_text(values.front(), kLyricsBytesMax, true);
    if (!text.empty()) return text;
  }
  return {};
}

}  // namespace

void read_property_map(const TagLib::PropertyMap& properties, MediaInfo& info) {
  info.title = first_of(properties, "TITLE");
  // "ARTISTS" (Picard) is the explicit list behind a display string such as
  // "A feat. B" in ARTIST; when present it is the better multi-value source.
  info.artists = values_of(properties, "ARTISTS");
  if (info.artists.empty()) info.artists = values_of(properties, "ARTIST");
  info.album = first_of(properties, "ALBUM");
  info.album_artist = first_of(properties, "ALBUMARTIST");
  // "TCMP" and "USLT" (below) are TXXX frames of those names, as ffmpeg 5
  // writes them instead of the real frames.
  info.compilation = is_true(first_of(properties, "COMPILATION")) || is_true(first_of(properties, "TCMP"));
  read_numbers(properties, info);
  info.genre = genre_name(first_of(properties, "GENRE"));
  read_replaygain(properties, info);
  info.lyrics = read_lyrics(properties);
  info.musicbrainz_track_id = first_of(properties, "MUSICBRAINZ_TRACKID");
  info.musicbrainz_album_id = first_of(properties, "MUSICBRAINZ_ALBUMID");
  info.musicbrainz_artist_id = first_of(properties, "MUSICBRAINZ_ARTISTID");
}

void read_basic_tag(const TagLib::Tag* tag, MediaInfo& info) {
  if (tag == nullptr) return;
  if (info.title.empty()) info.title = to_text(tag->title(), kTagTextBytesMax);
  if (info.artists.empty()) {
    std::string artist = to_text(tag->artist(), kTagTextBytesMax);
    if (!artist.empty()) info.artists.push_back(std::move(artist));
  }
  if (info.album.empty()) info.album = to_text(tag->album(), kTagTextBytesMax);
  if (info.genre.empty()) info.genre = genre_name(to_text(tag->genre(), kTagTextBytesMax));
  if (info.year == 0 && tag->year() <= static_cast<unsigned>(kTagNumberMax))
    info.year = static_cast<int>(tag->year());
  if (info.track_number == 0 && tag->track() <= static_cast<unsigned>(kTagNumberMax)) {
    info.track_number = static_cast<int>(tag->track());
  }
}

}  // namespace dispotify::media
