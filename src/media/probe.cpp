// probe_file: sniff the container, parse it with the matching TagLib type,
// require valid audio properties, then read tags and the cover.
#include "media/probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <optional>

#include <taglib/flacfile.h>
#include <taglib/mp4file.h>
#include <taglib/mpegfile.h>
#include <taglib/opusfile.h>
#include <taglib/tfilestream.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>
#include <taglib/xingheader.h>

#include "base/unique_fd.h"
#include "media/cover.h"
#include "media/detect_format.h"
#include "media/tag_fields.h"
#include "media/text.h"

namespace dispotify::media {
namespace {

// Beyond these the "audio properties" are garbage from a hostile header.
constexpr int kSampleRateMax = 768'000;
constexpr int kChannelsMax = 64;

Error unsupported(std::string message) { return make_error(Errc::unsupported_media, std::move(message)); }

void set_format(MediaInfo& info, const char* codec, const char* content_type, const char* extension) {
  info.codec = codec;
  info.content_type = content_type;
  info.extension = extension;
}

// Audio properties and tags shared by every TagLib file type.
template <class File>
Status read_common(File& file, MediaInfo& info, const char* format_name) {
  const auto* audio = file.isValid() ? file.audioProperties() : nullptr;
  if (audio == nullptr) return unsupported(std::string("cannot parse the ") + format_name + " stream");
  const int length_ms = audio->lengthInMilliseconds();
  const int sample_rate = audio->sampleRate();
  const int channels = audio->channels();
  if (length_ms <= 0 || sample_rate <= 0 || sample_rate > kSampleRateMax || channels <= 0 ||
      channels > kChannelsMax) {
    return unsupported(std::string(format_name) + " file without valid audio (length " +
                       std::to_string(length_ms) + " ms, " + std::to_string(sample_rate) + " Hz, " +
                       std::to_string(channels) + " channels)");
  }
  info.duration_ms = length_ms;
  info.sample_rate = sample_rate;
  info.channels = channels;
  info.bitrate_kbps = std::max(0, audio->bitrate());
  read_property_map(file.properties(), info);
  read_basic_tag(file.tag(), info);
  return ok_status();
}

void set_cover(std::optional<Cover> cover, MediaInfo& info) {
  if (!cover) return;
  info.cover_bytes = std::move(cover->bytes);
  info.cover_content_type = std::move(cover->content_type);
}

// A Xing/VBRI header states the stream's size; TagLib takes the duration
// from it, so a file cut short would claim its full length. Refuse files
// holding less than kXingSizeFractionMin of what their header declares.
constexpr double kXingSizeFractionMin = 0.9;

Status check_mp3_not_truncated(TagLib::MPEG::File& file) {
  const TagLib::MPEG::Properties* audio = file.audioProperties();
  const TagLib::MPEG::XingHeader* xing = audio != nullptr ? audio->xingHeader() : nullptr;
  if (xing == nullptr || !xing->isValid() || xing->totalSize() == 0) return ok_status();
  const long first_frame = file.firstFrameOffset();
  const long stream_bytes = first_frame >= 0 ? file.length() - first_frame : 0;
  if (static_cast<double>(stream_bytes) < kXingSizeFractionMin * xing->totalSize()) {
    return unsupported("MP3 file truncated: " + std::to_string(stream_bytes) + " of " +
                       std::to_string(xing->totalSize()) + " audio bytes");
  }
  return ok_status();
}

Status read_mp3(TagLib::IOStream* stream, MediaInfo& info) {
  TagLib::MPEG::File file(stream, TagLib::ID3v2::FrameFactory::instance(), true);
  DISPOTIFY_TRY(read_common(file, info, "MP3"));
  DISPOTIFY_TRY(check_mp3_not_truncated(file));
  set_format(info, "mp3", "audio/mpeg", "mp3");
  set_cover(cover_from_id3v2(file.ID3v2Tag(false)), info);
  return ok_status();
}

Status read_flac(TagLib::IOStream* stream, MediaInfo& info) {
  TagLib::FLAC::File file(stream, TagLib::ID3v2::FrameFactory::instance(), true);
  DISPOTIFY_TRY(read_common(file, info, "FLAC"));
  set_format(info, "flac", "audio/flac", "flac");
  // pictureList() holds the PICTURE metadata blocks, the FLAC way to embed art.
  std::optional<Cover> cover = cover_from_flac_pictures(file.pictureList());
  if (!cover) cover = cover_from_id3v2(file.ID3v2Tag(false));
  set_cover(std::move(cover), info);
  return ok_status();
}

template <class File>
Status read_ogg(TagLib::IOStream* stream, MediaInfo& info, bool opus) {
  File file(stream, true);
  DISPOTIFY_TRY(read_common(file, info, opus ? "Opus" : "Ogg Vorbis"));
  if (opus) {
    set_format(info, "opus", "audio/ogg", "opus");
  } else {
    set_format(info, "vorbis", "audio/ogg", "ogg");
  }
  // Ogg files carry pictures as base64 METADATA_BLOCK_PICTURE comments.
  if (file.tag() != nullptr) set_cover(cover_from_flac_pictures(file.tag()->pictureList()), info);
  return ok_status();
}

Status read_mp4(TagLib::IOStream* stream, MediaInfo& info) {
  TagLib::MP4::File file(stream, true);
  DISPOTIFY_TRY(read_common(file, info, "MP4"));
  switch (file.audioProperties()->codec()) {
    case TagLib::MP4::Properties::AAC: set_format(info, "aac", "audio/mp4", "m4a"); break;
    case TagLib::MP4::Properties::ALAC: set_format(info, "alac", "audio/mp4", "m4a"); break;
    default: return unsupported("MP4 file whose audio is neither AAC nor ALAC");
  }
  set_cover(cover_from_mp4(file.tag()), info);
  return ok_status();
}

Status read_wav(TagLib::IOStream* stream, MediaInfo& info) {
  TagLib::RIFF::WAV::File file(stream, true);
  DISPOTIFY_TRY(read_common(file, info, "WAV"));
  // WAVE format tags: PCM, IEEE float, and WAVE_FORMAT_EXTENSIBLE (which
  // in practice wraps one of the two); compressed WAVs are not streamable.
  const int format = file.audioProperties()->format();
  if (format != 1 && format != 3 && format != 0xFFFE) {
    return unsupported("WAV file with compressed audio (format " + std::to_string(format) + ")");
  }
  set_format(info, "pcm", "audio/wav", "wav");
  set_cover(cover_from_id3v2(file.hasID3v2Tag() ? file.ID3v2Tag() : nullptr), info);
  return ok_status();
}

Status read_container(ContainerFormat format, TagLib::IOStream* stream, MediaInfo& info) {
  switch (format) {
    case ContainerFormat::mp3: return read_mp3(stream, info);
    case ContainerFormat::flac: return read_flac(stream, info);
    case ContainerFormat::ogg_vorbis: return read_ogg<TagLib::Ogg::Vorbis::File>(stream, info, false);
    case ContainerFormat::ogg_opus: return read_ogg<TagLib::Ogg::Opus::File>(stream, info, true);
    case ContainerFormat::mp4: return read_mp4(stream, info);
    case ContainerFormat::wav: return read_wav(stream, info);
  }
  return make_error(Errc::internal, "unknown container format");
}

std::string file_name_stem(const std::string& original_filename) {
  // Clients send Windows paths too: cut at either separator.
  const size_t slash = original_filename.find_last_of("/\\");
  std::string name = slash == std::string::npos ? original_filename : original_filename.substr(slash + 1);
  const size_t dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0) name.resize(dot);
  return name;
}

}  // namespace

Result<MediaInfo> probe_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return make_error(Errc::io_error, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return make_error(Errc::io_error, "cannot stat " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return make_error(Errc::io_error, path + " is not a regular file");
  DISPOTIFY_ASSIGN_OR_RETURN(const ContainerFormat format,
                             detect_format_fd(fd.get(), static_cast<uint64_t>(st.st_size)));

  // TagLib reads through its own FILE* on a duplicate of our descriptor, so
  // it parses exactly the file we sniffed. fdopen() takes ownership of the
  // duplicate only on success.
  const int stream_fd = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0);
  if (stream_fd < 0) return make_error(Errc::io_error, std::string("dup failed: ") + std::strerror(errno));
  try {
    TagLib::FileStream stream(stream_fd, true);
    if (!stream.isOpen()) {
      ::close(stream_fd);
      return make_error(Errc::io_error, "cannot open a stream on " + path);
    }
    MediaInfo info;
    DISPOTIFY_TRY(read_container(format, &stream, info));
    return info;
  } catch (const std::bad_alloc&) {
    return unsupported("file needs too much memory to parse");
  } catch (const std::exception& e) {
    return make_error(Errc::internal, std::string("TagLib failed: ") + e.what());
  }
}

void apply_tag_defaults(MediaInfo& info, const std::string& original_filename) {
  if (info.title.empty()) info.title = clean_text(file_name_stem(original_filename), kTagTextBytesMax);
  if (info.title.empty()) info.title = "Untitled";
  if (info.artists.empty()) info.artists = {"Unknown Artist"};
  if (info.album.empty()) info.album = "Unknown Album";
}

}  // namespace dispotify::media
