// The cluster's identity and members.
#include "catalog/catalog_impl.h"
#include "catalog/feature_level.h"
#include "catalog/record_rows.h"

namespace dispotify::catalog {
namespace {

Member read_member(const Statement& stmt, int) {
  return Member{stmt.column_string(0),     stmt.column_string(1), stmt.column_string(2), stmt.column_int64(3),
                stmt.column_int64(4) != 0, stmt.column_string(5), stmt.column_string(6)};
}

}  // namespace

Result<std::vector<Member>> Catalog::members() const {
  return impl_->read([&](Db& db) -> Result<std::vector<Member>> {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT node_id, peer_address, api_address, joined_at_ms, storage_full, "
                          "certificate_serial, next_certificate_serial FROM members ORDER BY node_id"));
    return read_all<Member>(stmt, read_member);
  });
}

Result<std::vector<std::string>> Catalog::revoked_certificates() const {
  return impl_->read([&](Db& db) -> Result<std::vector<std::string>> {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                               db.prepare_cached("SELECT serial FROM revoked_certificates ORDER BY serial"));
    return read_all<std::string>(stmt, [](const Statement& s, int) { return s.column_string(0); });
  });
}

Result<std::string> Catalog::join_token_sealed() const {
  return impl_->read([&](Db& db) -> Result<std::string> {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached("SELECT join_token_sealed FROM cluster"));
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    return row ? stmt.column_string(0) : std::string();
  });
}

Result<int64_t> Catalog::cluster_level() const {
  return impl_->read([&](Db& db) -> Result<int64_t> {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                               db.prepare_cached("SELECT value FROM meta WHERE key = 'cluster_level'"));
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    return row ? stmt.column_int64(0) : kFeatureLevelBaseline;
  });
}

Result<std::optional<ClusterInfo>> Catalog::cluster_info() const {
  return impl_->read([&](Db& db) -> Result<std::optional<ClusterInfo>> {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT cluster_id, join_token_hash, created_at_ms, replication_factor, "
                          "write_quorum FROM cluster"));
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return std::optional<ClusterInfo>();
    return std::optional<ClusterInfo>(ClusterInfo{stmt.column_string(0), stmt.column_string(1),
                                                  stmt.column_int64(2), stmt.column_int(3),
                                                  stmt.column_int(4)});
  });
}

}  // namespace dispotify::catalog
