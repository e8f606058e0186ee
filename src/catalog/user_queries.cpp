// Users and tokens.
#include "catalog/catalog_impl.h"
#include "catalog/normalize.h"
#include "catalog/record_rows.h"

namespace dispotify::catalog {
namespace {

Result<std::optional<User>> one_user(Db& db, const char* sql, std::string_view key) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(sql));
  stmt.bind(1, key);
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<User>();
  return std::optional<User>(read_user(stmt, 0));
}

}  // namespace

Result<std::optional<User>> Catalog::user_by_id(std::string_view id) const {
  return impl_->read([&](Db& db) {
    return one_user(db, "SELECT " DISPOTIFY_USER_COLUMNS " FROM users u WHERE u.id = ?1", id);
  });
}

Result<std::optional<User>> Catalog::user_by_name(std::string_view username) const {
  std::string key = normalize_name(username);  // the same folding as at CreateUser
  return impl_->read([&](Db& db) {
    return one_user(db, "SELECT " DISPOTIFY_USER_COLUMNS " FROM users u WHERE u.username_key = ?1", key);
  });
}

Result<std::vector<User>> Catalog::users() const {
  return impl_->read([&](Db& db) -> Result<std::vector<User>> {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT " DISPOTIFY_USER_COLUMNS " FROM users u ORDER BY u.username_key, u.id"));
    return read_all<User>(stmt, read_user);
  });
}

Result<std::optional<Token>> Catalog::token_by_hash(std::string_view token_hash) const {
  return impl_->read([&](Db& db) -> Result<std::optional<Token>> {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("SELECT " DISPOTIFY_TOKEN_COLUMNS
                                                                 " FROM tokens k WHERE k.token_hash = ?1"));
    stmt.bind(1, token_hash);
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return std::optional<Token>();
    return std::optional<Token>(read_token(stmt, 0));
  });
}

Result<std::vector<Token>> Catalog::tokens_of(std::string_view user_id) const {
  return impl_->read([&](Db& db) -> Result<std::vector<Token>> {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("SELECT " DISPOTIFY_TOKEN_COLUMNS
                                                                 " FROM tokens k WHERE k.user_id = ?1 "
                                                                 "ORDER BY k.created_at_ms, k.id"));
    stmt.bind(1, user_id);
    return read_all<Token>(stmt, read_token);
  });
}

}  // namespace dispotify::catalog
