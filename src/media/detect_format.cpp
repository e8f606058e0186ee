#include "media/detect_format.h"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace dispotify::media {
namespace {

// The window read at each position we inspect; large enough for the first
// Ogg page header with a full segment table and its first packet's magic.
constexpr size_t kWindowBytes = 4096;
// Several ID3v2 tags may precede the audio (some taggers prepend rather
// than replace); more than this is not a file we want.
constexpr int kId3TagsMax = 4;
// Zero padding some taggers leave after the ID3v2 size they declare.
constexpr size_t kPaddingScanBytes = 4096;
// FLAC metadata blocks walked before the first frame must appear.
constexpr int kFlacBlocksMax = 1024;
constexpr int kMp3FramesChecked = 3;
constexpr uint64_t kId3v1Bytes = 128;
// Ogg pages walked looking for the first audio page; header pages holding a
// large embedded picture can take a few hundred.
constexpr int kOggPagesMax = 1024;
constexpr size_t kOggPageHeaderBytes = 27;

uint8_t byte_at(std::string_view s, size_t i) { return static_cast<uint8_t>(s[i]); }

Error unsupported(std::string message) { return make_error(Errc::unsupported_media, std::move(message)); }

// Size of the ID3v2 tag (header, body, optional footer) starting at `head`,
// or 0 when `head` does not start with a well-formed ID3v2 header.
uint64_t id3v2_tag_bytes(std::string_view head) {
  if (head.size() < 10 || head.substr(0, 3) != "ID3") return 0;
  const uint8_t major = byte_at(head, 3);
  if (major < 2 || major > 4 || byte_at(head, 4) == 0xFF) return 0;
  uint64_t body = 0;
  for (size_t i = 6; i < 10; ++i) {
    if (byte_at(head, i) & 0x80) return 0;  // sizes are "syncsafe": 7 bits per byte
    body = (body << 7) | byte_at(head, i);
  }
  const bool has_footer = (byte_at(head, 5) & 0x10) != 0;
  return 10 + body + (has_footer ? 10 : 0);
}

Result<ContainerFormat> detect_ogg_codec(std::string_view head) {
  // RFC 3533 page header: 27 bytes, then `segments` lacing values, then the
  // first packet, which names the codec (Vorbis I spec 4.2.1, RFC 7845 5.1).
  if (head.size() < kOggPageHeaderBytes || byte_at(head, 4) != 0 || (byte_at(head, 5) & 0x02) == 0) {
    return unsupported("Ogg stream without a valid first page");
  }
  const size_t packet = kOggPageHeaderBytes + byte_at(head, 26);
  const std::string_view first = head.size() > packet ? head.substr(packet) : std::string_view{};
  if (first.substr(0, 7) == std::string_view("\x01vorbis", 7)) return ContainerFormat::ogg_vorbis;
  if (first.substr(0, 8) == "OpusHead") return ContainerFormat::ogg_opus;
  return unsupported("Ogg stream is neither Vorbis nor Opus");
}

// Walks whole pages from the start until one completes an audio packet (a
// granule position other than 0 and -1): header pages alone, as in a file
// cut short, make TagLib invent a length from the header page.
Result<ContainerFormat> detect_ogg(const ReadAt& read_at, std::string_view head, uint64_t size_bytes) {
  DISPOTIFY_ASSIGN_OR_RETURN(const ContainerFormat format, detect_ogg_codec(head));
  uint64_t pos = 0;
  for (int page = 0; page < kOggPagesMax; ++page) {
    // Read in place (not moved out): GCC 12 misreports the moved string as
    // maybe-uninitialized here.
    const Result<std::string> read = read_at(pos, kOggPageHeaderBytes + 255);
    if (!read.ok()) return read.error();
    const std::string& header = *read;
    if (header.size() < kOggPageHeaderBytes || header.substr(0, 4) != "OggS" ||
        header.size() < kOggPageHeaderBytes + byte_at(header, 26)) {
      return unsupported("Ogg stream truncated or corrupt before its first audio page");
    }
    uint64_t granule = 0;
    for (int i = 7; i >= 0; --i) granule = (granule << 8) | byte_at(header, 6 + static_cast<size_t>(i));
    uint64_t page_bytes = kOggPageHeaderBytes + byte_at(header, 26);
    for (size_t i = 0; i < byte_at(header, 26); ++i) page_bytes += byte_at(header, kOggPageHeaderBytes + i);
    pos += page_bytes;
    if (pos > size_bytes) return unsupported("Ogg stream truncated before its first audio page");
    if (granule != 0 && granule != UINT64_MAX) return format;
  }
  return unsupported("Ogg stream without audio in its first pages");
}

// Walks the metadata blocks (FLAC format spec, METADATA_BLOCK_HEADER) and
// requires a frame sync code right after the last one: a file cut inside
// its metadata (often inside an embedded picture) has no audio.
Result<ContainerFormat> detect_flac(const ReadAt& read_at, uint64_t start, uint64_t size_bytes) {
  uint64_t pos = start + 4;
  for (int block = 0; block < kFlacBlocksMax; ++block) {
    DISPOTIFY_ASSIGN_OR_RETURN(std::string header, read_at(pos, 4));
    if (header.size() < 4) return unsupported("FLAC file truncated inside its metadata");
    const uint64_t length =
        (uint64_t{byte_at(header, 1)} << 16) | (uint64_t{byte_at(header, 2)} << 8) | byte_at(header, 3);
    if (block == 0 && ((byte_at(header, 0) & 0x7F) != 0 || length != 34)) {
      return unsupported("FLAC file without STREAMINFO");
    }
    pos += 4 + length;
    if (pos > size_bytes) return unsupported("FLAC file truncated inside its metadata");
    if (byte_at(header, 0) & 0x80) {  // last-metadata-block flag
      DISPOTIFY_ASSIGN_OR_RETURN(std::string frame, read_at(pos, 2));
      if (frame.size() < 2 || byte_at(frame, 0) != 0xFF || (byte_at(frame, 1) & 0xFE) != 0xF8) {
        return unsupported("FLAC file without audio frames");
      }
      return ContainerFormat::flac;
    }
  }
  return unsupported("FLAC file with too many metadata blocks");
}

// Requires kMp3FramesChecked consecutive, complete Layer III frames from
// `pos` (fewer only when the file ends exactly after one, or with an ID3v1
// tag): chained headers almost never occur by chance in text or random
// bytes, and a file cut inside its first frames has no playable audio.
Result<ContainerFormat> detect_mp3_frames(const ReadAt& read_at, uint64_t pos, uint64_t size_bytes) {
  for (int frame = 0; frame < kMp3FramesChecked; ++frame) {
    if (frame > 0 && pos == size_bytes) break;
    DISPOTIFY_ASSIGN_OR_RETURN(std::string header, read_at(pos, 4));
    if (frame > 0 && size_bytes - pos == kId3v1Bytes && header.substr(0, 3) == "TAG") break;
    const int length = mp3_frame_length(header);
    if (length == 0) {
      return unsupported(frame == 0 ? "no MPEG audio frame where the audio should start"
                                    : "MPEG frame header not followed by another frame");
    }
    pos += static_cast<uint64_t>(length);
    if (pos > size_bytes) return unsupported("MP3 file truncated inside its first frames");
  }
  return ContainerFormat::mp3;
}

// Skips ID3v2 tags and zero padding, then expects FLAC or MP3 frames.
Result<ContainerFormat> detect_after_id3(const ReadAt& read_at, uint64_t size_bytes) {
  uint64_t pos = 0;
  for (int tags = 0; tags < kId3TagsMax; ++tags) {
    DISPOTIFY_ASSIGN_OR_RETURN(std::string head, read_at(pos, 10));
    const uint64_t tag_bytes = id3v2_tag_bytes(head);
    if (tag_bytes == 0) break;
    pos += tag_bytes;
    if (pos >= size_bytes) return unsupported("file ends inside or right after its ID3v2 tag");
  }
  DISPOTIFY_ASSIGN_OR_RETURN(std::string window, read_at(pos, kPaddingScanBytes + 4));
  size_t zeros = 0;
  while (zeros < kPaddingScanBytes && zeros < window.size() && window[zeros] == '\0') ++zeros;
  if (pos > 0) pos += zeros;
  const std::string_view at = std::string_view(window).substr(pos > 0 ? zeros : 0);
  if (at.substr(0, 4) == "fLaC") return detect_flac(read_at, pos, size_bytes);
  return detect_mp3_frames(read_at, pos, size_bytes);
}

}  // namespace

std::string_view container_format_name(ContainerFormat format) {
  switch (format) {
    case ContainerFormat::mp3: return "mp3";
    case ContainerFormat::flac: return "flac";
    case ContainerFormat::ogg_vorbis: return "ogg_vorbis";
    case ContainerFormat::ogg_opus: return "ogg_opus";
    case ContainerFormat::mp4: return "mp4";
    case ContainerFormat::wav: return "wav";
  }
  return "unknown";
}

int mp3_frame_length(std::string_view header) {
  if (header.size() < 4) return 0;
  const uint8_t b1 = byte_at(header, 1);
  const uint8_t b2 = byte_at(header, 2);
  if (byte_at(header, 0) != 0xFF || (b1 & 0xE0) != 0xE0) return 0;  // 11-bit frame sync
  const int version = (b1 >> 3) & 3;                                // 0: 2.5, 1: reserved, 2: 2, 3: 1
  const int layer = (b1 >> 1) & 3;                                  // 1: Layer III
  const int bitrate_index = b2 >> 4;
  const int rate_index = (b2 >> 2) & 3;
  const int padding = (b2 >> 1) & 1;
  if (version == 1 || layer != 1 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3) return 0;
  if ((byte_at(header, 3) & 3) == 2) return 0;  // reserved emphasis
  static constexpr std::array<int, 15> kKbpsMpeg1 = {0,   32,  40,  48,  56,  64,  80, 96,
                                                     112, 128, 160, 192, 224, 256, 320};
  static constexpr std::array<int, 15> kKbpsMpeg2 = {0,  8,  16, 24,  32,  40,  48, 56,
                                                     64, 80, 96, 112, 128, 144, 160};
  static constexpr std::array<int, 3> kRateMpeg1 = {44100, 48000, 32000};
  const bool mpeg1 = version == 3;
  const int sample_rate = kRateMpeg1[rate_index] >> (mpeg1 ? 0 : version == 2 ? 1 : 2);
  const int kbps = mpeg1 ? kKbpsMpeg1[bitrate_index] : kKbpsMpeg2[bitrate_index];
  // ISO 11172-3 2.4.3.1: 1152 samples per frame (576 for MPEG-2/2.5), 8 bits a byte.
  return (mpeg1 ? 144 : 72) * kbps * 1000 / sample_rate + padding;
}

Result<ContainerFormat> detect_format(const ReadAt& read_at, uint64_t size_bytes) {
  if (size_bytes == 0) return unsupported("empty file");
  DISPOTIFY_ASSIGN_OR_RETURN(std::string head, read_at(0, kWindowBytes));
  const std::string_view h = head;
  if (h.substr(0, 4) == "fLaC") return detect_flac(read_at, 0, size_bytes);
  if (h.substr(0, 4) == "OggS") return detect_ogg(read_at, h, size_bytes);
  if (h.size() >= 12 && h.substr(4, 4) == "ftyp") return ContainerFormat::mp4;
  if (h.size() >= 12 && h.substr(0, 4) == "RIFF" && h.substr(8, 4) == "WAVE") return ContainerFormat::wav;
  if (h.substr(0, 3) == "ID3" || (h.size() >= 2 && byte_at(h, 0) == 0xFF)) {
    return detect_after_id3(read_at, size_bytes);
  }
  return unsupported("not a supported audio format (MP3, FLAC, Ogg Vorbis/Opus, MP4/M4A, WAV)");
}

Result<ContainerFormat> detect_format_fd(int fd, uint64_t size_bytes) {
  const ReadAt read_at = [fd](uint64_t offset, size_t length) -> Result<std::string> {
    std::string out(length, '\0');
    size_t done = 0;
    while (done < length) {
      const ssize_t n = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return make_error(Errc::io_error, std::string("read failed: ") + std::strerror(errno));
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    out.resize(done);
    return out;
  };
  return detect_format(read_at, size_bytes);
}

}  // namespace dispotify::media
