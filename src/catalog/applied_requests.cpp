#include "catalog/applied_requests.h"

#include "catalog/catalog.h"
#include "catalog/statement.h"

namespace dispotify::catalog {
Result<std::optional<Status>> applied_request_outcome(Db& db, std::string_view request_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached("SELECT error_code, error_message FROM applied_requests WHERE request_id = ?1"));
  stmt.bind(1, request_id);
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<Status>();
  if (stmt.is_null(0)) return std::optional<Status>(ok_status());
  return std::optional<Status>(make_error(errc_from_name(stmt.column_string(0)), stmt.column_string(1)));
}

Status record_request_outcome(Db& db, std::string_view request_id, uint64_t index, const Status& outcome) {
  // An over-long id is the proposer's bug, not the client's: ids are ours.
  DISPOTIFY_CHECK(request_id.size() <= Catalog::kRequestIdBytesMax);
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("INSERT INTO applied_requests (request_id, applied_index, "
                                               "error_code, error_message) VALUES (?1, ?2, ?3, ?4)"));
  stmt.bind(1, request_id).bind(2, static_cast<int64_t>(index));
  if (!outcome.ok()) stmt.bind(3, errc_name(outcome.error().code)).bind(4, outcome.error().message);
  return stmt.run();
}

Status forget_old_requests(Db& db, uint64_t index) {
  if (index <= Catalog::kAppliedRequestsWindow) return ok_status();
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("DELETE FROM applied_requests WHERE applied_index < ?1"));
  stmt.bind(1, static_cast<int64_t>(index - Catalog::kAppliedRequestsWindow));
  return stmt.run();
}

}  // namespace dispotify::catalog
