// Users and tokens.
#include "catalog/apply.h"
#include "catalog/audit.h"
#include "catalog/normalize.h"

namespace dispotify::catalog {
namespace {

constexpr size_t kUsernameBytesMax = 64;

Status check_role(std::string_view role) {
  if (role == kRoleAdmin || role == kRoleUploader || role == kRoleListener || role == kRoleLegacyUser) {
    return ok_status();
  }
  return invalid("role must be 'admin', 'uploader' or 'listener', not '" + std::string(role) + "'");
}

// Entries written before schema v10 say "user": what that role could do is
// the uploader's now. The API no longer accepts "user".
std::string stored_role(std::string_view role) {
  return role == kRoleLegacyUser ? std::string(kRoleUploader) : std::string(role);
}

Result<User> find_user(Db& db, std::string_view user_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("SELECT username, role FROM users WHERE id = ?1"));
  stmt.bind(1, user_id);
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return make_error(Errc::not_found, "no user with id '" + std::string(user_id) + "'");
  return User{.id = std::string(user_id), .username = stmt.column_string(0), .role = stmt.column_string(1)};
}

Status check_user_exists(Db& db, std::string_view user_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(bool exists, row_exists(db, "SELECT 1 FROM users WHERE id = ?1", user_id));
  if (!exists) return make_error(Errc::not_found, "no user with id '" + std::string(user_id) + "'");
  return ok_status();
}

Status validate_user(const User& u) {
  if (u.id.empty()) return invalid("user id is empty");
  if (trim(u.username).empty()) return invalid("username is empty");
  if (u.username.size() > kUsernameBytesMax) return invalid("username is longer than 64 bytes");
  return check_role(u.role);
}

}  // namespace

Status apply_create_user(Db& db, const CreateUser& c) {
  const User& u = c.user;
  DISPOTIFY_TRY(validate_user(u));
  DISPOTIFY_ASSIGN_OR_RETURN(bool id_taken, row_exists(db, "SELECT 1 FROM users WHERE id = ?1", u.id));
  if (id_taken) return make_error(Errc::conflict, "user id '" + u.id + "' already exists");
  // Usernames compare case-insensitively: "Ana" and "ana" are one login.
  std::string key = normalize_name(u.username);
  DISPOTIFY_ASSIGN_OR_RETURN(bool name_taken,
                             row_exists(db, "SELECT 1 FROM users WHERE username_key = ?1", key));
  if (name_taken) return make_error(Errc::conflict, "username '" + u.username + "' already exists");
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt, db.prepare_cached("INSERT INTO users (id, username, username_key, password_hash, "
                                        "role, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  const std::string role = stored_role(u.role);
  stmt.bind(1, u.id).bind(2, u.username).bind(3, key).bind(4, u.password_hash).bind(5, role);
  stmt.bind(6, u.created_at_ms);
  DISPOTIFY_TRY(stmt.run());
  return record_audit_event(db, origin_or(c.origin, "", u.created_at_ms), "user.created", u.username,
                            {{"user_id", u.id}, {"role", role}});
}

Status apply_set_user_password(Db& db, const SetUserPassword& c) {
  DISPOTIFY_ASSIGN_OR_RETURN(User user, find_user(db, c.user_id));
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("UPDATE users SET password_hash = ?2 WHERE id = ?1"));
  stmt.bind(1, c.user_id).bind(2, c.password_hash);
  DISPOTIFY_TRY(stmt.run());
  return record_audit_event(db, c.origin, "user.password_reset", user.username, {{"user_id", c.user_id}});
}

Status apply_set_user_role(Db& db, const SetUserRole& c) {
  DISPOTIFY_TRY(check_role(c.role));
  DISPOTIFY_ASSIGN_OR_RETURN(User user, find_user(db, c.user_id));
  const std::string role = stored_role(c.role);
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("UPDATE users SET role = ?2 WHERE id = ?1"));
  stmt.bind(1, c.user_id).bind(2, role);
  DISPOTIFY_TRY(stmt.run());
  return record_audit_event(db, c.origin, "user.role_changed", user.username,
                            {{"user_id", c.user_id}, {"from", user.role}, {"to", role}});
}

Status apply_rename_user(Db& db, const RenameUser& c) {
  DISPOTIFY_ASSIGN_OR_RETURN(User user, find_user(db, c.user_id));
  user.username = c.username;
  DISPOTIFY_TRY(validate_user(user));
  const std::string key = normalize_name(c.username);
  DISPOTIFY_ASSIGN_OR_RETURN(Statement taken,
                             db.prepare_cached("SELECT 1 FROM users WHERE username_key = ?1 AND id <> ?2"));
  taken.bind(1, key).bind(2, c.user_id);
  DISPOTIFY_ASSIGN_OR_RETURN(bool name_taken, taken.step());
  if (name_taken) return make_error(Errc::conflict, "username '" + c.username + "' already exists");
  DISPOTIFY_ASSIGN_OR_RETURN(User before, find_user(db, c.user_id));
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt, db.prepare_cached("UPDATE users SET username = ?2, username_key = ?3 WHERE id = ?1"));
  stmt.bind(1, c.user_id).bind(2, c.username).bind(3, key);
  DISPOTIFY_TRY(stmt.run());
  return record_audit_event(db, c.origin, "user.renamed", c.username,
                            {{"user_id", c.user_id}, {"from", before.username}, {"to", c.username}});
}

Status apply_delete_user(Db& db, const DeleteUser& c) {
  DISPOTIFY_ASSIGN_OR_RETURN(User user, find_user(db, c.user_id));
  // Before the row goes: an admin deleting someone else is named either way.
  DISPOTIFY_TRY(record_audit_event(db, c.origin, "user.deleted", user.username, {{"user_id", c.user_id}}));
  // Tokens, playlists and their entries go by ON DELETE CASCADE; tracks the
  // user uploaded stay in the library.
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("DELETE FROM users WHERE id = ?1"));
  stmt.bind(1, c.user_id);
  DISPOTIFY_TRY(stmt.run());
  DISPOTIFY_CHECK(db.changes() == 1);
  return ok_status();
}

Status apply_create_token(Db& db, const CreateToken& c) {
  const Token& t = c.token;
  if (t.id.empty()) return invalid("token id is empty");
  if (t.token_hash.empty()) return invalid("token_hash is empty");
  if (t.kind != "session" && t.kind != "api") return invalid("token kind must be 'session' or 'api'");
  DISPOTIFY_TRY(check_user_exists(db, t.user_id));
  DISPOTIFY_ASSIGN_OR_RETURN(bool id_taken, row_exists(db, "SELECT 1 FROM tokens WHERE id = ?1", t.id));
  if (id_taken) return make_error(Errc::conflict, "token id '" + t.id + "' already exists");
  DISPOTIFY_ASSIGN_OR_RETURN(bool hash_taken,
                             row_exists(db, "SELECT 1 FROM tokens WHERE token_hash = ?1", t.token_hash));
  if (hash_taken) return make_error(Errc::conflict, "token_hash already exists");
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt, db.prepare_cached("INSERT INTO tokens (id, user_id, token_hash, name, kind, "
                                        "created_at_ms, expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  stmt.bind(1, t.id).bind(2, t.user_id).bind(3, t.token_hash).bind(4, t.name).bind(5, t.kind);
  stmt.bind(6, t.created_at_ms).bind(7, t.expires_at_ms);
  DISPOTIFY_TRY(stmt.run());
  DISPOTIFY_ASSIGN_OR_RETURN(User user, find_user(db, t.user_id));
  // A session token is made by a good password; an API token by a user
  // already signed in.
  const Origin origin = origin_or(c.origin, t.user_id, t.created_at_ms);
  if (t.kind == "session") return record_audit_event(db, origin, "login", user.username);
  return record_audit_event(db, origin, "token.created", user.username,
                            {{"token_id", t.id}, {"name", t.name}});
}

Status apply_revoke_token(Db& db, const RevokeToken& c) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("DELETE FROM tokens WHERE id = ?1"));
  stmt.bind(1, c.token_id);
  DISPOTIFY_TRY(stmt.run());
  if (db.changes() == 0) return make_error(Errc::not_found, "no token with id '" + c.token_id + "'");
  return ok_status();
}

}  // namespace dispotify::catalog
