// Tag and cover extraction from hostile files (media/probe.h): the same
// path an upload takes, from container detection through TagLib to the
// tag fields and the embedded cover. probe_file wants a path, so the input
// is written to a file in a private temporary directory, rewritten for
// every input.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "base/check.h"
#include "fuzz/temp_dir.h"
#include "media/cover.h"
#include "media/probe.h"

namespace {

const std::string& input_path() {
  static const std::string path = dispotify::fuzz::make_temp_dir("/tmp/dispotify-fuzz-media-") + "/input";
  return path;
}

void write_input(const uint8_t* data, size_t size) {
  const int fd = ::open(input_path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  DISPOTIFY_CHECK(fd >= 0);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    DISPOTIFY_CHECK(n > 0);
    done += static_cast<size_t>(n);
  }
  ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dispotify;
  write_input(data, size);
  auto info = media::probe_file(input_path());
  if (!info.ok()) return 0;
  media::apply_tag_defaults(*info, "fuzz input.mp3");
  DISPOTIFY_CHECK(info->cover_bytes.size() <= media::kCoverBytesMax);
  (void)media::sniff_image_type(info->cover_bytes);
  return 0;
}
