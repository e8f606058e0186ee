// Ingesting one uploaded file: stream it into the blob store while hashing,
// decide from its content whether it is audio, read its tags, store its
// cover, and propose the AddTrack command.
//
// Order matters for crash safety: the blob is durable before the catalog
// entry is proposed, so a crash leaves at worst an unreferenced blob (or a
// temp file removed at the next start), never a track without its audio.
#pragma once

#include <string>

#include "api/context.h"
#include "catalog/command.h"
#include "catalog/types.h"
#include "net/http.h"

namespace dispotify::api {

inline constexpr size_t kFilenameBytesMax = 255;

struct UploadOutcome {
  catalog::Track track;
  bool created = false;  // false: the same content was already in the catalog
};

// The last path component of a client-supplied name, without control
// characters, at most kFilenameBytesMax bytes; "upload" if nothing is left.
std::string sanitize_filename(std::string_view name);

// The track is uploaded by origin.actor_id; the origin goes into AddTrack
// for the audit log.
[[nodiscard]] Result<UploadOutcome> ingest_track(ApiContext& ctx, net::BodyReader& body,
                                                 const std::string& filename, const catalog::Origin& origin);

}  // namespace dispotify::api
