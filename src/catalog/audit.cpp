#include "catalog/audit.h"

#include <boost/json.hpp>

#include "catalog/statement.h"

namespace dispotify::catalog {
namespace {

constexpr int64_t kAuditPageMax = 500;

Result<std::string> username_of(Db& db, std::string_view user_id) {
  if (user_id.empty()) return std::string();
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("SELECT username FROM users WHERE id = ?1"));
  stmt.bind(1, user_id);
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  return row ? stmt.column_string(0) : std::string();
}

AuditEvent read_event(const Statement& stmt) {
  return AuditEvent{.id = stmt.column_int64(0),
                    .at_ms = stmt.column_int64(1),
                    .actor_id = stmt.column_string(2),
                    .actor_name = stmt.column_string(3),
                    .action = stmt.column_string(4),
                    .target = stmt.column_string(5),
                    .detail_json = stmt.column_string(6),
                    .address = stmt.column_string(7)};
}

}  // namespace

Status record_audit_event(Db& db, const Origin& origin, std::string_view action, std::string_view target,
                          AuditDetail detail) {
  boost::json::object object;
  for (const auto& [key, value] : detail) object[key] = value;
  if (!origin.user_agent.empty()) {
    object["user_agent"] = std::string_view(origin.user_agent).substr(0, Origin::kUserAgentBytesMax);
  }
  DISPOTIFY_ASSIGN_OR_RETURN(std::string actor_name, username_of(db, origin.actor_id));
  // INTEGER PRIMARY KEY without AUTOINCREMENT: SQLite takes the largest id
  // + 1, which depends only on the table, so every node numbers alike.
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement insert,
      db.prepare_cached("INSERT INTO audit_events (at_ms, actor_id, actor_name, action, target, detail_json, "
                        "address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  insert.bind(1, origin.at_ms).bind(2, origin.actor_id).bind(3, actor_name).bind(4, action);
  insert.bind(5, target).bind(6, boost::json::serialize(object)).bind(7, origin.address);
  DISPOTIFY_TRY(insert.run());
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement trim,
      db.prepare_cached("DELETE FROM audit_events WHERE id <= (SELECT max(id) FROM audit_events) - ?1"));
  trim.bind(1, kAuditEventsMax);
  return trim.run();
}

Status apply_record_login_failure(Db& db, const RecordLoginFailure& c) {
  constexpr size_t kUsernameBytesKept = 64;
  const std::string username = c.username.substr(0, kUsernameBytesKept);
  // The actor is nobody: the password was wrong. The name tried is the target.
  Origin origin = c.origin;
  origin.actor_id.clear();
  return record_audit_event(db, origin, "login.failed", username);
}

Result<Page<AuditEvent>> audit_events(const Catalog& catalog, const AuditQuery& query) {
  if (query.limit < 1 || query.limit > kAuditPageMax || query.offset < 0) {
    return make_error(Errc::invalid_argument, "limit must be 1..500 and offset not negative");
  }
  Page<AuditEvent> page;
  DISPOTIFY_TRY(catalog.read_snapshot([&](Db& db) -> Status {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement count, db.prepare_cached("SELECT count(*) FROM audit_events WHERE ?1 = '' OR action = ?1"));
    count.bind(1, query.action);
    DISPOTIFY_ASSIGN_OR_RETURN(bool counted, count.step());
    page.total = counted ? count.column_int64(0) : 0;
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached(
            "SELECT id, at_ms, actor_id, actor_name, action, target, detail_json, address "
            "FROM audit_events WHERE ?1 = '' OR action = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3"));
    stmt.bind(1, query.action).bind(2, query.limit).bind(3, query.offset);
    while (true) {
      DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) break;
      page.items.push_back(read_event(stmt));
    }
    return ok_status();
  }));
  return page;
}

}  // namespace dispotify::catalog
