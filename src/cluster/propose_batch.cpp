#include "cluster/propose_batch.h"

#include "base/check.h"
#include "cluster/propose_answer.h"
#include "log/byte_codec.h"

namespace dispotify::cluster {
namespace {

using raftlog::ByteReader;
using raftlog::ByteWriter;

Error malformed(std::string what) { return make_error(Errc::internal, "malformed batch answer: " + what); }

// A not-committed answer: "0\n<errc>\n<message>".
std::string encode_failure(const Error& e) {
  std::string out = "0\n";
  out += errc_name(e.code);
  out += "\n";
  out += e.message;
  return out;
}

Result<Committed> decode_one(std::string_view text) {
  if (!text.starts_with("0\n")) return decode_propose_answer(text);
  const std::string_view rest = text.substr(2);
  const size_t newline = rest.find('\n');
  if (newline == std::string_view::npos) return malformed("a failure without a message");
  return make_error(errc_from_name(rest.substr(0, newline)), std::string(rest.substr(newline + 1)));
}

}  // namespace

std::string encode_propose_batch(const std::vector<std::string_view>& entries) {
  DISPOTIFY_CHECK(entries.size() <= kProposeBatchEntriesMax);
  std::string out;
  size_t bytes = 4;
  for (std::string_view e : entries) bytes += 4 + e.size();
  out.reserve(bytes);
  ByteWriter w(out);
  w.u32(static_cast<uint32_t>(entries.size()));
  for (std::string_view e : entries) {
    w.u32(static_cast<uint32_t>(e.size()));
    w.bytes(e);
  }
  return out;
}

Result<std::vector<std::string>> decode_propose_batch(std::string_view body) {
  ByteReader r(body);
  const uint32_t count = r.u32();
  if (!r.ok() || count == 0 || count > kProposeBatchEntriesMax) {
    return make_error(Errc::invalid_argument,
                      "a batch holds 1 to " + std::to_string(kProposeBatchEntriesMax) + " entries");
  }
  std::vector<std::string> entries;
  entries.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t size = r.u32();
    entries.emplace_back(r.bytes(size));
  }
  if (!r.done()) return make_error(Errc::invalid_argument, "malformed batch of forwarded writes");
  return entries;
}

std::string encode_batch_answers(const std::vector<Result<Committed>>& answers) {
  std::string out;
  ByteWriter w(out);
  w.u32(static_cast<uint32_t>(answers.size()));
  for (const Result<Committed>& a : answers) {
    const std::string one = a.ok() ? encode_propose_answer(*a) : encode_failure(a.error());
    w.u32(static_cast<uint32_t>(one.size()));
    w.bytes(one);
  }
  return out;
}

Result<std::vector<Result<Committed>>> decode_batch_answers(std::string_view body, size_t expected) {
  ByteReader r(body);
  const uint32_t count = r.u32();
  if (!r.ok() || count != expected) {
    return malformed(std::to_string(count) + " answers for " + std::to_string(expected) + " entries");
  }
  std::vector<Result<Committed>> answers;
  answers.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t size = r.u32();
    answers.push_back(decode_one(r.bytes(size)));
  }
  if (!r.done()) return malformed("truncated or trailing bytes");
  return answers;
}

}  // namespace dispotify::cluster
