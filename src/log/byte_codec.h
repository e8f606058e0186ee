// Little-endian fixed-width encoding for the on-disk formats of this folder
// (docs/formats/raft_log.md). The reader never reads past its input: a read
// beyond the end yields zero and marks the reader failed, so decoders check
// ok() once at the end instead of after every field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dispotify::raftlog {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { put(v, 2); }
  void u32(uint32_t v) { put(v, 4); }
  void u64(uint64_t v) { put(v, 8); }
  void bytes(std::string_view v) { out_.append(v); }

 private:
  void put(uint64_t v, int width) {
    for (int i = 0; i < width; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  uint8_t u8() { return static_cast<uint8_t>(get(1)); }
  uint16_t u16() { return static_cast<uint16_t>(get(2)); }
  uint32_t u32() { return static_cast<uint32_t>(get(4)); }
  uint64_t u64() { return get(8); }
  // A view of the next `size` bytes, or empty (and failed) if fewer remain.
  std::string_view bytes(uint64_t size) {
    if (failed_ || size > in_.size() - pos_) {
      failed_ = true;
      return {};
    }
    std::string_view out = in_.substr(pos_, size);
    pos_ += size;
    return out;
  }
  size_t remaining() const { return in_.size() - pos_; }
  bool ok() const { return !failed_; }
  // Whole input consumed and no read failed: trailing bytes are an error in
  // every format here, since each length is known.
  bool done() const { return !failed_ && pos_ == in_.size(); }

 private:
  uint64_t get(int width) {
    if (failed_ || in_.size() - pos_ < static_cast<size_t>(width)) {
      failed_ = true;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < width; ++i)
      v |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += static_cast<size_t>(width);
    return v;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace dispotify::raftlog
