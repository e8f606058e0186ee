#include "media/thumbnail.h"

#include <gtest/gtest.h>

#include <utility>

#include "media/test_fixtures.h"

namespace dispotify::media {
namespace {

using testing::TempDir;

// Width and height from the first SOF marker of a JPEG, or {0, 0}.
std::pair<int, int> jpeg_size(const std::string& jpeg) {
  size_t pos = 2;
  while (pos + 9 < jpeg.size()) {
    if (static_cast<uint8_t>(jpeg[pos]) != 0xFF) return {0, 0};
    const uint8_t marker = static_cast<uint8_t>(jpeg[pos + 1]);
    const size_t length = (static_cast<uint8_t>(jpeg[pos + 2]) << 8) | static_cast<uint8_t>(jpeg[pos + 3]);
    if (marker >= 0xC0 && marker <= 0xC3) {
      const int height = (static_cast<uint8_t>(jpeg[pos + 5]) << 8) | static_cast<uint8_t>(jpeg[pos + 6]);
      const int width = (static_cast<uint8_t>(jpeg[pos + 7]) << 8) | static_cast<uint8_t>(jpeg[pos + 8]);
      return {width, height};
    }
    pos += 2 + length;
  }
  return {0, 0};
}

class ThumbnailTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    testing::run_ffmpeg(
        {"-f", "lavfi", "-i", "testsrc2=s=500x500", "-frames:v", "1", dir_->file("square.png")});
    testing::run_ffmpeg(
        {"-f", "lavfi", "-i", "color=c=0x3366cc:s=500x250", "-frames:v", "1", dir_->file("wide.jpg")});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static TempDir* dir_;
};

TempDir* ThumbnailTest::dir_ = nullptr;

TEST_F(ThumbnailTest, ScalesSquareCoverToJpeg) {
  Result<std::string> jpeg = make_thumbnail(dir_->file("square.png"), 64);
  ASSERT_TRUE(jpeg.ok()) << jpeg.error().message;
  ASSERT_GE(jpeg->size(), 4u);
  EXPECT_EQ(jpeg->substr(0, 2), "\xFF\xD8");
  EXPECT_EQ(jpeg_size(*jpeg), std::make_pair(64, 64));
}

TEST_F(ThumbnailTest, KeepsAspectRatio) {
  Result<std::string> jpeg = make_thumbnail(dir_->file("wide.jpg"), 128);
  ASSERT_TRUE(jpeg.ok()) << jpeg.error().message;
  EXPECT_EQ(jpeg_size(*jpeg), std::make_pair(128, 64));
}

TEST_F(ThumbnailTest, RefusesBadSizes) {
  for (int size : {kThumbnailSizeMin - 1, kThumbnailSizeMax + 1, 0, -64}) {
    Result<std::string> jpeg = make_thumbnail(dir_->file("square.png"), size);
    ASSERT_FALSE(jpeg.ok()) << size;
    EXPECT_EQ(jpeg.error().code, Errc::invalid_argument);
  }
  EXPECT_TRUE(make_thumbnail(dir_->file("square.png"), kThumbnailSizeMin).ok());
}

TEST_F(ThumbnailTest, RefusesMissingAndNonImages) {
  Result<std::string> missing = make_thumbnail(dir_->file("missing.png"), 64);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::io_error);

  testing::write_file(dir_->file("notes.jpg"), "this is not an image\n");
  Result<std::string> text = make_thumbnail(dir_->file("notes.jpg"), 64);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().code, Errc::unsupported_media);
}

TEST_F(ThumbnailTest, PathIsNeverAProtocolOrOption) {
  // Names that ffmpeg would otherwise read as a protocol or an option.
  const std::string png = testing::read_file(dir_->file("square.png"));
  for (const char* name : {"concat:square.png", "-y.png"}) {
    testing::write_file(dir_->file(name), png);
    Result<std::string> jpeg = make_thumbnail(dir_->file(name), 32);
    ASSERT_TRUE(jpeg.ok()) << name << ": " << jpeg.error().message;
    EXPECT_EQ(jpeg_size(*jpeg), std::make_pair(32, 32));
  }
}

}  // namespace
}  // namespace dispotify::media
