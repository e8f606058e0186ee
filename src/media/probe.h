// Reads what an audio file is and says about itself (TagLib).
//
// Whether a file is audio is decided by parsing its content, never by its
// name: the probe detects the container from the leading bytes, parses it
// with the matching TagLib file type, and requires valid audio properties
// (a positive duration or frame count, a sample rate and channels).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace dispotify::media {

struct MediaInfo {
  // Container/codec, decided from the content.
  std::string codec;         // "mp3", "flac", "vorbis", "opus", "aac", "alac", "pcm"
  std::string content_type;  // "audio/mpeg", "audio/flac", "audio/ogg", "audio/mp4", "audio/wav"
  std::string extension;     // "mp3", "flac", "ogg", "opus", "m4a", "wav"
  int64_t duration_ms = 0;
  int bitrate_kbps = 0;
  int sample_rate = 0;
  int channels = 0;

  // Tags; empty/0 when absent. Strings are valid UTF-8, trimmed.
  std::string title;
  std::vector<std::string> artists;  // multi-valued; "A; B" and "A / B" stay one value unless the
                                     // format stores several values
  std::string album;
  std::string album_artist;
  bool compilation = false;
  int track_number = 0;
  int track_total = 0;
  int disc_number = 0;
  int disc_total = 0;
  int year = 0;
  std::string genre;
  std::optional<double> replaygain_track_gain_db;
  std::optional<double> replaygain_track_peak;
  std::optional<double> replaygain_album_gain_db;
  std::optional<double> replaygain_album_peak;
  std::string lyrics;
  std::string musicbrainz_track_id;
  std::string musicbrainz_album_id;
  std::string musicbrainz_artist_id;

  // Embedded front cover (or first picture), raw bytes as stored.
  std::string cover_bytes;
  std::string cover_content_type;  // "image/jpeg", "image/png"
};

// Errors: Errc::unsupported_media when the content is not audio we can parse
// (including truncated files whose audio properties cannot be read),
// Errc::io_error when the file cannot be read.
[[nodiscard]] Result<MediaInfo> probe_file(const std::string& path);

// Fills defaults for missing tags: the title from the file name without its
// extension, "Unknown Artist", "Unknown Album".
void apply_tag_defaults(MediaInfo& info, const std::string& original_filename);

}  // namespace dispotify::media
