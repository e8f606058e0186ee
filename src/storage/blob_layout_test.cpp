#include "storage/blob_layout.h"

#include <gtest/gtest.h>

#include <fstream>

#include "base/fs.h"
#include "base/test_dir.h"
#include "storage/local_blob_store.h"

namespace dispotify::storage {
namespace {

std::string read(const std::string& path) {
  auto text = fs::read_file(path, 64);
  EXPECT_TRUE(text.ok());
  return text.ok() ? *text : "";
}

// A store from before the VERSION file (every store of version 1 so far)
// is version 1: it opens and gets the file.
TEST(BlobLayout, AStoreWithoutAVersionFileIsVersionOneAndGetsTheFile) {
  TestDir dir;
  ASSERT_TRUE(fs::make_dirs(dir.path() + "/sha256/ab").ok());
  ASSERT_TRUE(LocalBlobStore::open({dir.path(), 0}).ok());
  EXPECT_EQ(read(dir.path() + "/VERSION"), "1\n");
  ASSERT_TRUE(LocalBlobStore::open({dir.path(), 0}).ok()) << "and opens again";
}

TEST(BlobLayout, ANewerLayoutStopsTheStoreNamingTheFile) {
  TestDir dir;
  std::ofstream(dir.path() + "/VERSION") << "2\n";
  auto store = LocalBlobStore::open({dir.path(), 0});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, Errc::conflict);
  EXPECT_NE(store.error().message.find(dir.path() + "/VERSION"), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
  EXPECT_EQ(read(dir.path() + "/VERSION"), "2\n") << "left as it was";
}

TEST(BlobLayout, AVersionFileThatIsNotANumberIsCorrupt) {
  for (const char* text : {"", "x\n", "0\n", "1 2\n", "-1\n", "99999999999999999999\n"}) {
    TestDir dir;
    std::ofstream(dir.path() + "/VERSION") << text;
    const Status checked = check_blob_layout(dir.path());
    ASSERT_FALSE(checked.ok()) << text;
    EXPECT_EQ(checked.error().code, Errc::corrupt) << text;
  }
}

}  // namespace
}  // namespace dispotify::storage
