// Helpers for the catalog tests: a temporary database and record builders.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "base/test_dir.h"
#include "catalog/catalog.h"

namespace dispotify::catalog::testing {

using TempDir = ::dispotify::TestDir;

inline std::unique_ptr<Catalog> open_catalog(const std::string& path) {
  auto opened = Catalog::open(path);
  if (!opened.ok()) ADD_FAILURE() << opened.error().message;
  return std::move(opened).value();
}

inline User make_user(const std::string& id, const std::string& username,
                      const std::string& role = kRoleUploader) {
  return User{.id = id,
              .username = username,
              .password_hash = "$argon2id$hash-" + id,
              .role = role,
              .created_at_ms = 1000};
}

inline Track make_track(const std::string& id, const std::string& title, std::vector<std::string> artists,
                        const std::string& album) {
  Track t;
  t.id = id;
  t.title = title;
  t.artists = std::move(artists);
  t.album = album;
  t.track_number = 1;
  t.disc_number = 1;
  t.year = 2000;
  t.genre = "Rock";
  t.duration_ms = 180000;
  t.codec = "mp3";
  t.content_type = "audio/mpeg";
  t.size_bytes = 1000;
  t.content_hash = "hash-" + id;
  t.filename = id + ".mp3";
  t.uploaded_by = "u1";
  t.created_at_ms = 5000;
  return t;
}

inline Playlist make_playlist(const std::string& id, const std::string& owner, const std::string& name) {
  return Playlist{.id = id, .owner_id = owner, .name = name, .created_at_ms = 10, .updated_at_ms = 10};
}

// A catalog with a running index, so tests read as a list of commands.
class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override { catalog_ = open_catalog(dir_.file("catalog.db")); }

  Status apply(const Command& command) { return catalog_->apply(catalog_->applied_index() + 1, command); }
  void apply_ok(const Command& command) {
    Status status = apply(command);
    ASSERT_TRUE(status.ok()) << command_type(command) << ": " << status.error().message;
  }
  void expect_error(const Command& command, Errc code) {
    uint64_t before = catalog_->applied_index();
    Status status = apply(command);
    ASSERT_FALSE(status.ok()) << command_type(command) << " succeeded";
    EXPECT_EQ(status.error().code, code) << status.error().message;
    EXPECT_EQ(catalog_->applied_index(), before + 1);  // recorded anyway
  }

  TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
};

}  // namespace dispotify::catalog::testing
