#include "media/thumbnail.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "media/cover.h"
#include "media/subprocess.h"

namespace dispotify::media {
namespace {

constexpr const char* kFfmpegPath = "/usr/bin/ffmpeg";
// A cover decodes and scales in well under a second; a file that takes
// longer is hostile or broken.
constexpr int64_t kThumbnailTimeoutMs = 10'000;
constexpr size_t kThumbnailBytesMax = 8 * 1024 * 1024;
// Refuses decompression bombs (a tiny file declaring a gigapixel image)
// before ffmpeg allocates the frame.
constexpr const char* kSourcePixelsMax = "100000000";

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

Result<std::string> make_thumbnail(const std::string& image_path, int size_px) {
  if (size_px < kThumbnailSizeMin || size_px > kThumbnailSizeMax) {
    return make_error(Errc::invalid_argument, "thumbnail size must be in [" +
                                                  std::to_string(kThumbnailSizeMin) + ", " +
                                                  std::to_string(kThumbnailSizeMax) + "]");
  }
  struct stat st {};
  if (::stat(image_path.c_str(), &st) != 0) {
    return make_error(Errc::io_error, "cannot read " + image_path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return make_error(Errc::io_error, image_path + " is not a regular file");

  const std::string size = std::to_string(size_px);
  SubprocessSpec spec;
  spec.timeout_ms = kThumbnailTimeoutMs;
  spec.stdout_bytes_max = kThumbnailBytesMax;
  // "file:" keeps ffmpeg from reading the path as another protocol
  // ("http:", "concat:", "pipe:") or as an option when it starts with "-".
  spec.argv = {kFfmpegPath,
               "-nostdin",
               "-hide_banner",
               "-v",
               "error",
               "-threads",
               "1",
               "-protocol_whitelist",
               "file",
               "-max_pixels",
               kSourcePixelsMax,
               "-i",
               "file:" + image_path,
               "-vf",
               "scale=w=" + size + ":h=" + size + ":force_original_aspect_ratio=decrease",
               "-frames:v",
               "1",
               "-f",
               "image2pipe",
               "-c:v",
               "mjpeg",
               "-q:v",
               "3",
               "pipe:1"};
  DISPOTIFY_ASSIGN_OR_RETURN(SubprocessOutput out, run_subprocess(spec));
  if (!out.succeeded()) {
    return make_error(Errc::unsupported_media,
                      "ffmpeg cannot make a thumbnail of " + image_path + ": " + first_line(out.stderr_text));
  }
  if (sniff_image_type(out.stdout_bytes) != "image/jpeg") {
    return make_error(Errc::unsupported_media, "ffmpeg produced no JPEG for " + image_path);
  }
  return std::move(out.stdout_bytes);
}

}  // namespace dispotify::media
