// Streaming a track raw or transcoded, for GET /api/v1/tracks/{id}/stream
// (?format=&max_bitrate=&time_offset=) and Subsonic's stream.
//
// Raw, the stored bytes with ranges, is the default. A transcode runs when
// the client asks for a format other than the track's (mp3, opus, aac), a
// bit rate below the track's, or a start offset. It streams while ffmpeg
// produces it (chunked), and a finished transcode is kept in a bounded
// local cache and served from there (with ranges) next time.
#pragma once

#include <cstdint>
#include <string>

#include "api/context.h"
#include "catalog/types.h"
#include "net/http.h"

namespace dispotify::api {

struct StreamRequest {
  std::string format;            // "", "raw", "mp3", "opus", "aac"
  int64_t max_bitrate_kbps = 0;  // 0 = no limit
  int64_t time_offset_s = 0;
};

// Raw answers are responses (206, 304, 416 included); a transcode that
// cannot start is an Error (invalid_argument: unknown format; unavailable:
// too many running; unsupported_media: ffmpeg failed before any output).
[[nodiscard]] Result<net::Response> serve_track(ApiContext& ctx, const net::Request& request,
                                                const catalog::Track& track, const StreamRequest& wanted);

}  // namespace dispotify::api
