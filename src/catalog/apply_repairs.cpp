// Repair tasks and replica bookkeeping (schema v5): what the leader
// assigns, what the targets report done, and copies nodes no longer hold.
#include "catalog/apply.h"
#include "catalog/apply_blobs.h"

#include "base/sha256.h"

namespace dispotify::catalog {
namespace {

// A plan is bounded by the planner's in-flight limit; anything longer is
// not one of ours.
constexpr size_t kTasksPerCommandMax = 1024;
constexpr size_t kHashesPerCommandMax = 4096;
constexpr size_t kTaskIdBytesMax = 64;

Status validate(const RepairTask& t) {
  if (t.task_id.empty() || t.task_id.size() > kTaskIdBytesMax)
    return invalid("repair task id is empty or too long");
  if (!is_sha256_hex(t.hash)) return invalid("repair task hash must be sha256 hex");
  if (!is_node_id(t.target_node)) return invalid("repair task target must be a node id");
  if (t.lease_expires_ms < t.assigned_at_ms) return invalid("repair task lease ends before it starts");
  return ok_status();
}

Status delete_task(Db& db, std::string_view task_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("DELETE FROM repair_tasks WHERE task_id = ?1"));
  stmt.bind(1, task_id);
  return stmt.run();
}

// A blob no track uses and no node holds has nothing left to track.
Status forget_if_gone(Db& db, const std::string& hash) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt, db.prepare_cached("DELETE FROM blobs WHERE hash = ?1 AND refs = 0 AND NOT EXISTS "
                                        "(SELECT 1 FROM blob_replicas WHERE hash = ?1)"));
  stmt.bind(1, hash);
  return stmt.run();
}

}  // namespace

Status apply_assign_repairs(Db& db, const AssignRepairs& c) {
  if (c.tasks.size() > kTasksPerCommandMax || c.cancelled_task_ids.size() > kTasksPerCommandMax) {
    return invalid("too many repair tasks in one command");
  }
  for (const RepairTask& t : c.tasks) DISPOTIFY_TRY(validate(t));
  for (const std::string& id : c.cancelled_task_ids) DISPOTIFY_TRY(delete_task(db, id));
  for (const RepairTask& t : c.tasks) {
    // Skipped, deterministically, when it is no longer needed: the target
    // holds the blob already, no track uses it, or the copy is assigned.
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached(
            "INSERT OR IGNORE INTO repair_tasks (task_id, hash, target_node, assigned_at_ms, "
            "lease_expires_ms) "
            "SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM blobs WHERE hash = ?2 AND refs > 0) "
            "AND NOT EXISTS (SELECT 1 FROM blob_replicas WHERE hash = ?2 AND node_id = ?3)"));
    stmt.bind(1, t.task_id)
        .bind(2, t.hash)
        .bind(3, t.target_node)
        .bind(4, t.assigned_at_ms)
        .bind(5, t.lease_expires_ms);
    DISPOTIFY_TRY(stmt.run());
  }
  return ok_status();
}

Status apply_complete_repair(Db& db, const CompleteRepair& c) {
  if (!is_node_id(c.node_id)) return invalid("node id must be 16 lowercase hex digits");
  if (!is_sha256_hex(c.hash)) return invalid("hash must be sha256 hex");
  DISPOTIFY_ASSIGN_OR_RETURN(bool known, row_exists(db, "SELECT 1 FROM blobs WHERE hash = ?1", c.hash));
  if (!known) return make_error(Errc::not_found, "no blob " + c.hash);
  DISPOTIFY_ASSIGN_OR_RETURN(bool member,
                             row_exists(db, "SELECT 1 FROM members WHERE node_id = ?1", c.node_id));
  if (!member) return make_error(Errc::not_found, "no member " + c.node_id);
  DISPOTIFY_TRY(record_blob_copies_on(db, c.hash, c.node_id));
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached("DELETE FROM repair_tasks WHERE task_id = ?1 OR (hash = ?2 AND target_node = ?3)"));
  stmt.bind(1, c.task_id).bind(2, c.hash).bind(3, c.node_id);
  return stmt.run();
}

Status apply_drop_replicas(Db& db, const DropReplicas& c) {
  if (!is_node_id(c.node_id)) return invalid("node id must be 16 lowercase hex digits");
  if (c.hashes.size() > kHashesPerCommandMax) return invalid("too many hashes in one command");
  for (const std::string& hash : c.hashes) {
    if (!is_sha256_hex(hash)) return invalid("hash must be sha256 hex");
  }
  for (const std::string& hash : c.hashes) {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt, db.prepare_cached("DELETE FROM blob_replicas WHERE hash = ?1 AND node_id = ?2"));
    stmt.bind(1, hash).bind(2, c.node_id);
    DISPOTIFY_TRY(stmt.run());
    DISPOTIFY_TRY(forget_if_gone(db, hash));
  }
  return ok_status();
}

}  // namespace dispotify::catalog
