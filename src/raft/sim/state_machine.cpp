#include "raft/sim/state_machine.h"

#include <cstdint>

namespace dispotify::raft::sim {
namespace {

constexpr std::string_view kMagic = "RSNP";
constexpr uint64_t kEntryHeaderBytes = 8 + 8 + 1 + 8;

void put_u64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t fnv1a(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return hash;
}

// Reads from the front of `in`, which shrinks; false when too short.
bool take_u64(std::string_view& in, uint64_t* value) {
  if (in.size() < 8) return false;
  *value = 0;
  for (int i = 0; i < 8; ++i) *value |= uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  in.remove_prefix(8);
  return true;
}

Error corrupt(const std::string& what) { return make_error(Errc::corrupt, "snapshot: " + what); }

}  // namespace

std::string encode_state(const std::vector<Entry>& applied) {
  std::string out(kMagic);
  put_u64(out, applied.size());
  for (const Entry& e : applied) {
    put_u64(out, e.term.value());
    put_u64(out, e.index.value());
    out.push_back(static_cast<char>(e.type));
    put_u64(out, e.data.size());
    out += e.data;
  }
  put_u64(out, fnv1a(out));
  return out;
}

Result<std::vector<Entry>> decode_state(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 16 || bytes.substr(0, kMagic.size()) != kMagic)
    return corrupt("bad header");
  std::string_view trailer = bytes.substr(bytes.size() - 8);
  uint64_t checksum = 0;
  (void)take_u64(trailer, &checksum);
  std::string_view body = bytes.substr(0, bytes.size() - 8);
  if (fnv1a(body) != checksum) return corrupt("checksum mismatch");
  body.remove_prefix(kMagic.size());
  uint64_t count = 0;
  if (!take_u64(body, &count) || count > body.size() / kEntryHeaderBytes) return corrupt("bad entry count");
  std::vector<Entry> entries;
  entries.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t term = 0, index = 0, size = 0;
    if (!take_u64(body, &term) || !take_u64(body, &index) || body.empty()) return corrupt("short entry");
    const auto type = static_cast<EntryType>(body[0]);
    body.remove_prefix(1);
    if (!take_u64(body, &size) || size > body.size()) return corrupt("short entry data");
    if (index != i + 1) return corrupt("entries are not contiguous from index 1");
    entries.push_back(Entry{Term(term), LogIndex(index), type, std::string(body.substr(0, size))});
    body.remove_prefix(size);
  }
  if (!body.empty()) return corrupt("trailing bytes");
  return entries;
}

}  // namespace dispotify::raft::sim
