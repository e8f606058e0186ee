// Streaming reader of a multipart/form-data upload (RFC 7578): finds the
// first part that carries a file and yields exactly that part's bytes.
//
// Never holds more than a small window of the body: at most
// kMultipartPartHeaderBytesMax while reading part headers, and otherwise
// one source read plus the delimiter length. Other fields before the file
// are skipped without being kept; parts after it are not read at all.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "net/http.h"

namespace dispotify::net {

// One part's header block; larger is Errc::invalid_argument.
inline constexpr size_t kMultipartPartHeaderBytesMax = 8 * 1024;
// Bytes asked of the underlying body per read.
inline constexpr size_t kMultipartReadBytes = 16 * 1024;

// The boundary parameter of a "multipart/form-data; boundary=..." Content-Type
// (1 to 70 characters, RFC 2046 section 5.1.1); Errc::invalid_argument otherwise.
[[nodiscard]] Result<std::string> multipart_boundary(std::string_view content_type);

// Reads `body` up to the first part whose Content-Disposition has a non-empty
// filename, then acts as a BodyReader over that part's content: read()
// returns 0 at the end of the part. Errors: Errc::invalid_argument for a
// wrong Content-Type, malformed multipart, a body that ends mid-part, or no
// file part; errors of `body` (timeout, too_large) pass through.
//
// `body` must outlive the reader. The filename is returned as sent: it may
// contain path separators or "..", and callers must not use it as a path.
class MultipartFileReader final : public BodyReader {
 public:
  [[nodiscard]] static Result<std::unique_ptr<MultipartFileReader>> open(BodyReader& body,
                                                                         std::string_view content_type);

  const std::string& filename() const { return filename_; }
  const std::string& field_name() const { return field_name_; }
  // The part's own Content-Type, if it sent one.
  const std::optional<std::string>& part_content_type() const { return part_content_type_; }

  [[nodiscard]] Result<size_t> read(std::span<char> buffer) override;
  std::optional<uint64_t> content_length() const override { return std::nullopt; }

  // After the part: reads and discards the rest of the body (later parts
  // and the epilogue) so that the connection can be kept alive; fails with
  // Errc::too_large if more than bytes_max remain.
  [[nodiscard]] Status drain_rest(uint64_t bytes_max);

 private:
  MultipartFileReader(BodyReader& body, std::string boundary);
  Status find_file_part();
  Status read_boundary_line_end(bool& was_last);
  Status read_part_headers();
  Status fill();
  Result<size_t> read_part_data(std::span<char> out);
  Status skip_part();

  BodyReader& body_;
  const std::string delimiter_;  // "\r\n--" + boundary
  std::string window_;           // unconsumed bytes of body_
  bool source_ended_ = false;
  bool part_ended_ = false;
  std::string filename_;
  std::string field_name_;
  std::optional<std::string> part_content_type_;
};

}  // namespace dispotify::net
