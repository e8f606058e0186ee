#include "net/multipart.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace dispotify::net {
namespace {

// Returns the body in pieces of 1..7 bytes (cycling), so that delimiters
// and header terminators land across every possible chunk edge.
class TricklingBody final : public BodyReader {
 public:
  explicit TricklingBody(std::string bytes, size_t offset_seed = 0)
      : bytes_(std::move(bytes)), step_(offset_seed) {}
  Result<size_t> read(std::span<char> buffer) override {
    ++reads_;
    const size_t want = 1 + (step_++ % 7);
    const size_t n = std::min({want, buffer.size(), bytes_.size() - position_});
    std::copy_n(bytes_.data() + position_, n, buffer.data());
    position_ += n;
    return n;
  }
  std::optional<uint64_t> content_length() const override { return bytes_.size(); }
  size_t position() const { return position_; }

 private:
  std::string bytes_;
  size_t position_ = 0;
  size_t step_;
  size_t reads_ = 0;
};

class FailingBody final : public BodyReader {
 public:
  Result<size_t> read(std::span<char>) override { return make_error(Errc::timeout, "slow client"); }
  std::optional<uint64_t> content_length() const override { return std::nullopt; }
};

constexpr std::string_view kContentType = "multipart/form-data; boundary=----xyzBOUNDARY";

std::string read_all(BodyReader& reader, size_t chunk_bytes) {
  std::string out;
  std::vector<char> chunk(chunk_bytes);
  while (true) {
    auto n = reader.read(chunk);
    EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
    if (!n.ok() || *n == 0) return out;
    out.append(chunk.data(), *n);
  }
}

// Bytes that look almost like the delimiter, to trip naive matching.
std::string tricky_content() {
  std::string content = "\r\n------xyzBOUNDAR\r\n--\r\n------xyzBOUNDARX";
  for (int i = 0; i < 3000; ++i) content.push_back(static_cast<char>(i * 31 % 256));
  content += "\r\n-";
  return content;
}

std::string form_body(const std::string& file_content) {
  return "preamble to ignore\r\n"
         "------xyzBOUNDARY\r\n"
         "Content-Disposition: form-data; name=\"title\"\r\n"
         "\r\n"
         "My Song\r\n"
         "------xyzBOUNDARY  \r\n"
         "Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\";c.flac\"\r\n"
         "Content-Type: audio/flac\r\n"
         "\r\n" +
         file_content +
         "\r\n------xyzBOUNDARY\r\n"
         "Content-Disposition: form-data; name=\"after\"\r\n"
         "\r\n"
         "later\r\n"
         "------xyzBOUNDARY--\r\n"
         "epilogue";
}

TEST(Multipart, BoundaryFromContentType) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc").value(), "abc");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data;boundary=\"a b;c\"").value(), "a b;c");
  EXPECT_EQ(multipart_boundary("multipart/form-data; charset=utf-8; BOUNDARY=x").value(), "x");
  for (const char* bad : {"multipart/form-data", "multipart/form-data; boundary=", "text/plain; boundary=x",
                          "multipart/form-data; boundary=\"open", "multipart/mixed; boundary=x"}) {
    auto result = multipart_boundary(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().code, Errc::invalid_argument);
  }
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'b')).ok());
}

TEST(Multipart, YieldsExactlyTheFilePartAcrossEveryChunkEdge) {
  const std::string content = tricky_content();
  for (size_t seed = 0; seed < 7; ++seed) {
    for (const size_t out_chunk : {1, 5, 4096}) {
      TricklingBody body(form_body(content), seed);
      auto reader = MultipartFileReader::open(body, kContentType);
      ASSERT_TRUE(reader.ok()) << reader.error().message;
      EXPECT_EQ((*reader)->filename(), "a \"b\";c.flac");
      EXPECT_EQ((*reader)->field_name(), "file");
      EXPECT_EQ((*reader)->part_content_type().value_or(""), "audio/flac");
      EXPECT_TRUE(read_all(**reader, out_chunk) == content) << "seed " << seed << " chunk " << out_chunk;
      std::vector<char> after(8);
      auto again = (*reader)->read(after);
      EXPECT_EQ(again.value(), 0u);
    }
  }
}

TEST(Multipart, NeverReadsFarAhead) {
  const std::string content(1 << 20, 'x');
  TricklingBody body(form_body(content));
  auto reader = MultipartFileReader::open(body, kContentType);
  ASSERT_TRUE(reader.ok());
  // Only the headers and the first slice are buffered after open().
  EXPECT_LT(body.position(), 400u);
  std::vector<char> chunk(100);
  ASSERT_TRUE((*reader)->read(chunk).ok());
  EXPECT_LT(body.position(), 400u + kMultipartReadBytes + 100);
}

TEST(Multipart, DrainRestConsumesTheWholeBody) {
  const std::string body_text = form_body("data");
  TricklingBody body(body_text);
  auto reader = MultipartFileReader::open(body, kContentType);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->drain_rest(1024).ok());
  EXPECT_EQ(body.position(), body_text.size());

  TricklingBody big(form_body("data") + std::string(5000, 'e'));
  auto big_reader = MultipartFileReader::open(big, kContentType);
  ASSERT_TRUE(big_reader.ok());
  auto drained = (*big_reader)->drain_rest(1024);
  ASSERT_FALSE(drained.ok());
  EXPECT_EQ(drained.error().code, Errc::too_large);
}

TEST(Multipart, FirstBoundaryWithoutPreambleAndEmptyFile) {
  const std::string text =
      "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"empty.mp3\"\r\n\r\n\r\n--b--";
  TricklingBody body(text);
  auto reader = MultipartFileReader::open(body, "multipart/form-data; boundary=b");
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(read_all(**reader, 10), "");
}

TEST(Multipart, ExtendedFilenameWins) {
  const std::string text =
      "--b\r\nContent-Disposition: form-data; name=f; filename=\"fallback.mp3\"; "
      "filename*=UTF-8''%E2%82%AC.mp3\r\n\r\nx\r\n--b--";
  TricklingBody body(text);
  auto reader = MultipartFileReader::open(body, "multipart/form-data; boundary=b");
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ((*reader)->filename(), "\xE2\x82\xAC.mp3");
  EXPECT_EQ(read_all(**reader, 10), "x");
}

void expect_invalid(const std::string& text, const char* why) {
  TricklingBody body(text);
  auto reader = MultipartFileReader::open(body, "multipart/form-data; boundary=b");
  if (reader.ok()) {
    // Some errors only show while the part is read.
    std::vector<char> chunk(64);
    Result<size_t> n = size_t{1};
    while (n.ok() && *n > 0) n = (*reader)->read(chunk);
    ASSERT_FALSE(n.ok()) << why;
    EXPECT_EQ(n.error().code, Errc::invalid_argument) << why;
    return;
  }
  EXPECT_EQ(reader.error().code, Errc::invalid_argument) << why;
}

TEST(Multipart, MalformedBodiesAreInvalidArgument) {
  expect_invalid("", "empty body");
  expect_invalid("no boundary here at all", "no boundary");
  expect_invalid("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--b--", "no file part");
  expect_invalid("--b\r\nContent-Disposition: form-data; name=a; filename=\"\"\r\n\r\nv\r\n--b--",
                 "empty filename is no file");
  expect_invalid("--b\r\nContent-Disposition: form-data; name=a; filename=x\r\n\r\ntruncated",
                 "ends mid-part");
  expect_invalid("--b\r\nContent-Disposition: form-data; filename=x\r\nno end of headers",
                 "headers never end");
  expect_invalid("--bjunk\r\n\r\n", "junk after boundary");
  expect_invalid("--b\r\nBroken header line\r\n\r\nx\r\n--b--", "header without colon");
  expect_invalid("--b\r\nX: " + std::string(kMultipartPartHeaderBytesMax + 10, 'h') + "\r\n\r\nx\r\n--b--",
                 "huge part headers");
  expect_invalid("--b\r\nContent-Disposition: form-data; filename=\"open\r\n\r\nx\r\n--b--",
                 "unterminated quote");
}

TEST(Multipart, SourceErrorsPassThrough) {
  FailingBody body;
  auto reader = MultipartFileReader::open(body, kContentType);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code, Errc::timeout);
}

}  // namespace
}  // namespace dispotify::net
