// Where blobs are and what repair has to do (schema v5).
#include "catalog/catalog_impl.h"
#include "catalog/record_rows.h"

namespace dispotify::catalog {
namespace {

std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ",";
    out += "\"" + item + "\"";  // node ids are hex: nothing to escape
  }
  return out + "]";
}

RepairTask read_task(const Statement& s, int) {
  return RepairTask{s.column_string(0), s.column_string(1), s.column_string(2), s.column_int64(3),
                    s.column_int64(4)};
}

}  // namespace

Result<std::vector<std::string>> Catalog::blob_replicas(std::string_view hash) const {
  return impl_->read([&](Db& db) -> Result<std::vector<std::string>> {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT node_id FROM blob_replicas WHERE hash = ?1 ORDER BY node_id"));
    stmt.bind(1, hash);
    return read_all<std::string>(stmt, [](const Statement& s, int) { return s.column_string(0); });
  });
}

Result<std::vector<std::string>> Catalog::unreferenced_blobs_on(std::string_view node_id,
                                                                int64_t limit) const {
  return impl_->read([&](Db& db) -> Result<std::vector<std::string>> {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT b.hash FROM blobs b JOIN blob_replicas r ON r.hash = b.hash "
                          "WHERE b.refs = 0 AND r.node_id = ?1 ORDER BY b.hash LIMIT ?2"));
    stmt.bind(1, node_id).bind(2, limit);
    return read_all<std::string>(stmt, [](const Statement& s, int) { return s.column_string(0); });
  });
}

Result<std::optional<BlobRecord>> Catalog::blob(std::string_view hash) const {
  return impl_->read([&](Db& db) -> Result<std::optional<BlobRecord>> {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT hash, size_bytes, refs, placement_key FROM blobs WHERE hash = ?1"));
    stmt.bind(1, hash);
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return std::optional<BlobRecord>();
    BlobRecord record{stmt.column_string(0),
                      static_cast<uint64_t>(stmt.column_int64(1)),
                      stmt.column_int64(2),
                      stmt.column_string(3),
                      {}};
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement replicas,
        db.prepare_cached("SELECT node_id FROM blob_replicas WHERE hash = ?1 ORDER BY node_id"));
    replicas.bind(1, hash);
    DISPOTIFY_ASSIGN_OR_RETURN(record.replicas, read_all<std::string>(replicas, [](const Statement& s, int) {
                                 return s.column_string(0);
                               }));
    return std::optional<BlobRecord>(std::move(record));
  });
}

namespace {

Status load_replicas(Db& db, std::vector<BlobRecord>& records) {
  for (BlobRecord& record : records) {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement replicas,
        db.prepare_cached("SELECT node_id FROM blob_replicas WHERE hash = ?1 ORDER BY node_id"));
    replicas.bind(1, record.hash);
    DISPOTIFY_ASSIGN_OR_RETURN(record.replicas, read_all<std::string>(replicas, [](const Statement& s, int) {
                                 return s.column_string(0);
                               }));
  }
  return ok_status();
}

// Blobs in use short of ?1 copies. blobs.replicas counts the replica rows
// (all on members: schema v8), so with every copy counting this is a range
// of one index.
const std::string kAllCopiesCount = "refs > 0 AND replicas < ?1";
// The copies not on the nodes of the JSON array ?2.
const std::string kLiveCopies =
    "replicas - (SELECT count(*) FROM blob_replicas d WHERE d.hash = blobs.hash AND d.node_id IN "
    "(SELECT value FROM json_each(?2)))";
// Also the blobs with a copy on a node that does not count: only those can
// have fewer live copies than rows.
const std::string kSomeCopiesDoNotCount =
    "refs > 0 AND (replicas < ?1 OR hash IN (SELECT hash FROM blob_replicas WHERE node_id IN "
    "(SELECT value FROM json_each(?2)))) AND " +
    kLiveCopies + " < ?1";
const std::string kUnderReplicated = "SELECT hash, size_bytes, refs, placement_key FROM blobs WHERE " +
                                     kAllCopiesCount + " ORDER BY replicas, hash LIMIT ?3";
const std::string kUnderReplicatedLive = "SELECT hash, size_bytes, refs, placement_key, " + kLiveCopies +
                                         " AS live FROM blobs WHERE " + kSomeCopiesDoNotCount +
                                         " ORDER BY live, hash LIMIT ?3";
const std::string kCountUnderReplicated = "SELECT count(*) FROM blobs WHERE " + kAllCopiesCount;
const std::string kCountUnderReplicatedLive = "SELECT count(*) FROM blobs WHERE " + kSomeCopiesDoNotCount;

BlobRecord read_blob_row(const Statement& s, int) {
  return BlobRecord{s.column_string(0),
                    static_cast<uint64_t>(s.column_int64(1)),
                    s.column_int64(2),
                    s.column_string(3),
                    {}};
}

}  // namespace

Result<std::vector<BlobRecord>> Catalog::blobs_in_use(std::string_view after_hash, int64_t limit) const {
  return impl_->read([&](Db& db) -> Result<std::vector<BlobRecord>> {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                               db.prepare_cached("SELECT hash, size_bytes, refs, placement_key FROM blobs "
                                                 "WHERE refs > 0 AND hash > ?1 ORDER BY hash LIMIT ?2"));
    stmt.bind(1, after_hash).bind(2, limit);
    DISPOTIFY_ASSIGN_OR_RETURN(auto records, read_all<BlobRecord>(stmt, read_blob_row));
    DISPOTIFY_TRY(load_replicas(db, records));
    return records;
  });
}

Result<std::vector<BlobRecord>> Catalog::under_replicated_blobs(int64_t replicas_wanted,
                                                                const std::vector<std::string>& not_counting,
                                                                int64_t limit) const {
  return impl_->read([&](Db& db) -> Result<std::vector<BlobRecord>> {
    // The fewest copies first.
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt, db.prepare_cached(not_counting.empty() ? kUnderReplicated : kUnderReplicatedLive));
    if (!not_counting.empty()) stmt.bind(2, json_array(not_counting));
    stmt.bind(1, replicas_wanted).bind(3, limit);
    DISPOTIFY_ASSIGN_OR_RETURN(auto records, read_all<BlobRecord>(stmt, read_blob_row));
    DISPOTIFY_TRY(load_replicas(db, records));
    return records;
  });
}

Result<std::vector<RepairTask>> Catalog::repair_tasks() const {
  return impl_->read([&](Db& db) -> Result<std::vector<RepairTask>> {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.prepare_cached("SELECT task_id, hash, target_node, assigned_at_ms, lease_expires_ms "
                          "FROM repair_tasks ORDER BY task_id"));
    return read_all<RepairTask>(stmt, read_task);
  });
}

Result<BlobStats> Catalog::blob_stats(int64_t replicas_wanted,
                                      const std::vector<std::string>& not_counting) const {
  return impl_->read([&](Db& db) -> Result<BlobStats> {
    BlobStats stats;
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement totals,
        db.prepare_cached("SELECT count(*), coalesce(sum(size_bytes), 0) FROM blobs WHERE refs > 0"));
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, totals.step());
    if (row) {
      stats.blobs = totals.column_int64(0);
      stats.bytes = totals.column_int64(1);
    }
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement under,
        db.prepare_cached(not_counting.empty() ? kCountUnderReplicated : kCountUnderReplicatedLive));
    under.bind(1, replicas_wanted);
    if (!not_counting.empty()) under.bind(2, json_array(not_counting));
    DISPOTIFY_ASSIGN_OR_RETURN(bool counted, under.step());
    if (counted) stats.under_replicated = under.column_int64(0);
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement per_node,
        db.prepare_cached("SELECT r.node_id, count(*), coalesce(sum(b.size_bytes), 0) FROM blob_replicas r "
                          "JOIN blobs b ON b.hash = r.hash GROUP BY r.node_id ORDER BY r.node_id"));
    DISPOTIFY_ASSIGN_OR_RETURN(
        stats.per_node, read_all<NodeBlobCount>(per_node, [](const Statement& s, int) {
          return NodeBlobCount{s.column_string(0), s.column_int64(1), s.column_int64(2)};
        }));
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement tasks,
        db.prepare_cached("SELECT count(*), coalesce(sum(b.size_bytes), 0) FROM repair_tasks t "
                          "JOIN blobs b ON b.hash = t.hash"));
    DISPOTIFY_ASSIGN_OR_RETURN(bool task_row, tasks.step());
    if (task_row) {
      stats.repair_tasks = tasks.column_int64(0);
      stats.repair_bytes = tasks.column_int64(1);
    }
    return stats;
  });
}

Result<std::vector<std::string>> Catalog::blobs_on(std::string_view node_id, std::string_view after_hash,
                                                   int64_t limit) const {
  return impl_->read([&](Db& db) -> Result<std::vector<std::string>> {
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt, db.prepare_cached("SELECT hash FROM blob_replicas WHERE node_id = ?1 AND hash > ?2 "
                                          "ORDER BY hash LIMIT ?3"));
    stmt.bind(1, node_id).bind(2, after_hash).bind(3, limit);
    return read_all<std::string>(stmt, [](const Statement& s, int) { return s.column_string(0); });
  });
}

}  // namespace dispotify::catalog
