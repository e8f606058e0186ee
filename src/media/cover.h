// Embedded cover art: picks the front cover (or the first usable picture)
// out of each tag family and decides its image type from the bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <taglib/flacpicture.h>
#include <taglib/id3v2tag.h>
#include <taglib/mp4tag.h>
#include <taglib/tlist.h>

namespace dispotify::media {

// Larger pictures are skipped rather than copied: a cover is shown as a
// thumbnail, and a hostile file must not make us hold its whole size twice.
inline constexpr size_t kCoverBytesMax = 16 * 1024 * 1024;
// Pictures examined per file; the rest are ignored.
inline constexpr int kPicturesMax = 64;

struct Cover {
  std::string bytes;
  std::string content_type;  // "image/jpeg", "image/png", "image/gif", "image/webp"
};

// "image/jpeg" etc. from the leading bytes, or "" when not a known image.
std::string_view sniff_image_type(std::string_view bytes);

// The picture's type as sniffed; the declared MIME is used only when the
// bytes are not recognized but it names one of the types above. Empty or
// oversized pictures and unknown types give nullopt.
std::optional<Cover> make_cover(std::string_view bytes, std::string_view declared_mime);

// ID3v2 APIC frames (MP3, WAV), FLAC picture blocks or Xiph
// METADATA_BLOCK_PICTURE (FLAC, Ogg), MP4 covr. Null tags give nullopt.
std::optional<Cover> cover_from_id3v2(TagLib::ID3v2::Tag* tag);
std::optional<Cover> cover_from_flac_pictures(const TagLib::List<TagLib::FLAC::Picture*>& pictures);
std::optional<Cover> cover_from_mp4(TagLib::MP4::Tag* tag);

}  // namespace dispotify::media
