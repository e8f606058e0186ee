#include "api/upload.h"

#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/random.h"
#include "base/sha256.h"
#include "media/probe.h"

namespace dispotify::api {
namespace {

constexpr size_t kUploadChunkBytes = 256 * 1024;

// Streams the body into `writer`, refusing more than `bytes_max`.
Status copy_body(net::BodyReader& body, storage::BlobWriter& writer, uint64_t bytes_max) {
  if (auto length = body.content_length(); length && *length > bytes_max) {
    return make_error(Errc::too_large,
                      "file is larger than --max-upload-size (" + std::to_string(bytes_max) + " bytes)");
  }
  std::vector<char> buf(kUploadChunkBytes);
  for (;;) {
    DISPOTIFY_ASSIGN_OR_RETURN(const size_t n, body.read(buf));
    if (n == 0) break;
    if (writer.bytes_written() + n > bytes_max) {
      return make_error(Errc::too_large,
                        "file is larger than --max-upload-size (" + std::to_string(bytes_max) + " bytes)");
    }
    DISPOTIFY_TRY(writer.write({buf.data(), n}));
  }
  if (writer.bytes_written() == 0) return make_error(Errc::unsupported_media, "the file is empty");
  return {};
}

// A cover's bytes are known before they are written, so it is placed by
// its own hash (placement key "").
Result<catalog::BlobCopies> store_cover(storage::BlobStore& blobs, const std::string& bytes) {
  const std::string hash = sha256_hex(bytes);
  DISPOTIFY_ASSIGN_OR_RETURN(auto writer, blobs.begin_write(hash));
  DISPOTIFY_TRY(writer->write(bytes));
  DISPOTIFY_ASSIGN_OR_RETURN(auto info, writer->commit(hash));
  return catalog::BlobCopies{info.hash, info.size_bytes, "", std::move(info.holders)};
}

catalog::Track track_from(const std::string& id, const media::MediaInfo& m, const storage::BlobInfo& blob,
                          const std::string& filename, const std::string& user_id) {
  catalog::Track t;
  t.id = id;
  t.title = m.title;
  t.artists = m.artists;
  t.album = m.album;
  t.album_artist = m.album_artist;
  t.compilation = m.compilation;
  t.track_number = m.track_number;
  t.track_total = m.track_total;
  t.disc_number = m.disc_number;
  t.disc_total = m.disc_total;
  t.year = m.year;
  t.genre = m.genre;
  t.duration_ms = m.duration_ms;
  t.bitrate_kbps = m.bitrate_kbps;
  t.sample_rate = m.sample_rate;
  t.channels = m.channels;
  t.codec = m.codec;
  t.content_type = m.content_type;
  t.size_bytes = blob.size_bytes;
  t.content_hash = blob.hash;
  t.replaygain_track_gain_db = m.replaygain_track_gain_db;
  t.replaygain_track_peak = m.replaygain_track_peak;
  t.replaygain_album_gain_db = m.replaygain_album_gain_db;
  t.replaygain_album_peak = m.replaygain_album_peak;
  t.lyrics = m.lyrics;
  t.musicbrainz_track_id = m.musicbrainz_track_id;
  t.musicbrainz_album_id = m.musicbrainz_album_id;
  t.musicbrainz_artist_id = m.musicbrainz_artist_id;
  t.filename = filename;
  t.uploaded_by = user_id;
  t.created_at_ms = now_unix_ms();
  return t;
}

Result<std::optional<catalog::Track>> existing_track(ApiContext& ctx, const std::string& hash) {
  return ctx.catalog.track_by_hash(hash);
}

}  // namespace

std::string sanitize_filename(std::string_view name) {
  const auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  std::string out;
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
    out += c;
  }
  if (out == "." || out == "..") out.clear();
  if (out.size() > kFilenameBytesMax) {
    out.resize(kFilenameBytesMax);
    // Do not leave half a UTF-8 sequence at the end.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
  }
  return out.empty() ? "upload" : out;
}

Result<UploadOutcome> ingest_track(ApiContext& ctx, net::BodyReader& body, const std::string& filename,
                                   const catalog::Origin& origin) {
  // The track id is chosen first: it places the audio's copies on the ring
  // while the bytes arrive (their hash is known only at the end).
  const std::string track_id = random_id();
  DISPOTIFY_ASSIGN_OR_RETURN(auto writer, ctx.blobs.begin_write(track_id));
  DISPOTIFY_TRY(copy_body(body, *writer, ctx.options.upload_bytes_max));
  DISPOTIFY_ASSIGN_OR_RETURN(const std::string temp_path, writer->finish_writing());
  DISPOTIFY_ASSIGN_OR_RETURN(media::MediaInfo info, media::probe_file(temp_path));
  media::apply_tag_defaults(info, filename);
  DISPOTIFY_ASSIGN_OR_RETURN(const storage::BlobInfo blob, writer->commit());

  DISPOTIFY_ASSIGN_OR_RETURN(auto existing, existing_track(ctx, blob.hash));
  if (existing) return UploadOutcome{std::move(*existing), false};

  catalog::Track track = track_from(track_id, info, blob, filename, origin.actor_id);
  std::vector<catalog::BlobCopies> copies = {{blob.hash, blob.size_bytes, track_id, blob.holders}};
  if (!info.cover_bytes.empty()) {
    DISPOTIFY_ASSIGN_OR_RETURN(catalog::BlobCopies cover, store_cover(ctx.blobs, info.cover_bytes));
    track.cover_hash = cover.hash;
    copies.push_back(std::move(cover));
  }
  if (auto proposed = ctx.proposer.propose(catalog::AddTrack{track, std::move(copies), origin});
      !proposed.ok()) {
    // A concurrent upload of the same bytes won the race: answer as a duplicate.
    if (proposed.error().code == Errc::conflict) {
      DISPOTIFY_ASSIGN_OR_RETURN(auto winner, existing_track(ctx, blob.hash));
      if (winner) return UploadOutcome{std::move(*winner), false};
    }
    return std::move(proposed).error();
  }
  DISPOTIFY_ASSIGN_OR_RETURN(auto stored, ctx.catalog.track(track.id));
  if (!stored) return make_error(Errc::internal, "track " + track.id + " vanished right after it was added");
  log::info("track added", {{"id", track.id}, {"title", stored->title}, {"bytes", blob.size_bytes}});
  return UploadOutcome{std::move(*stored), true};
}

}  // namespace dispotify::api
