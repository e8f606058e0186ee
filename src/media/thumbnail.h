// Cover thumbnails: scales an image to fit in size x size pixels, keeping the
// aspect ratio, as JPEG. Runs ffmpeg (Debian package) without a shell, with a
// time limit; the caller caches the result.
#pragma once

#include <string>

#include "base/result.h"

namespace dispotify::media {

inline constexpr int kThumbnailSizeMin = 16;
inline constexpr int kThumbnailSizeMax = 2048;

// `image_path` is an existing image file; returns the JPEG bytes.
[[nodiscard]] Result<std::string> make_thumbnail(const std::string& image_path, int size_px);

}  // namespace dispotify::media
