#include "media/cover.h"

#include <taglib/attachedpictureframe.h>
#include <taglib/mp4coverart.h>

namespace dispotify::media {
namespace {

std::string_view as_view(const TagLib::ByteVector& data) { return {data.data(), data.size()}; }

std::string_view mp4_format_mime(TagLib::MP4::CoverArt::Format format) {
  switch (format) {
    case TagLib::MP4::CoverArt::JPEG: return "image/jpeg";
    case TagLib::MP4::CoverArt::PNG: return "image/png";
    case TagLib::MP4::CoverArt::GIF: return "image/gif";
    default: return "";
  }
}

// Picks the first front cover that makes a usable Cover, else the first
// usable picture of any type. `Pictures` iterates TagLib picture objects;
// `is_front`, `bytes_of` and `mime_of` read them.
template <class Pictures, class IsFront, class BytesOf, class MimeOf>
std::optional<Cover> pick_cover(const Pictures& pictures, IsFront is_front, BytesOf bytes_of,
                                MimeOf mime_of) {
  std::optional<Cover> first_other;
  int examined = 0;
  for (const auto& picture : pictures) {
    if (++examined > kPicturesMax) break;
    const bool front = is_front(picture);
    if (!front && first_other) continue;
    // ByteVector shares its buffer on copy: keeping it alive here keeps the
    // view valid without copying the picture.
    const TagLib::ByteVector data = bytes_of(picture);
    std::optional<Cover> cover = make_cover(as_view(data), mime_of(picture));
    if (!cover) continue;
    if (front) return cover;
    first_other = std::move(cover);
  }
  return first_other;
}

}  // namespace

std::string_view sniff_image_type(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xFF\xD8\xFF") return "image/jpeg";
  if (bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n") return "image/png";
  if (bytes.substr(0, 6) == "GIF87a" || bytes.substr(0, 6) == "GIF89a") return "image/gif";
  if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") return "image/webp";
  return "";
}

std::optional<Cover> make_cover(std::string_view bytes, std::string_view declared_mime) {
  if (bytes.empty() || bytes.size() > kCoverBytesMax) return std::nullopt;
  std::string_view type = sniff_image_type(bytes);
  if (type.empty()) {
    // Only types a browser displays; "image/jpg" is a common misspelling.
    if (declared_mime == "image/jpeg" || declared_mime == "image/jpg") {
      type = "image/jpeg";
    } else if (declared_mime == "image/png" || declared_mime == "image/gif" ||
               declared_mime == "image/webp") {
      type = declared_mime;
    } else {
      return std::nullopt;
    }
  }
  return Cover{std::string(bytes), std::string(type)};
}

std::optional<Cover> cover_from_id3v2(TagLib::ID3v2::Tag* tag) {
  if (tag == nullptr) return std::nullopt;
  const TagLib::ID3v2::FrameList& frames = tag->frameList("APIC");
  using Frame = TagLib::ID3v2::Frame*;
  using Picture = TagLib::ID3v2::AttachedPictureFrame;
  return pick_cover(
      frames,
      [](Frame f) {
        const auto* picture = dynamic_cast<const Picture*>(f);
        return picture != nullptr && picture->type() == Picture::FrontCover;
      },
      [](Frame f) {
        const auto* picture = dynamic_cast<const Picture*>(f);
        return picture != nullptr ? picture->picture() : TagLib::ByteVector{};
      },
      [](Frame f) {
        const auto* picture = dynamic_cast<const Picture*>(f);
        // The MIME is Latin-1 in the frame; only ASCII values matter here.
        return picture != nullptr ? picture->mimeType().to8Bit(false) : std::string{};
      });
}

std::optional<Cover> cover_from_flac_pictures(const TagLib::List<TagLib::FLAC::Picture*>& pictures) {
  using Picture = TagLib::FLAC::Picture*;
  return pick_cover(
      pictures, [](Picture p) { return p != nullptr && p->type() == TagLib::FLAC::Picture::FrontCover; },
      [](Picture p) { return p != nullptr ? p->data() : TagLib::ByteVector{}; },
      [](Picture p) { return p != nullptr ? p->mimeType().to8Bit(false) : std::string{}; });
}

std::optional<Cover> cover_from_mp4(TagLib::MP4::Tag* tag) {
  if (tag == nullptr || !tag->contains("covr")) return std::nullopt;
  const TagLib::MP4::CoverArtList covers = tag->item("covr").toCoverArtList();
  using Art = const TagLib::MP4::CoverArt&;
  // MP4 has no picture types; the first usable one is the cover.
  return pick_cover(
      covers, [](Art) { return true; }, [](Art art) { return art.data(); },
      [](Art art) { return std::string(mp4_format_mime(art.format())); });
}

}  // namespace dispotify::media
