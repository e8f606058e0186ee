#include "log/frame.h"

#include <cstring>

#include "base/check.h"
#include "log/byte_codec.h"
#include "log/crc32c.h"

namespace dispotify::raftlog {

// frame_status_text names the version it reads.
static_assert(kFrameVersion == 1, "update the text of FrameStatus::newer_version");

size_t begin_frame(std::string& out) {
  const size_t start = out.size();
  out.append(kFrameHeaderBytes, '\0');
  return start;
}

void finish_frame(std::string& out, size_t start, FrameType type) {
  DISPOTIFY_CHECK(out.size() >= start + kFrameHeaderBytes);
  const size_t length = out.size() - start - kFrameHeaderBytes;
  DISPOTIFY_CHECK_MSG(length <= kFrameLengthMax, "frame payload over kFrameLengthMax");
  std::string header;
  ByteWriter w(header);
  w.u32(kFrameMagic);
  w.u32(0);  // crc32c, computed below over the bytes after it
  w.u32(static_cast<uint32_t>(length));
  w.u8(static_cast<uint8_t>(type));
  w.u8(kFrameVersion);
  w.u16(0);
  DISPOTIFY_CHECK(header.size() == kFrameHeaderBytes);
  std::memcpy(out.data() + start, header.data(), kFrameHeaderBytes);
  const uint32_t crc = crc32c_extend(0, out.data() + start + 8, out.size() - start - 8);
  std::string crc_bytes;
  ByteWriter(crc_bytes).u32(crc);
  std::memcpy(out.data() + start + 4, crc_bytes.data(), 4);
}

void append_frame(std::string& out, FrameType type, std::string_view payload) {
  const size_t start = begin_frame(out);
  out.append(payload);
  finish_frame(out, start, type);
}

FrameDecode decode_frame(std::string_view bytes, size_t offset) {
  FrameDecode d;
  if (offset > bytes.size() || bytes.size() - offset < kFrameHeaderBytes) return d;  // truncated
  ByteReader r(bytes.substr(offset, kFrameHeaderBytes));
  const uint32_t magic = r.u32();
  const uint32_t crc = r.u32();
  const uint32_t length = r.u32();
  d.type = r.u8();
  const uint8_t version = r.u8();
  const uint16_t reserved = r.u16();
  DISPOTIFY_CHECK(r.done());
  if (magic != kFrameMagic || version == 0 || reserved != 0 || length > kFrameLengthMax) {
    d.status = FrameStatus::bad_header;
    return d;
  }
  d.end_offset = offset + kFrameHeaderBytes + length;
  if (bytes.size() - offset - kFrameHeaderBytes < length) return d;  // truncated
  if (crc32c_extend(0, bytes.data() + offset + 8, kFrameHeaderBytes - 8 + length) != crc) {
    d.status = FrameStatus::bad_checksum;
    return d;
  }
  // Checked after the checksum: an intact record of a later version is a
  // newer binary's, never damage, so it must not pass for a torn tail.
  if (version > kFrameVersion) {
    d.status = FrameStatus::newer_version;
    return d;
  }
  d.status = FrameStatus::ok;
  d.payload = bytes.substr(offset + kFrameHeaderBytes, length);
  return d;
}

bool intact_frame_after(std::string_view bytes, size_t from) {
  std::string magic;
  ByteWriter(magic).u32(kFrameMagic);
  // memmem-like scan for the magic, then a full decode at each hit: cheap,
  // and only run when recovery already found a bad record.
  for (size_t pos = bytes.find(magic, from + 1); pos != std::string_view::npos;
       pos = bytes.find(magic, pos + 1)) {
    if (decode_frame(bytes, pos).status == FrameStatus::ok) return true;
  }
  return false;
}

const char* frame_status_text(FrameStatus status) {
  switch (status) {
    case FrameStatus::ok: return "ok";
    case FrameStatus::truncated: return "record truncated by the end of the file";
    case FrameStatus::bad_header: return "bad record header (magic, version or length)";
    case FrameStatus::bad_checksum: return "record checksum mismatch";
    case FrameStatus::newer_version:
      return "record written by a newer binary (format version above 1): run that binary or a newer one";
  }
  return "unknown";
}

}  // namespace dispotify::raftlog
