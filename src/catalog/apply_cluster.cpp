// The cluster's identity and members.
#include "catalog/apply.h"
#include "catalog/apply_blobs.h"
#include "catalog/audit.h"
#include "catalog/feature_level.h"

namespace dispotify::catalog {
namespace {

constexpr size_t kAddressBytesMax = 255 + 6;  // a DNS name and ":port"
constexpr int kReplicationFactorMax = 7;

Status check_address(std::string_view what, std::string_view address) {
  if (address.empty() || address.size() > kAddressBytesMax || address.find(':') == std::string_view::npos) {
    return invalid(std::string(what) + " must be host:port");
  }
  return ok_status();
}

bool is_lower_hex(std::string_view s) {
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_serial(std::string_view s) { return !s.empty() && s.size() <= 64 && is_lower_hex(s); }

// Revokes the member's certificate recorded in `column` (its current or its
// next one) unless it is one of `keep` (a retried SetMember naming it again,
// or a next certificate becoming current).
Status revoke_recorded(Db& db, const std::string& node_id, std::string_view column, const std::string& keep,
                       const std::string& also_keep = "") {
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached("INSERT OR IGNORE INTO revoked_certificates (serial, node_id) SELECT " +
                        std::string(column) + ", node_id FROM members WHERE node_id = ?1 AND " +
                        std::string(column) + " NOT IN ('', ?2, ?3)"));
  stmt.bind(1, node_id).bind(2, keep).bind(3, also_keep);
  return stmt.run();
}

// What a SetMember revokes: a new current certificate revokes the one it
// replaces, and a next one that it does not make current (a renewal that
// stopped before it switched); a new next one revokes an earlier next one.
Status revoke_replaced(Db& db, const Member& m) {
  if (!m.certificate_serial.empty()) {
    DISPOTIFY_TRY(revoke_recorded(db, m.node_id, "certificate_serial", m.certificate_serial));
    return revoke_recorded(db, m.node_id, "next_certificate_serial", m.certificate_serial,
                           m.next_certificate_serial);
  }
  if (m.next_certificate_serial.empty()) return ok_status();
  return revoke_recorded(db, m.node_id, "next_certificate_serial", m.next_certificate_serial);
}

}  // namespace

Status apply_init_cluster(Db& db, const InitCluster& c) {
  if (c.info.cluster_id.empty()) return invalid("cluster id is empty");
  if (c.info.join_token_hash.size() != 64) return invalid("join token hash must be sha256 hex");
  const int r = c.info.replication_factor;
  const int w = c.info.write_quorum;
  if (r < 1 || r > kReplicationFactorMax) return invalid("replication factor must be between 1 and 7");
  if (w < 1 || w > r) return invalid("write quorum must be between 1 and the replication factor");
  DISPOTIFY_ASSIGN_OR_RETURN(bool exists, row_exists(db, "SELECT 1 FROM cluster WHERE id = ?1", "1"));
  if (exists) return make_error(Errc::conflict, "the cluster is already initialized");
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached("INSERT INTO cluster (id, cluster_id, join_token_hash, created_at_ms, "
                        "replication_factor, write_quorum) VALUES (1, ?1, ?2, ?3, ?4, ?5)"));
  stmt.bind(1, c.info.cluster_id).bind(2, c.info.join_token_hash).bind(3, c.info.created_at_ms);
  stmt.bind(4, static_cast<int64_t>(r)).bind(5, static_cast<int64_t>(w));
  return stmt.run();
}

Status apply_set_member(Db& db, const SetMember& c) {
  const Member& m = c.member;
  if (!is_node_id(m.node_id)) return invalid("node id must be 16 lowercase hex digits");
  DISPOTIFY_TRY(check_address("peer address", m.peer_address));
  DISPOTIFY_TRY(check_address("api address", m.api_address));
  for (const std::string* serial : {&m.certificate_serial, &m.next_certificate_serial}) {
    if (!serial->empty() && !is_serial(*serial)) return invalid("certificate serial must be lowercase hex");
  }
  DISPOTIFY_TRY(revoke_replaced(db, m));
  DISPOTIFY_ASSIGN_OR_RETURN(bool known,
                             row_exists(db, "SELECT 1 FROM members WHERE node_id = ?1", m.node_id));
  // An existing member keeps its join time; its addresses move, and so do
  // its certificates when the command names them. A new current
  // certificate ends a renewal: the next one is cleared unless named again.
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached("INSERT INTO members (node_id, peer_address, api_address, joined_at_ms, "
                        "certificate_serial, next_certificate_serial) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                        "ON CONFLICT (node_id) DO UPDATE SET "
                        "peer_address = excluded.peer_address, api_address = excluded.api_address, "
                        "certificate_serial = CASE WHEN excluded.certificate_serial = '' "
                        "THEN members.certificate_serial ELSE excluded.certificate_serial END, "
                        "next_certificate_serial = CASE WHEN excluded.next_certificate_serial != '' "
                        "THEN excluded.next_certificate_serial WHEN excluded.certificate_serial != '' "
                        "THEN '' ELSE members.next_certificate_serial END"));
  stmt.bind(1, m.node_id).bind(2, m.peer_address).bind(3, m.api_address).bind(4, m.joined_at_ms);
  stmt.bind(5, m.certificate_serial).bind(6, m.next_certificate_serial);
  DISPOTIFY_TRY(stmt.run());
  if (known) return ok_status();  // an address or certificate change, not a membership change
  return record_audit_event(db, Origin{.at_ms = m.joined_at_ms}, "member.added", m.node_id,
                            {{"peer_address", m.peer_address}, {"api_address", m.api_address}});
}

Status apply_remove_member(Db& db, const RemoveMember& c) {
  DISPOTIFY_ASSIGN_OR_RETURN(bool exists,
                             row_exists(db, "SELECT 1 FROM members WHERE node_id = ?1", c.node_id));
  if (!exists) return make_error(Errc::not_found, "no member with node id '" + c.node_id + "'");
  DISPOTIFY_TRY(revoke_recorded(db, c.node_id, "certificate_serial", ""));
  DISPOTIFY_TRY(revoke_recorded(db, c.node_id, "next_certificate_serial", ""));
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("DELETE FROM members WHERE node_id = ?1"));
  stmt.bind(1, c.node_id);
  DISPOTIFY_TRY(stmt.run());
  DISPOTIFY_TRY(forget_node_replicas(db, c.node_id));
  return record_audit_event(db, c.origin, "member.removed", c.node_id);
}

Status apply_set_join_token(Db& db, const SetJoinToken& c) {
  if (c.join_token_hash.size() != 64 || !is_lower_hex(c.join_token_hash)) {
    return invalid("join token hash must be sha256 hex");
  }
  if (c.sealed_hex.empty() || c.sealed_hex.size() > 1024 || c.sealed_hex.size() % 2 != 0 ||
      !is_lower_hex(c.sealed_hex)) {
    return invalid("the sealed join token must be hex");
  }
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("UPDATE cluster SET join_token_hash = ?1, "
                                                               "join_token_sealed = ?2 WHERE id = 1"));
  stmt.bind(1, c.join_token_hash).bind(2, c.sealed_hex);
  DISPOTIFY_TRY(stmt.run());
  if (db.changes() == 0) return make_error(Errc::not_found, "the cluster is not initialized");
  return record_audit_event(db, c.origin, "cluster.join_token_changed", "");
}

Status apply_record_member_promoted(Db& db, const RecordMemberPromoted& c) {
  if (!is_node_id(c.node_id)) return invalid("node id must be 16 lowercase hex digits");
  return record_audit_event(db, Origin{.at_ms = c.at_ms}, "member.promoted", c.node_id);
}

Status apply_set_storage_full(Db& db, const SetStorageFull& c) {
  DISPOTIFY_ASSIGN_OR_RETURN(bool exists,
                             row_exists(db, "SELECT 1 FROM members WHERE node_id = ?1", c.node_id));
  if (!exists) return make_error(Errc::not_found, "no member with node id '" + c.node_id + "'");
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("UPDATE members SET storage_full = ?2 WHERE node_id = ?1"));
  stmt.bind(1, c.node_id).bind(2, static_cast<int64_t>(c.full ? 1 : 0));
  return stmt.run();
}

}  // namespace dispotify::catalog

namespace dispotify::catalog {

Status apply_set_cluster_level(Db& db, const SetClusterLevel& c) {
  // The runner refuses (and stops on) a level above this binary's before
  // apply (check_appliable); a level at or below the recorded one is a
  // stale proposal from an earlier leader: the level never goes down.
  if (c.level < kFeatureLevelBaseline || c.level > kFeatureLevelCurrent) {
    return invalid("cluster level " + std::to_string(c.level) + " is not one this binary knows");
  }
  DISPOTIFY_ASSIGN_OR_RETURN(Statement read,
                             db.prepare_cached("SELECT value FROM meta WHERE key = 'cluster_level'"));
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, read.step());
  const int64_t recorded = row ? read.column_int64(0) : kFeatureLevelBaseline;
  if (c.level <= recorded) {
    return make_error(Errc::conflict, "the cluster is already at level " + std::to_string(recorded));
  }
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement write,
      db.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES ('cluster_level', ?1)"));
  write.bind(1, c.level);
  DISPOTIFY_TRY(write.run());
  return record_audit_event(db, Origin{.at_ms = c.at_ms}, "cluster.level_raised", "",
                            {{"level", std::to_string(c.level)}});
}

}  // namespace dispotify::catalog
