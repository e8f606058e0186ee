#include <gtest/gtest.h>

#include "catalog/grouping.h"
#include "catalog/ids.h"
#include "catalog/normalize.h"

namespace dispotify::catalog {
namespace {

TEST(Normalize, CaseFoldsLatinGreekCyrillic) {
  EXPECT_EQ(casefold("ÀÉÎÕÜ Ñ Ç"), "àéîõü ñ ç");
  EXPECT_EQ(casefold("ŁÓDŹ ŒUVRE Ÿ"), "łódź œuvre ÿ");
  EXPECT_EQ(casefold("ΣΩ"), "σω");
  EXPECT_EQ(casefold("МОСКВА Ёж"), "москва ёж");
  EXPECT_EQ(casefold("×÷ß"), "×÷ß");
  EXPECT_EQ(casefold("日本 ABC"), "日本 abc");
}

TEST(Normalize, InvalidUtf8PassesThrough) {
  std::string bad = "A\xff\xc3";
  EXPECT_EQ(casefold(bad), "a\xff\xc3");
}

TEST(Normalize, NamesIgnoreCaseAndSpacing) {
  EXPECT_EQ(normalize_name("  The   Beatles\t"), "the beatles");
  EXPECT_EQ(normalize_name(""), "");
  EXPECT_EQ(normalize_name(" \n "), "");
}

TEST(Ids, DerivedIdsAreStableAndDistinct) {
  EXPECT_EQ(artist_id_for("Beyoncé"), artist_id_for(" BEYONCÉ "));
  EXPECT_NE(artist_id_for("Beyoncé"), artist_id_for("Beyonce"));  // no diacritic folding in identity
  EXPECT_EQ(artist_id_for("x").size(), kDerivedIdLength);
  EXPECT_EQ(album_id_for("Ana", "LP"), album_id_for("ana", "lp"));
  EXPECT_NE(album_id_for("Ana", "LP"), album_id_for("Bob", "LP"));
  // The separator keeps ("a b", "c") apart from ("a", "b c").
  EXPECT_NE(album_id_for("a b", "c"), album_id_for("a", "b c"));
  // Pinned: ids are part of the replicated state and must never change.
  EXPECT_EQ(artist_id_for("abba"), "e22115b5d76640e2");
}

TEST(Grouping, AlbumArtistRules) {
  Track t;
  t.artists = {"Ana", "Bob"};
  t.album = "LP";
  EXPECT_EQ(with_derived_fields(t).album_artist, "Ana");
  t.compilation = true;
  EXPECT_EQ(with_derived_fields(t).album_artist, kVariousArtists);
  t.album_artist = " Zed ";
  EXPECT_EQ(with_derived_fields(t).album_artist, "Zed");
  EXPECT_EQ(with_derived_fields(t).album_id, album_id_for("Zed", "LP"));
  EXPECT_EQ(with_derived_fields(t).artist_id, artist_id_for("Ana"));
  EXPECT_EQ(with_derived_fields(t).artist, "Ana, Bob");
}

}  // namespace
}  // namespace dispotify::catalog
