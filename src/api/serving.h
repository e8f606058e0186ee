// Serving stored bytes, shared by the REST stream routes and the Subsonic
// API (stream_routes.cpp): a blob with ranges, ETag and sendfile, and a
// cover as stored or as a cached JPEG thumbnail.
#pragma once

#include <cstdint>
#include <string>

#include "api/context.h"
#include "net/http.h"

namespace dispotify::api {

net::Response serve_blob(ApiContext& ctx, const net::Request& request, const std::string& hash,
                         const std::string& content_type);
// size_px 0: the stored image; else a thumbnail that fits size_px x size_px
// (media::kThumbnailSizeMin..Max).
net::Response serve_cover_sized(ApiContext& ctx, const net::Request& request, const std::string& cover_hash,
                                int64_t size_px);

}  // namespace dispotify::api
