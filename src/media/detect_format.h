// Decides the container of an audio file from its leading bytes (magic
// numbers), never from its name. A positive answer only means "worth giving
// to the matching TagLib parser"; the probe still requires valid audio
// properties afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace dispotify::media {

enum class ContainerFormat { mp3, flac, ogg_vorbis, ogg_opus, mp4, wav };

std::string_view container_format_name(ContainerFormat format);

// Reads up to `length` bytes at `offset`; fewer only at the end of the data.
using ReadAt = std::function<Result<std::string>(uint64_t offset, size_t length)>;

// Errc::unsupported_media when the bytes match no supported container, or
// match one but are cut short before its first audio frame. Reads a bounded
// number of small windows (a few KiB each), whatever `size_bytes` is.
[[nodiscard]] Result<ContainerFormat> detect_format(const ReadAt& read_at, uint64_t size_bytes);

// Same, reading with pread(2) from `fd` (its file offset is not used).
[[nodiscard]] Result<ContainerFormat> detect_format_fd(int fd, uint64_t size_bytes);

// Length in bytes of the MPEG-1/2/2.5 Layer III frame whose 4-byte header is
// at `header`, or 0 when those bytes are not a valid Layer III header.
// Free-format bitrates are refused (their frame length is not in the header).
int mp3_frame_length(std::string_view header);

}  // namespace dispotify::media
