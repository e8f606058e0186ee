#include "media/detect_format.h"

#include <gtest/gtest.h>

#include <random>

namespace dispotify::media {
namespace {

// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames.
const std::string kFrameHeader("\xFF\xFB\x90\x64", 4);
constexpr int kFrameBytes = 417;

std::string mp3_frames(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += kFrameHeader + std::string(kFrameBytes - 4, '\x55');
  return out;
}

std::string id3v2_header(uint32_t body_bytes) {
  std::string h("ID3\x04\x00\x00", 6);
  h += static_cast<char>((body_bytes >> 21) & 0x7F);
  h += static_cast<char>((body_bytes >> 14) & 0x7F);
  h += static_cast<char>((body_bytes >> 7) & 0x7F);
  h += static_cast<char>(body_bytes & 0x7F);
  return h;
}

Result<ContainerFormat> detect(const std::string& bytes) {
  const ReadAt read_at = [&bytes](uint64_t offset, size_t length) -> Result<std::string> {
    if (offset >= bytes.size()) return std::string();
    return bytes.substr(offset, length);
  };
  return detect_format(read_at, bytes.size());
}

void expect_format(const std::string& bytes, ContainerFormat expected) {
  Result<ContainerFormat> got = detect(bytes);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(container_format_name(*got), container_format_name(expected));
}

void expect_unsupported(const std::string& bytes) {
  Result<ContainerFormat> got = detect(bytes);
  ASSERT_FALSE(got.ok()) << "detected " << container_format_name(*got);
  EXPECT_EQ(got.error().code, Errc::unsupported_media);
}

TEST(Mp3FrameLength, ComputesFromHeader) {
  EXPECT_EQ(mp3_frame_length(kFrameHeader), kFrameBytes);
  EXPECT_EQ(mp3_frame_length(std::string("\xFF\xFB\x92\x64", 4)), kFrameBytes + 1);     // padding bit
  EXPECT_EQ(mp3_frame_length(std::string("\xFF\xF3\x40\xC4", 4)), 72 * 32000 / 22050);  // MPEG-2 32k
  EXPECT_EQ(mp3_frame_length(std::string("\xFF\xFD\x90\x64", 4)), 0);                   // Layer II
  EXPECT_EQ(mp3_frame_length(std::string("\xFF\xFB\xF0\x64", 4)), 0);                   // bad bitrate index
  EXPECT_EQ(mp3_frame_length(std::string("\xFF\xFB\x0C\x64", 4)), 0);  // free format, bad rate
  EXPECT_EQ(mp3_frame_length(std::string("\xFF\xEB\x90\x64", 4)), 0);  // reserved version
  EXPECT_EQ(mp3_frame_length("\xFF\xFB"), 0);
}

TEST(DetectFormat, Mp3WithAndWithoutId3) {
  expect_format(mp3_frames(3), ContainerFormat::mp3);
  expect_format(id3v2_header(100) + std::string(100, 'T') + mp3_frames(3), ContainerFormat::mp3);
  // Zero padding past the declared tag size, as some taggers leave.
  expect_format(id3v2_header(10) + std::string(10, 'T') + std::string(300, '\0') + mp3_frames(2),
                ContainerFormat::mp3);
  // Files that end exactly after a frame, or with an ID3v1 tag.
  expect_format(mp3_frames(1), ContainerFormat::mp3);
  expect_format(mp3_frames(2) + "TAG" + std::string(125, ' '), ContainerFormat::mp3);
}

TEST(DetectFormat, RefusesId3WithoutAudio) {
  // A text file that someone prefixed with a tag is still not audio.
  expect_unsupported(id3v2_header(20) + std::string(20, 'T') + std::string(5000, 'x'));
  // The tag claims more bytes than the file has.
  expect_unsupported(id3v2_header(100000) + std::string(500, 'T'));
  // A lone frame sync followed by junk instead of the next frame.
  expect_unsupported(kFrameHeader + std::string(kFrameBytes - 4, 'x') + std::string(600, 'x'));
  // Cut inside the first frames.
  expect_unsupported(mp3_frames(1).substr(0, 200));
  expect_unsupported(mp3_frames(3).substr(0, 1000));
  expect_unsupported(id3v2_header(0) + std::string(4096 + 100, '\0') + mp3_frames(2));
}

TEST(DetectFormat, RefusesTextRandomAndEmpty) {
  expect_unsupported("");
  expect_unsupported("hello, this is not music\n");
  expect_unsupported(std::string(10, '\xFF'));
  std::mt19937 rng(1234);
  for (int round = 0; round < 200; ++round) {
    std::string bytes(2048, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    if (round % 2 == 0) bytes[0] = '\xFF', bytes[1] = '\xFB';  // random data behind a plausible sync
    Result<ContainerFormat> got = detect(bytes);
    EXPECT_FALSE(got.ok()) << "round " << round;
  }
}

TEST(DetectFormat, FlacNeedsStreamInfoAndAFrame) {
  const std::string streaminfo = std::string("\x80\x00\x00\x22", 4) + std::string(34, '\x01');
  expect_format("fLaC" + streaminfo + "\xFF\xF8\x69\x08", ContainerFormat::flac);
  expect_format(id3v2_header(5) + "TTTTT" + "fLaC" + streaminfo + "\xFF\xF8", ContainerFormat::flac);
  expect_unsupported("fLaC" + streaminfo);                // no frames
  expect_unsupported("fLaC" + streaminfo.substr(0, 20));  // cut metadata
  expect_unsupported("fLaC" + std::string("\x86\x00\x00\x22", 4) + std::string(34, '\x01') + "\xFF\xF8");
  // A picture block that claims more bytes than remain.
  const std::string open_block = std::string("\x00\x00\x00\x22", 4) + std::string(34, '\x01');
  expect_unsupported("fLaC" + open_block + std::string("\x86\x10\x00\x00", 4) + std::string(100, 'p'));
}

TEST(DetectFormat, OggByFirstPacket) {
  // One page holding one packet; `granule` 0 marks a header page.
  const auto page = [](const std::string& packet, char granule = 0) {
    std::string p("OggS\x00\x02", 6);
    p += granule;
    p += std::string(19, '\0');
    p += '\x01';
    p += static_cast<char>(packet.size());
    return p + packet;
  };
  const std::string audio = page(std::string(40, 'a'), 1);
  expect_format(page(std::string("\x01vorbis", 7) + std::string(23, '\0')) + audio,
                ContainerFormat::ogg_vorbis);
  expect_format(page("OpusHead" + std::string(11, '\0')) + page("OpusTags") + audio,
                ContainerFormat::ogg_opus);
  // Header pages only, or the audio page cut short.
  expect_unsupported(page("OpusHead" + std::string(11, '\0')) + page("OpusTags"));
  expect_unsupported(page("OpusHead" + std::string(11, '\0')) + audio.substr(0, 50));
  expect_unsupported(page("Speex   " + std::string(72, '\0')));
  expect_unsupported(page(std::string("\x7F"
                                      "FLAC",
                                      5) +
                          std::string(20, '\0')));
  expect_unsupported("OggS");
}

TEST(DetectFormat, Mp4AndWav) {
  expect_format(std::string("\x00\x00\x00\x20"
                            "ftypM4A ",
                            12) +
                    std::string(20, '\0'),
                ContainerFormat::mp4);
  expect_format(std::string("RIFF\x24\x00\x00\x00WAVEfmt ", 16) + std::string(20, '\0'),
                ContainerFormat::wav);
  expect_unsupported(std::string("RIFF\x24\x00\x00\x00"
                                 "AVI ",
                                 12) +
                     std::string(20, '\0'));
}

}  // namespace
}  // namespace dispotify::media
