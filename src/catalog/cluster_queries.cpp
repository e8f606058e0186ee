// The cluster's identity and members.
#include "catalog/catalog_impl.h"
#include "catalog/record_rows.h"

namespace dispotify::catalog {
namespace {

Member read_member(const Statement& stmt, int) {
  return Member{stmt.column_string(0), stmt.column_string(1), stmt.column_string(2), stmt.column_int64(3)};
}

}  // namespace

Result<std::vector<Member>> Catalog::members() const {
  return impl_->read([&](Db& db) -> Result<std::vector<Member>> {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                               db.prepare_cached("SELECT node_id, peer_address, api_address, joined_at_ms "
                                                 "FROM members ORDER BY node_id"));
    return read_all<Member>(stmt, read_member);
  });
}

Result<std::optional<ClusterInfo>> Catalog::cluster_info() const {
  return impl_->read([&](Db& db) -> Result<std::optional<ClusterInfo>> {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt, db.prepare_cached("SELECT cluster_id, join_token_hash, created_at_ms, replication_factor, "
                                            "write_quorum FROM cluster"));
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return std::optional<ClusterInfo>();
    return std::optional<ClusterInfo>(ClusterInfo{stmt.column_string(0), stmt.column_string(1),
                                                  stmt.column_int64(2), stmt.column_int(3), stmt.column_int(4)});
  });
}

Result<std::vector<std::string>> Catalog::blob_replicas(std::string_view hash) const {
  return impl_->read([&](Db& db) -> Result<std::vector<std::string>> {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt, db.prepare_cached("SELECT node_id FROM blob_replicas WHERE hash = ?1 ORDER BY node_id"));
    stmt.bind(1, hash);
    return read_all<std::string>(stmt, [](const Statement& s, int) { return s.column_string(0); });
  });
}

Result<std::vector<std::string>> Catalog::unreferenced_blobs_on(std::string_view node_id, int64_t limit) const {
  return impl_->read([&](Db& db) -> Result<std::vector<std::string>> {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                               db.prepare_cached("SELECT b.hash FROM blobs b JOIN blob_replicas r ON r.hash = b.hash "
                                                 "WHERE b.refs = 0 AND r.node_id = ?1 ORDER BY b.hash LIMIT ?2"));
    stmt.bind(1, node_id).bind(2, limit);
    return read_all<std::string>(stmt, [](const Statement& s, int) { return s.column_string(0); });
  });
}

}  // namespace dispotify::catalog
