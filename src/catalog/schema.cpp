#include "catalog/schema.h"

#include <string>

#include "catalog/transaction.h"

namespace dispotify::catalog {
namespace {

// Version 1: the records. Ids are TEXT chosen by the proposer (users,
// tokens, tracks, playlists) or derived (albums, artists, ids.h); the
// INTEGER rowids are only the join key of the full-text tables.
constexpr std::string_view kCoreTables = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('applied_index', 0);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  username_key TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tokens_by_user ON tokens (user_id, created_at_ms);

CREATE TABLE tracks (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  artists_json TEXT NOT NULL,
  artist TEXT NOT NULL,
  album TEXT NOT NULL,
  album_artist TEXT NOT NULL,
  album_id TEXT NOT NULL,
  artist_id TEXT NOT NULL,
  compilation INTEGER NOT NULL,
  track_number INTEGER NOT NULL,
  track_total INTEGER NOT NULL,
  disc_number INTEGER NOT NULL,
  disc_total INTEGER NOT NULL,
  year INTEGER NOT NULL,
  genre TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  bitrate_kbps INTEGER NOT NULL,
  sample_rate INTEGER NOT NULL,
  channels INTEGER NOT NULL,
  codec TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  content_hash TEXT NOT NULL UNIQUE,
  cover_hash TEXT NOT NULL,
  replaygain_track_gain_db REAL,
  replaygain_track_peak REAL,
  replaygain_album_gain_db REAL,
  replaygain_album_peak REAL,
  lyrics TEXT NOT NULL,
  musicbrainz_track_id TEXT NOT NULL,
  musicbrainz_album_id TEXT NOT NULL,
  musicbrainz_artist_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX tracks_by_album ON tracks (album_id, disc_number, track_number);
CREATE INDEX tracks_by_cover ON tracks (cover_hash);
CREATE INDEX tracks_by_title ON tracks (title COLLATE NOCASE, id);
CREATE INDEX tracks_by_artist ON tracks (artist COLLATE NOCASE, album COLLATE NOCASE, disc_number, track_number, id);
CREATE INDEX tracks_by_album_title ON tracks (album COLLATE NOCASE, disc_number, track_number, id);
CREATE INDEX tracks_by_year ON tracks (year, title COLLATE NOCASE, id);
CREATE INDEX tracks_by_duration ON tracks (duration_ms, id);
CREATE INDEX tracks_by_created ON tracks (created_at_ms, id);

-- Every artist a track lists, in tag order (position 0 is Track.artist_id).
CREATE TABLE track_artists (
  track_id TEXT NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
  artist_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (track_id, artist_id)
) WITHOUT ROWID;
CREATE INDEX track_artists_by_artist ON track_artists (artist_id, track_id);

CREATE TABLE albums (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  album_artist TEXT NOT NULL,
  artist_id TEXT NOT NULL,
  compilation INTEGER NOT NULL,
  year INTEGER NOT NULL,
  genre TEXT NOT NULL,
  track_count INTEGER NOT NULL,
  disc_count INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  cover_hash TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX albums_by_title ON albums (title COLLATE NOCASE, id);
CREATE INDEX albums_by_artist ON albums (artist_id, year, title COLLATE NOCASE);
CREATE INDEX albums_by_artist_name ON albums (album_artist COLLATE NOCASE, title COLLATE NOCASE, id);
CREATE INDEX albums_by_year ON albums (year, title COLLATE NOCASE, id);
CREATE INDEX albums_by_created ON albums (created_at_ms, id);

CREATE TABLE artists (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  album_count INTEGER NOT NULL,
  track_count INTEGER NOT NULL
);
CREATE INDEX artists_by_name ON artists (name COLLATE NOCASE, id);

CREATE TABLE playlists (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX playlists_by_owner ON playlists (owner_id, name COLLATE NOCASE);

CREATE TABLE playlist_tracks (
  playlist_id TEXT NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  track_id TEXT NOT NULL REFERENCES tracks (id),
  PRIMARY KEY (playlist_id, position)
) WITHOUT ROWID;
CREATE INDEX playlist_tracks_by_track ON playlist_tracks (track_id, playlist_id);
)sql";

// Version 2: full-text search. Each FTS row has the rowid of its record;
// triggers keep them in step inside the same transaction as the change.
// prefix='1 2 3 4' indexes short prefixes, which is what search-as-you-type sends.
constexpr std::string_view kSearchTables = R"sql(
CREATE VIRTUAL TABLE tracks_fts USING fts5 (
  title, artist, album, album_artist, genre,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4');
CREATE VIRTUAL TABLE albums_fts USING fts5 (
  title, album_artist, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4');
CREATE VIRTUAL TABLE artists_fts USING fts5 (
  name, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4');

INSERT INTO tracks_fts (rowid, title, artist, album, album_artist, genre)
  SELECT rowid, title, artist, album, album_artist, genre FROM tracks;
INSERT INTO albums_fts (rowid, title, album_artist) SELECT rowid, title, album_artist FROM albums;
INSERT INTO artists_fts (rowid, name) SELECT rowid, name FROM artists;

CREATE TRIGGER tracks_fts_insert AFTER INSERT ON tracks BEGIN
  INSERT INTO tracks_fts (rowid, title, artist, album, album_artist, genre)
    VALUES (NEW.rowid, NEW.title, NEW.artist, NEW.album, NEW.album_artist, NEW.genre);
END;
CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks BEGIN
  DELETE FROM tracks_fts WHERE rowid = OLD.rowid;
END;
CREATE TRIGGER albums_fts_insert AFTER INSERT ON albums BEGIN
  INSERT INTO albums_fts (rowid, title, album_artist) VALUES (NEW.rowid, NEW.title, NEW.album_artist);
END;
CREATE TRIGGER albums_fts_update AFTER UPDATE OF title, album_artist ON albums BEGIN
  UPDATE albums_fts SET title = NEW.title, album_artist = NEW.album_artist WHERE rowid = OLD.rowid;
END;
CREATE TRIGGER albums_fts_delete AFTER DELETE ON albums BEGIN
  DELETE FROM albums_fts WHERE rowid = OLD.rowid;
END;
CREATE TRIGGER artists_fts_insert AFTER INSERT ON artists BEGIN
  INSERT INTO artists_fts (rowid, name) VALUES (NEW.rowid, NEW.name);
END;
CREATE TRIGGER artists_fts_update AFTER UPDATE OF name ON artists BEGIN
  UPDATE artists_fts SET name = NEW.name WHERE rowid = OLD.rowid;
END;
CREATE TRIGGER artists_fts_delete AFTER DELETE ON artists BEGIN
  DELETE FROM artists_fts WHERE rowid = OLD.rowid;
END;
)sql";

// Version 3: row counts kept by triggers, so totals and counts() never scan
// a table.
constexpr std::string_view kCountTables = R"sql(
CREATE TABLE counts (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  tracks INTEGER NOT NULL, albums INTEGER NOT NULL, artists INTEGER NOT NULL,
  users INTEGER NOT NULL, playlists INTEGER NOT NULL, track_bytes INTEGER NOT NULL);
INSERT INTO counts SELECT 1, (SELECT count(*) FROM tracks), (SELECT count(*) FROM albums),
  (SELECT count(*) FROM artists), (SELECT count(*) FROM users), (SELECT count(*) FROM playlists),
  (SELECT coalesce(sum(size_bytes), 0) FROM tracks);

CREATE TRIGGER counts_track_insert AFTER INSERT ON tracks BEGIN
  UPDATE counts SET tracks = tracks + 1, track_bytes = track_bytes + NEW.size_bytes;
END;
CREATE TRIGGER counts_track_delete AFTER DELETE ON tracks BEGIN
  UPDATE counts SET tracks = tracks - 1, track_bytes = track_bytes - OLD.size_bytes;
END;
CREATE TRIGGER counts_album_insert AFTER INSERT ON albums BEGIN UPDATE counts SET albums = albums + 1; END;
CREATE TRIGGER counts_album_delete AFTER DELETE ON albums BEGIN UPDATE counts SET albums = albums - 1; END;
CREATE TRIGGER counts_artist_insert AFTER INSERT ON artists BEGIN UPDATE counts SET artists = artists + 1; END;
CREATE TRIGGER counts_artist_delete AFTER DELETE ON artists BEGIN UPDATE counts SET artists = artists - 1; END;
CREATE TRIGGER counts_user_insert AFTER INSERT ON users BEGIN UPDATE counts SET users = users + 1; END;
CREATE TRIGGER counts_user_delete AFTER DELETE ON users BEGIN UPDATE counts SET users = users - 1; END;
CREATE TRIGGER counts_playlist_insert AFTER INSERT ON playlists BEGIN
  UPDATE counts SET playlists = playlists + 1;
END;
CREATE TRIGGER counts_playlist_delete AFTER DELETE ON playlists BEGIN
  UPDATE counts SET playlists = playlists - 1;
END;
)sql";

// Version 4: the cluster (its identity and members) and the outcomes of
// recent client requests, so that a retried request is not applied twice.
constexpr std::string_view kClusterTables = R"sql(
CREATE TABLE cluster (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cluster_id TEXT NOT NULL, join_token_hash TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
CREATE TABLE members (
  node_id TEXT PRIMARY KEY, peer_address TEXT NOT NULL, api_address TEXT NOT NULL,
  joined_at_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE applied_requests (
  request_id TEXT PRIMARY KEY, applied_index INTEGER NOT NULL,
  error_code TEXT, error_message TEXT) WITHOUT ROWID;
CREATE INDEX applied_requests_by_index ON applied_requests (applied_index);
)sql";

// Version 5: replicated blob storage. The cluster's replication factor and
// write quorum; every blob a track references, with its reference count
// (kept by triggers, so no apply path can forget it), the key that placed
// it on the ring ('' = its hash) and the nodes that hold a copy. A blob
// whose count drops to 0 is garbage: its holders delete their copies and
// drop their replica rows. Repair tasks the leader assigns.
constexpr std::string_view kBlobTables = R"sql(
ALTER TABLE cluster ADD COLUMN replication_factor INTEGER NOT NULL DEFAULT 3;
ALTER TABLE cluster ADD COLUMN write_quorum INTEGER NOT NULL DEFAULT 2;
CREATE TABLE blobs (
  hash TEXT PRIMARY KEY, size_bytes INTEGER NOT NULL, refs INTEGER NOT NULL DEFAULT 0,
  placement_key TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
CREATE INDEX blobs_unreferenced ON blobs (hash) WHERE refs = 0;
CREATE TABLE blob_replicas (
  hash TEXT NOT NULL REFERENCES blobs (hash) ON DELETE CASCADE, node_id TEXT NOT NULL,
  PRIMARY KEY (hash, node_id)) WITHOUT ROWID;
CREATE INDEX blob_replicas_by_node ON blob_replicas (node_id, hash);
INSERT INTO blobs (hash, size_bytes) SELECT content_hash, size_bytes FROM tracks WHERE true
  ON CONFLICT DO NOTHING;
INSERT INTO blobs (hash, size_bytes) SELECT cover_hash, 0 FROM tracks WHERE cover_hash != ''
  ON CONFLICT DO NOTHING;
UPDATE blobs SET refs = (SELECT count(*) FROM tracks WHERE content_hash = blobs.hash) +
                        (SELECT count(*) FROM tracks WHERE cover_hash = blobs.hash);
CREATE TABLE repair_tasks (
  task_id TEXT PRIMARY KEY, hash TEXT NOT NULL, target_node TEXT NOT NULL,
  assigned_at_ms INTEGER NOT NULL, lease_expires_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE UNIQUE INDEX repair_tasks_by_copy ON repair_tasks (hash, target_node);
CREATE INDEX repair_tasks_by_target ON repair_tasks (target_node);
CREATE TRIGGER blob_refs_track_insert AFTER INSERT ON tracks BEGIN
  INSERT INTO blobs (hash, size_bytes) VALUES (NEW.content_hash, NEW.size_bytes) ON CONFLICT DO NOTHING;
  UPDATE blobs SET refs = refs + 1 WHERE hash = NEW.content_hash;
  INSERT INTO blobs (hash, size_bytes) SELECT NEW.cover_hash, 0 WHERE NEW.cover_hash != ''
    ON CONFLICT DO NOTHING;
  UPDATE blobs SET refs = refs + 1 WHERE hash = NEW.cover_hash;
END;
CREATE TRIGGER blob_refs_track_delete AFTER DELETE ON tracks BEGIN
  UPDATE blobs SET refs = refs - 1 WHERE hash = OLD.content_hash;
  UPDATE blobs SET refs = refs - 1 WHERE hash = OLD.cover_hash;
END;
)sql";

// Version 6: per-user listening data for the Subsonic API: stars, ratings
// and play counts of tracks, albums and artists (annotations), the saved
// play queue, and the password Subsonic token authentication needs. Items
// are not foreign keys: an album or artist row comes and goes with its
// tracks under the same derived id, and its stars should survive that.
constexpr std::string_view kListeningDataTables = R"sql(
CREATE TABLE subsonic_passwords (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  password TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE annotations (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  item_id TEXT NOT NULL,
  starred_at_ms INTEGER NOT NULL,
  rating INTEGER NOT NULL,
  play_count INTEGER NOT NULL,
  played_at_ms INTEGER NOT NULL,
  PRIMARY KEY (user_id, kind, item_id)
) WITHOUT ROWID;
CREATE INDEX annotations_by_starred ON annotations (user_id, kind, starred_at_ms) WHERE starred_at_ms > 0;
CREATE INDEX annotations_by_item ON annotations (kind, item_id);
CREATE TABLE play_queues (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  track_ids_json TEXT NOT NULL,
  current_id TEXT NOT NULL,
  position_ms INTEGER NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// A member below --min-free-disk takes no new blob copies (SetStorageFull).
constexpr const char* kStorageFullColumn = R"sql(
ALTER TABLE members ADD COLUMN storage_full INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 9: peer certificates (cluster/peer_credentials.h). Each member's
// current certificate serial; serials of removed members and of replaced
// certificates are revoked: the peer port refuses them.
constexpr const char* kPeerCertificates = R"sql(
ALTER TABLE members ADD COLUMN certificate_serial TEXT NOT NULL DEFAULT '';
CREATE TABLE revoked_certificates (serial TEXT PRIMARY KEY, node_id TEXT NOT NULL) WITHOUT ROWID;
)sql";

// Version 8: each blob counts its replica rows (kept by triggers), so the
// leader's search for under-replicated blobs, every second, is a range of
// one index instead of a count per blob. Replica rows are kept to members
// only (a copy recorded for a node already removed is dropped at apply), so
// the count is the copies on members; rows such a race left behind go here.
constexpr const char* kReplicaCounts = R"sql(
DELETE FROM blob_replicas WHERE node_id NOT IN (SELECT node_id FROM members);
ALTER TABLE blobs ADD COLUMN replicas INTEGER NOT NULL DEFAULT 0;
UPDATE blobs SET replicas = (SELECT count(*) FROM blob_replicas r WHERE r.hash = blobs.hash);
CREATE INDEX blobs_by_replicas ON blobs (replicas, hash) WHERE refs > 0;
CREATE TRIGGER blob_replicas_insert AFTER INSERT ON blob_replicas BEGIN
  UPDATE blobs SET replicas = replicas + 1 WHERE hash = NEW.hash;
END;
CREATE TRIGGER blob_replicas_delete AFTER DELETE ON blob_replicas BEGIN
  UPDATE blobs SET replicas = replicas - 1 WHERE hash = OLD.hash;
END;
)sql";

// Version 10: accounts (issue 9). The role "user" becomes "uploader" (it
// keeps what it could do: upload and listen); "listener" is new. The audit
// log (catalog/audit.h), newest events found by id, filtered by action.
// Subsonic passwords were kept in clear: they are dropped (their owners set
// them again) and the column now holds them sealed with the cluster key.
constexpr const char* kAccounts = R"sql(
UPDATE users SET role = 'uploader' WHERE role = 'user';
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  actor_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail_json TEXT NOT NULL,
  address TEXT NOT NULL
);
CREATE INDEX audit_events_by_action ON audit_events (action, id);
DELETE FROM subsonic_passwords;
ALTER TABLE subsonic_passwords RENAME COLUMN password TO sealed_hex;
)sql";

// One step per line: the list only grows (clang-format would pack it).
// clang-format off
// Version 11: a member may have a second certificate recorded while it
// renews (the next one, accepted alongside the current until it becomes
// current): the peer port accepts only recorded certificates
// (cluster/peer_gate.h), and a renewing node records the new one before it
// switches to it.
// The join token can change (SetJoinToken): the new one is kept sealed with
// the cluster key beside its hash; '' while it is the one the cluster was
// created with (each member reads that from its own data dir).
constexpr const char* kNextCertificate = R"sql(
ALTER TABLE members ADD COLUMN next_certificate_serial TEXT NOT NULL DEFAULT '';
ALTER TABLE cluster ADD COLUMN join_token_sealed TEXT NOT NULL DEFAULT '';
)sql";

constexpr Migration kMigrations[] = {
    {1, kCoreTables},
    {2, kSearchTables},
    {3, kCountTables},
    {4, kClusterTables},
    {5, kBlobTables},
    {6, kListeningDataTables},
    {7, kStorageFullColumn},
    {8, kReplicaCounts},
    {9, kPeerCertificates},
    {10, kAccounts},
    {11, kNextCertificate},
};
// clang-format on

Status apply_step(Db& db, const Migration& step) {
  DISPOTIFY_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db, TransactionKind::write));
  DISPOTIFY_TRY(db.exec(step.sql));
  DISPOTIFY_TRY(db.exec("UPDATE schema_version SET version = " + std::to_string(step.version)));
  return txn.commit();
}

}  // namespace

std::span<const Migration> schema_migrations() { return kMigrations; }

Result<int> schema_version(Db& db) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare("SELECT version FROM schema_version"));
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return make_error(Errc::corrupt, "schema_version has no row");
  return stmt.column_int(0);
}

Status migrate(Db& db, std::span<const Migration> migrations) {
  DISPOTIFY_TRY(
      db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
              "INSERT INTO schema_version SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version);"));
  DISPOTIFY_ASSIGN_OR_RETURN(int version, schema_version(db));
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (version > latest) {
    return make_error(Errc::conflict, "catalog schema version " + std::to_string(version) +
                                          " is newer than this binary (" + std::to_string(latest) + ")");
  }
  for (size_t i = 0; i < migrations.size(); ++i) {
    DISPOTIFY_CHECK(migrations[i].version == static_cast<int>(i) + 1);
    if (migrations[i].version <= version) continue;
    DISPOTIFY_TRY(apply_step(db, migrations[i]));
  }
  return ok_status();
}

}  // namespace dispotify::catalog
