// The catalog: a SQLite (WAL) read model that changes only by apply().
//
// apply() is deterministic: it reads nothing but the command and the
// database (no clock, no randomness, no node-local state), so every node
// that applies the same commands in the same order holds the same catalog.
// A command that is invalid against the current state (duplicate username,
// playlist of another user, ...) fails with the same Error on every node and
// changes nothing but the applied index.
//
// Thread-safety: apply() calls are serialized internally; queries may run
// concurrently from any thread (each thread reads through its own
// connection) and see a committed state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "catalog/command.h"
#include "catalog/sync_mode.h"
#include "catalog/types.h"

namespace dispotify::catalog {

enum class SortOrder { asc, desc };
class Db;

struct TrackListQuery {
  int64_t offset = 0;
  int64_t limit = 50;          // 1..500
  std::string sort = "title";  // title, artist, album, year, duration, created_at
  SortOrder order = SortOrder::asc;
};

struct AlbumListQuery {
  int64_t offset = 0;
  int64_t limit = 50;         // 1..500
  std::string sort = "name";  // name, artist, year, created_at
  SortOrder order = SortOrder::asc;
};

struct CatalogOptions {
  // See SyncMode (sqlite_db.h). A node's catalog is backed by its Raft log
  // (normal); full is for a catalog that is its own record.
  SyncMode sync = SyncMode::full;
  // Read connections kept open between queries (reader_pool.h): as many as
  // there can be concurrent readers.
  size_t readers_idle_max = 8;
  // WAL checkpoints on a thread of their own instead of inside the commit
  // that crosses SQLite's threshold (catalog/checkpointer.h).
  bool background_checkpoints = false;
};

struct ArtistListQuery {
  int64_t offset = 0;
  int64_t limit = 50;  // 1..500, sorted by name
};

class Catalog {
 public:
  // Opens or creates the database and runs pending schema migrations.
  [[nodiscard]] static Result<std::unique_ptr<Catalog>> open(const std::string& db_path);
  [[nodiscard]] static Result<std::unique_ptr<Catalog>> open(const std::string& db_path,
                                                             const CatalogOptions& options);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // Applies the command committed at `index` (must be applied_index() + 1)
  // in one transaction that also records the index. Deterministic errors are
  // returned after recording the index; I/O errors leave everything as it was.
  [[nodiscard]] Status apply(uint64_t index, const Command& command);
  // Applies commands committed at first_index, first_index + 1, ... in one
  // transaction (one fsync): each result is what apply() would have
  // returned. A local failure (I/O) applies none of them and is returned
  // as the error of the whole batch.
  //
  // request_ids is empty or holds one id per command ("" for none): a
  // command whose id was already applied within the last
  // kAppliedRequestsWindow indexes is not applied again and gets the first
  // outcome, so a client's retry of a write never applies it twice.
  [[nodiscard]] Result<std::vector<Status>> apply_batch(uint64_t first_index,
                                                        std::span<const Command> commands,
                                                        std::span<const std::string> request_ids = {});
  static constexpr uint64_t kAppliedRequestsWindow = 100'000;
  static constexpr size_t kRequestIdBytesMax = 128;  // proposers keep their ids below this

  // Writes a consistent copy of the catalog to `path` (which must not
  // exist) and returns the applied index that copy holds. Concurrent
  // applies go on meanwhile.
  [[nodiscard]] Result<uint64_t> write_snapshot(const std::string& path) const;
  // Replaces the whole catalog by the database at `path` (a copy made by
  // write_snapshot, here or on another node) in one write transaction, and
  // returns its applied index. Readers see the old or the new catalog.
  [[nodiscard]] Result<uint64_t> restore_snapshot(const std::string& path);
  uint64_t applied_index() const;
  // Advances (after the commit) whenever an applied command or a restore
  // may change what a token resolves to: a user's password, role or
  // removal, a revoked token. New users and tokens do not advance it. Lets
  // an authentication cache stay valid across unrelated writes.
  uint64_t auth_epoch() const;

  [[nodiscard]] Result<std::optional<Track>> track(std::string_view id) const;
  [[nodiscard]] Result<std::optional<Track>> track_by_hash(std::string_view content_hash) const;
  [[nodiscard]] Result<Page<Track>> tracks(const TrackListQuery& query) const;
  [[nodiscard]] Result<Page<Album>> albums(const AlbumListQuery& query) const;
  [[nodiscard]] Result<std::optional<AlbumDetail>> album(std::string_view id) const;
  [[nodiscard]] Result<Page<Artist>> artists(const ArtistListQuery& query) const;
  [[nodiscard]] Result<std::optional<ArtistDetail>> artist(std::string_view id) const;
  // Full-text search over title, artist, album and genre: prefix matching on
  // every word, case- and diacritics-insensitive, best matches first.
  [[nodiscard]] Result<SearchResult> search(std::string_view text, int64_t limit_per_kind) const;
  // True while any track uses the hash as audio or cover.
  [[nodiscard]] Result<bool> blob_referenced(std::string_view hash) const;

  [[nodiscard]] Result<std::optional<User>> user_by_id(std::string_view id) const;
  [[nodiscard]] Result<std::optional<User>> user_by_name(std::string_view username) const;
  [[nodiscard]] Result<std::vector<User>> users() const;
  [[nodiscard]] Result<std::optional<Token>> token_by_hash(std::string_view token_hash) const;
  [[nodiscard]] Result<std::vector<Token>> tokens_of(std::string_view user_id) const;

  [[nodiscard]] Result<std::vector<Playlist>> playlists_of(std::string_view owner_id) const;
  [[nodiscard]] Result<std::optional<PlaylistDetail>> playlist(std::string_view id) const;
  // The owner's user id alone (nullopt: no such playlist): the check before
  // a change, without reading the playlist's tracks.
  [[nodiscard]] Result<std::optional<std::string>> playlist_owner(std::string_view id) const;

  [[nodiscard]] Result<Counts> counts() const;

  [[nodiscard]] Result<std::vector<Member>> members() const;  // by node id
  // Serials of peer certificates no longer accepted: of removed members,
  // and the ones a member's newer certificate replaced.
  [[nodiscard]] Result<std::vector<std::string>> revoked_certificates() const;
  // The join token set since the cluster was created (SetJoinToken), sealed
  // with the cluster key; '' while it is the founder's.
  [[nodiscard]] Result<std::string> join_token_sealed() const;
  [[nodiscard]] Result<std::optional<ClusterInfo>> cluster_info() const;
  // The committed feature level (feature_level.h): kFeatureLevelBaseline
  // until a SetClusterLevel is applied (the catalog's meta 'cluster_level').
  [[nodiscard]] Result<int64_t> cluster_level() const;
  // The nodes the catalog records as holding a copy of the blob, by node id.
  [[nodiscard]] Result<std::vector<std::string>> blob_replicas(std::string_view hash) const;
  [[nodiscard]] Result<std::optional<BlobRecord>> blob(std::string_view hash) const;
  // Up to `limit` blobs in use with fewer than `replicas_wanted` replicas on
  // members, not counting replicas on the `not_counting` nodes (down too
  // long); with their replica lists.
  [[nodiscard]] Result<std::vector<BlobRecord>> under_replicated_blobs(
      int64_t replicas_wanted, const std::vector<std::string>& not_counting, int64_t limit) const;
  [[nodiscard]] Result<std::vector<RepairTask>> repair_tasks() const;  // by task id
  // Blobs in use after `after_hash`, in hash order, with their replicas:
  // the pages the rebalancer walks.
  [[nodiscard]] Result<std::vector<BlobRecord>> blobs_in_use(std::string_view after_hash,
                                                             int64_t limit) const;
  // Hashes the catalog records on `node_id`, after `after_hash`, in order.
  [[nodiscard]] Result<std::vector<std::string>> blobs_on(std::string_view node_id,
                                                          std::string_view after_hash, int64_t limit) const;
  // Totals; a blob counts as under-replicated with fewer than
  // `replicas_wanted` copies, not counting those on the `not_counting`
  // nodes (members that do not answer now).
  [[nodiscard]] Result<BlobStats> blob_stats(int64_t replicas_wanted,
                                             const std::vector<std::string>& not_counting = {}) const;
  // Up to `limit` blobs no track references any more that the catalog
  // records on `node_id`: what that node's garbage collector deletes.
  [[nodiscard]] Result<std::vector<std::string>> unreferenced_blobs_on(std::string_view node_id,
                                                                       int64_t limit) const;

  // Runs `body` on a read connection inside one read transaction (one
  // consistent state), for the query families declared in their own
  // headers (listening_queries.h). `body` must only read.
  [[nodiscard]] Status read_snapshot(const std::function<Status(Db&)>& body) const;

 private:
  struct Impl;
  explicit Catalog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dispotify::catalog
