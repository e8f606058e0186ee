#include "catalog/audit.h"
#include "catalog/test_util.h"

namespace dispotify::catalog::testing {
namespace {

using ApplyUsers = CatalogTest;

Token make_token(const std::string& id, const std::string& user_id, const std::string& hash) {
  return Token{id, user_id, hash, "label", "session", 100, 0};
}

TEST_F(ApplyUsers, CreateUserThenLookUpCaseInsensitively) {
  apply_ok(CreateUser{make_user("u1", "Ana", kRoleAdmin)});
  auto by_name = catalog_->user_by_name("aNA");
  ASSERT_TRUE(by_name.ok());
  ASSERT_TRUE(by_name->has_value());
  EXPECT_EQ((*by_name)->id, "u1");
  EXPECT_EQ((*by_name)->username, "Ana");
  EXPECT_EQ((*by_name)->role, kRoleAdmin);
  auto by_id = catalog_->user_by_id("u1");
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ(**by_id, make_user("u1", "Ana", kRoleAdmin));
  EXPECT_FALSE(catalog_->user_by_id("nobody")->has_value());
  EXPECT_EQ(catalog_->counts()->users, 1);
}

TEST_F(ApplyUsers, CreateUserConflicts) {
  apply_ok(CreateUser{make_user("u1", "Ana")});
  expect_error(CreateUser{make_user("u2", "ANA")}, Errc::conflict);
  expect_error(CreateUser{make_user("u3", " ana ")}, Errc::conflict);  // spacing does not count either
}

TEST_F(ApplyUsers, CreateUserConflictsOnNonAsciiCase) {
  apply_ok(CreateUser{make_user("u1", "Ángela")});
  expect_error(CreateUser{make_user("u2", "ángela")}, Errc::conflict);
  expect_error(CreateUser{make_user("u1", "Other")}, Errc::conflict);  // same id
  EXPECT_EQ(catalog_->users()->size(), 1u);
}

TEST_F(ApplyUsers, RenameUserMovesTheLoginNameAndIsAudited) {
  apply_ok(CreateUser{make_user("u1", "Ana")});
  apply_ok(CreateUser{make_user("u2", "Bea")});
  apply_ok(RenameUser{"u1", "Ana B", Origin{"u2", 50, "", ""}});
  EXPECT_EQ((*catalog_->user_by_name("ana b"))->id, "u1");
  EXPECT_FALSE(catalog_->user_by_name("Ana")->has_value()) << "the old name is free";
  apply_ok(RenameUser{"u1", "ANA b", Origin{}});  // its own name in another case
  expect_error(RenameUser{"u1", " bea ", Origin{}}, Errc::conflict);
  expect_error(RenameUser{"nobody", "Cid", Origin{}}, Errc::not_found);
  expect_error(RenameUser{"u1", "  ", Origin{}}, Errc::invalid_argument);
  expect_error(RenameUser{"u1", std::string(65, 'a'), Origin{}}, Errc::invalid_argument);
  EXPECT_EQ((*catalog_->user_by_id("u1"))->username, "ANA b");
  auto events = audit_events(*catalog_, AuditQuery{.action = "user.renamed"});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->items.size(), 2u);
}

TEST_F(ApplyUsers, CreateUserValidates) {
  expect_error(CreateUser{make_user("", "Ana")}, Errc::invalid_argument);
  expect_error(CreateUser{make_user("u1", "  ")}, Errc::invalid_argument);
  expect_error(CreateUser{make_user("u1", "Ana", "root")}, Errc::invalid_argument);
  expect_error(CreateUser{make_user("u1", std::string(65, 'a'))}, Errc::invalid_argument);
  EXPECT_TRUE(catalog_->users()->empty());
}

// Log entries written before schema v10 say "user": replayed now, they give
// an uploader, as the migration made of the rows they wrote then.
TEST_F(ApplyUsers, LegacyUserRoleIsAppliedAsUploader) {
  apply_ok(CreateUser{make_user("u1", "Ana", kRoleLegacyUser)});
  EXPECT_EQ((**catalog_->user_by_id("u1")).role, kRoleUploader);
  apply_ok(SetUserRole{"u1", kRoleListener});
  EXPECT_EQ((**catalog_->user_by_id("u1")).role, kRoleListener);
  apply_ok(SetUserRole{"u1", kRoleLegacyUser});
  EXPECT_EQ((**catalog_->user_by_id("u1")).role, kRoleUploader);
}

TEST_F(ApplyUsers, SetPasswordAndRole) {
  apply_ok(CreateUser{make_user("u1", "Ana")});
  apply_ok(SetUserPassword{"u1", "new-hash"});
  apply_ok(SetUserRole{"u1", kRoleAdmin});
  User user = **catalog_->user_by_id("u1");
  EXPECT_EQ(user.password_hash, "new-hash");
  EXPECT_EQ(user.role, kRoleAdmin);
  expect_error(SetUserPassword{"nobody", "x"}, Errc::not_found);
  expect_error(SetUserRole{"nobody", kRoleUploader}, Errc::not_found);
  expect_error(SetUserRole{"u1", "superuser"}, Errc::invalid_argument);
  EXPECT_EQ((**catalog_->user_by_id("u1")).role, kRoleAdmin);
}

TEST_F(ApplyUsers, UsersAreListedByName) {
  apply_ok(CreateUser{make_user("u1", "zoe")});
  apply_ok(CreateUser{make_user("u2", "Ana")});
  apply_ok(CreateUser{make_user("u3", "bob")});
  std::vector<User> users = *catalog_->users();
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0].username, "Ana");
  EXPECT_EQ(users[1].username, "bob");
  EXPECT_EQ(users[2].username, "zoe");
}

TEST_F(ApplyUsers, TokensCreateLookUpRevoke) {
  apply_ok(CreateUser{make_user("u1", "Ana")});
  apply_ok(CreateToken{make_token("k1", "u1", "h1")});
  apply_ok(CreateToken{make_token("k2", "u1", "h2")});
  auto token = catalog_->token_by_hash("h2");
  ASSERT_TRUE(token.ok() && token->has_value());
  EXPECT_EQ(**token, make_token("k2", "u1", "h2"));
  EXPECT_EQ(catalog_->tokens_of("u1")->size(), 2u);
  expect_error(CreateToken{make_token("k3", "u1", "h1")}, Errc::conflict);
  expect_error(CreateToken{make_token("k1", "u1", "h9")}, Errc::conflict);
  expect_error(CreateToken{make_token("k4", "nobody", "h4")}, Errc::not_found);
  apply_ok(RevokeToken{"k1"});
  EXPECT_FALSE(catalog_->token_by_hash("h1")->has_value());
  expect_error(RevokeToken{"k1"}, Errc::not_found);
}

TEST_F(ApplyUsers, TokenKindIsValidated) {
  apply_ok(CreateUser{make_user("u1", "Ana")});
  Token token = make_token("k1", "u1", "h1");
  token.kind = "forever";
  expect_error(CreateToken{token}, Errc::invalid_argument);
}

TEST_F(ApplyUsers, DeleteUserRemovesTokensAndPlaylists) {
  apply_ok(CreateUser{make_user("u1", "Ana")});
  apply_ok(CreateUser{make_user("u2", "Bob")});
  apply_ok(CreateToken{make_token("k1", "u1", "h1")});
  apply_ok(CreateToken{make_token("k2", "u2", "h2")});
  apply_ok(AddTrack{make_track("t1", "Song", {"Ana"}, "Album")});
  apply_ok(CreatePlaylist{make_playlist("p1", "u1", "Mine")});
  apply_ok(AddPlaylistTracks{"p1", "u1", {"t1"}, -1, 20});
  apply_ok(CreatePlaylist{make_playlist("p2", "u2", "Bob's")});
  apply_ok(DeleteUser{"u1"});
  EXPECT_FALSE(catalog_->user_by_id("u1")->has_value());
  EXPECT_FALSE(catalog_->token_by_hash("h1")->has_value());
  EXPECT_TRUE(catalog_->token_by_hash("h2")->has_value());
  EXPECT_FALSE(catalog_->playlist("p1")->has_value());
  EXPECT_TRUE(catalog_->playlist("p2")->has_value());
  EXPECT_TRUE(catalog_->track("t1")->has_value());  // uploads stay
  EXPECT_EQ(catalog_->counts()->users, 1);
  EXPECT_EQ(catalog_->counts()->playlists, 1);
  expect_error(DeleteUser{"u1"}, Errc::not_found);
  // The name is free again.
  apply_ok(CreateUser{make_user("u3", "ana")});
}

}  // namespace
}  // namespace dispotify::catalog::testing
