#include "api/track_stream.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fcntl.h>

#include "api/errors.h"
#include "api/serving.h"
#include "base/fs.h"
#include "base/log.h"
#include "base/random.h"
#include "base/sha256.h"
#include "media/process_stream.h"
#include "media/transcode.h"
#include "net/range.h"

namespace dispotify::api {
namespace {

// The first bytes are awaited before answering, so a file ffmpeg cannot
// read gives an error status instead of an empty 200.
constexpr size_t kFirstChunkBytes = 64 * 1024;

bool same_codec(const catalog::Track& track, const std::string& format) {
  return (format == "mp3" && track.codec == "mp3") || (format == "opus" && track.codec == "opus") ||
         (format == "aac" && track.codec == "aac");
}

// ffmpeg's stdout as a response body, copied into a cache file on the way;
// the copy is moved into the cache only when ffmpeg exits cleanly.
class TranscodeSource final : public net::ChunkSource {
 public:
  TranscodeSource(ApiContext& ctx, std::unique_ptr<media::ProcessStream> process, std::string first,
                  std::string key)
      : ctx_(ctx), process_(std::move(process)), pending_(std::move(first)), key_(std::move(key)) {
    if (key_.empty()) return;
    auto temp = ctx_.transcodes.create_temp(key_);
    if (temp.ok()) {
      temp_fd_ = std::move(temp->first);
      temp_path_ = std::move(temp->second);
      copy(pending_.data(), pending_.size());
    }
  }
  ~TranscodeSource() override {
    process_.reset();  // kills ffmpeg if the client left early
    if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
    ctx_.transcodes.release();
  }

  Result<size_t> read(std::span<char> buffer) override {
    if (!pending_.empty()) {
      const size_t n = std::min(buffer.size(), pending_.size());
      std::copy_n(pending_.data(), n, buffer.data());
      pending_.erase(0, n);
      return n;
    }
    DISPOTIFY_ASSIGN_OR_RETURN(size_t n, process_->read(buffer));
    if (n > 0) {
      copy(buffer.data(), n);
      return n;
    }
    // The end: a failed ffmpeg fails the response (the client sees the
    // chunked body cut short), and only a clean run is cached.
    if (Status done = process_->finish(); !done.ok()) {
      return make_error(Errc::io_error, "ffmpeg failed while transcoding: " + done.error().message);
    }
    if (!temp_path_.empty()) {
      temp_fd_.reset();
      if (Status kept = ctx_.transcodes.commit(temp_path_, key_); !kept.ok()) {
        log::warn("transcode not cached", {{"error", kept.error().message}});
      }
      temp_path_.clear();
    }
    return size_t{0};
  }

 private:
  void copy(const char* data, size_t size) {
    if (!temp_fd_.valid()) return;
    while (size > 0) {
      const ssize_t n = ::write(temp_fd_.get(), data, size);
      if (n <= 0) {  // a full disk loses the cache copy, not the stream
        temp_fd_.reset();
        ::unlink(temp_path_.c_str());
        temp_path_.clear();
        return;
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
  }

  ApiContext& ctx_;
  std::unique_ptr<media::ProcessStream> process_;
  std::string pending_;
  std::string key_;
  UniqueFd temp_fd_;
  std::string temp_path_;
};

net::Response serve_cached(const net::Request& request, const std::string& path,
                           const std::string& content_type) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0)
    return error_response(Errc::io_error, "cannot open cached transcode");
  const auto size = static_cast<uint64_t>(st.st_size);
  net::Response response;
  response.set_header("Content-Type", content_type);
  response.set_header("Accept-Ranges", "bytes");
  net::RangeSpec range;
  if (auto header = request.header("Range")) range = net::parse_range(*header, size);
  if (range.kind == net::RangeSpec::Kind::unsatisfiable) {
    net::Response refused = error_response(Errc::range_not_satisfiable, "range outside the resource");
    refused.set_header("Content-Range", net::content_range_unsatisfied(size));
    return refused;
  }
  if (range.kind == net::RangeSpec::Kind::partial) {
    response.status = 206;
    response.set_header("Content-Range", net::content_range(range.first, range.last, size));
    response.body = net::FileBody{std::move(fd), range.first, range.length()};
    return response;
  }
  response.body = net::FileBody{std::move(fd), 0, size};
  return response;
}

Result<net::Response> transcode(ApiContext& ctx, const net::Request& request, const catalog::Track& track,
                                const media::OutputFormat& format, const StreamRequest& wanted) {
  media::TranscodeJob job;
  job.format = format;
  job.bitrate_kbps = static_cast<int>(wanted.max_bitrate_kbps);
  job.offset_s = wanted.time_offset_s;
  job.duration_ms = track.duration_ms;
  // Only whole transcodes are cached; a seek starts a fresh one.
  const std::string key =
      job.offset_s == 0
          ? sha256_hex(track.content_hash + "/" + format.name + "/" + std::to_string(job.bitrate_kbps)) +
                "." + format.suffix
          : std::string();
  if (!ctx.transcodes.configured()) {
    ctx.transcodes.configure(ctx.options.cache_dir + "/transcodes", media::TranscodeCache::kBytesMaxDefault);
  }
  if (!key.empty()) {
    if (auto cached = ctx.transcodes.find(key)) return serve_cached(request, *cached, format.content_type);
  }
  // ffmpeg reads a file: a track this node holds no copy of is fetched from
  // a holder first (hash checked), and the copy is unlinked as soon as
  // ffmpeg has it open.
  std::string fetched;
  auto local = ctx.blobs.local_path(track.content_hash);
  if (!local.ok() && local.error().code == Errc::not_found && ctx.replicated != nullptr) {
    DISPOTIFY_ASSIGN_OR_RETURN(auto record, ctx.catalog.blob(track.content_hash));
    if (!record) return make_error(Errc::not_found, "blob " + track.content_hash + " is not in the catalog");
    DISPOTIFY_TRY(fs::make_dirs(ctx.options.cache_dir + "/fetched"));
    fetched = ctx.options.cache_dir + "/fetched/" + random_hex(8) + "-" + track.content_hash;
    DISPOTIFY_TRY(ctx.replicated->fetch_to_file(
        storage::BlobLocation{record->hash, record->size_bytes, record->placement_key, record->replicas},
        fetched));
    local = fetched;
  }
  DISPOTIFY_ASSIGN_OR_RETURN(std::string source, std::move(local));
  struct Unlink {
    std::string path;
    ~Unlink() {
      if (!path.empty()) ::unlink(path.c_str());
    }
  } unlink_fetched{fetched};
  job.source_path = source;
  if (!ctx.transcodes.acquire()) {
    return make_error(Errc::unavailable, "too many transcodes running; retry shortly");
  }
  media::ProcessStreamSpec spec;
  spec.argv = media::transcode_argv(job);
  spec.timeout_ms = media::transcode_timeout_ms(job);
  spec.cpu_seconds_max = media::transcode_cpu_seconds(job);
  auto process = media::ProcessStream::start(spec);
  if (!process.ok()) {
    ctx.transcodes.release();
    return process.error();
  }
  std::string first(kFirstChunkBytes, '\0');
  auto n = (*process)->read(first);
  if (!n.ok() || *n == 0) {
    Status done = n.ok() ? (*process)->finish() : Status(n.error());
    ctx.transcodes.release();
    const std::string why = done.ok() ? "ffmpeg produced nothing" : done.error().message;
    return make_error(Errc::unsupported_media, "cannot transcode track " + track.id + ": " + why);
  }
  first.resize(*n);
  net::Response response;
  response.set_header("Content-Type", format.content_type);
  response.set_header("Accept-Ranges", "none");
  response.set_header("Cache-Control", "no-store");
  response.body = std::make_shared<TranscodeSource>(ctx, std::move(*process), std::move(first), key);
  return response;
}

}  // namespace

Result<net::Response> serve_track(ApiContext& ctx, const net::Request& request, const catalog::Track& track,
                                  const StreamRequest& wanted) {
  std::string format = wanted.format == "raw" ? "" : wanted.format;
  const bool over_rate = wanted.max_bitrate_kbps > 0 && track.bitrate_kbps > wanted.max_bitrate_kbps;
  if (format.empty() && (over_rate || wanted.time_offset_s > 0)) format = "mp3";
  if (format.empty()) return serve_blob(ctx, request, track.content_hash, track.content_type);
  auto output = media::output_format(format);
  if (!output) return make_error(Errc::invalid_argument, "format must be raw, mp3, opus or aac");
  if (same_codec(track, format) && !over_rate && wanted.time_offset_s == 0) {
    return serve_blob(ctx, request, track.content_hash, track.content_type);
  }
  return transcode(ctx, request, track, *output, wanted);
}

}  // namespace dispotify::api
