#include "media/cover.h"

#include <gtest/gtest.h>

#include <taglib/attachedpictureframe.h>

namespace dispotify::media {
namespace {

const std::string kJpeg("\xFF\xD8\xFF\xE0jpegdata", 11);
const std::string kPng("\x89PNG\r\n\x1A\npngdata", 15);

TEST(Cover, SniffedTypeWinsOverDeclared) {
  EXPECT_EQ(sniff_image_type(kJpeg), "image/jpeg");
  EXPECT_EQ(sniff_image_type(kPng), "image/png");
  EXPECT_EQ(sniff_image_type("GIF89a..."), "image/gif");
  EXPECT_EQ(sniff_image_type("hello"), "");
  EXPECT_EQ(make_cover(kPng, "image/jpeg")->content_type, "image/png");
  EXPECT_EQ(make_cover("unknown bytes", "image/jpg")->content_type, "image/jpeg");
  EXPECT_FALSE(make_cover("unknown bytes", "text/html").has_value());
  EXPECT_FALSE(make_cover("", "image/png").has_value());
  EXPECT_FALSE(make_cover(std::string(kCoverBytesMax + 1, '\xFF'), "image/jpeg").has_value());
}

TEST(Cover, PrefersFrontCoverInId3) {
  TagLib::ID3v2::Tag tag;
  auto* back = new TagLib::ID3v2::AttachedPictureFrame();
  back->setType(TagLib::ID3v2::AttachedPictureFrame::BackCover);
  back->setPicture(TagLib::ByteVector(kPng.data(), static_cast<unsigned>(kPng.size())));
  back->setMimeType("image/png");
  tag.addFrame(back);
  auto* bad_front = new TagLib::ID3v2::AttachedPictureFrame();
  bad_front->setType(TagLib::ID3v2::AttachedPictureFrame::FrontCover);
  bad_front->setPicture(TagLib::ByteVector("not an image"));
  bad_front->setMimeType("-->");  // an ID3 link to an external file: unusable
  tag.addFrame(bad_front);
  auto* front = new TagLib::ID3v2::AttachedPictureFrame();
  front->setType(TagLib::ID3v2::AttachedPictureFrame::FrontCover);
  front->setPicture(TagLib::ByteVector(kJpeg.data(), static_cast<unsigned>(kJpeg.size())));
  tag.addFrame(front);

  std::optional<Cover> cover = cover_from_id3v2(&tag);
  ASSERT_TRUE(cover.has_value());
  EXPECT_EQ(cover->bytes, kJpeg);
  EXPECT_EQ(cover->content_type, "image/jpeg");
  EXPECT_FALSE(cover_from_id3v2(nullptr).has_value());
}

}  // namespace
}  // namespace dispotify::media
