// Read-model records of the catalog, as queries return them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dispotify::catalog {

// Roles (what each may do: api/permissions.h): "admin" manages users and
// the cluster; "uploader" adds tracks; "listener" listens and keeps its own
// playlists. "user", the uploader's name before schema v10, is still read
// from old log entries and stored as "uploader".
inline constexpr const char* kRoleAdmin = "admin";
inline constexpr const char* kRoleUploader = "uploader";
inline constexpr const char* kRoleListener = "listener";
inline constexpr const char* kRoleLegacyUser = "user";
inline constexpr const char* kVariousArtists = "Various Artists";
inline constexpr const char* kUnknownArtist = "Unknown Artist";
inline constexpr const char* kUnknownAlbum = "Unknown Album";

struct Track {
  std::string id;
  std::string title;
  std::vector<std::string> artists;  // multi-valued ARTIST tag, in tag order; never empty
  std::string artist;                // display form: artists joined with ", "
  std::string album;
  std::string album_artist;  // as grouped: tag, else Various Artists / first artist
  std::string album_id;
  std::string artist_id;  // id of artists[0]
  bool compilation = false;
  int track_number = 0;  // 0 = unknown
  int track_total = 0;
  int disc_number = 0;
  int disc_total = 0;
  int year = 0;
  std::string genre;
  int64_t duration_ms = 0;
  int bitrate_kbps = 0;
  int sample_rate = 0;
  int channels = 0;
  std::string codec;         // "mp3", "flac", "vorbis", "opus", "aac", "alac", "pcm"
  std::string content_type;  // "audio/mpeg", ...
  uint64_t size_bytes = 0;
  std::string content_hash;  // sha256 hex of the audio blob
  std::string cover_hash;    // sha256 hex of the cover blob, empty if none
  std::optional<double> replaygain_track_gain_db;
  std::optional<double> replaygain_track_peak;
  std::optional<double> replaygain_album_gain_db;
  std::optional<double> replaygain_album_peak;
  std::string lyrics;
  std::string musicbrainz_track_id;
  std::string musicbrainz_album_id;
  std::string musicbrainz_artist_id;
  std::string filename;     // name given at upload, for display only
  std::string uploaded_by;  // user id
  int64_t created_at_ms = 0;

  bool operator==(const Track&) const = default;
};

struct Album {
  std::string id;
  std::string title;
  std::string album_artist;
  std::string artist_id;  // id of album_artist
  bool compilation = false;
  int year = 0;       // max year of its tracks
  std::string genre;  // most common genre of its tracks (ties: smallest)
  int track_count = 0;
  int disc_count = 0;
  int64_t duration_ms = 0;
  std::string cover_hash;  // cover of its first track that has one
  int64_t created_at_ms = 0;

  bool operator==(const Album&) const = default;
};

struct Artist {
  std::string id;
  std::string name;
  int album_count = 0;  // albums whose album artist this is
  int track_count = 0;  // tracks that list this artist

  bool operator==(const Artist&) const = default;
};

struct User {
  std::string id;
  std::string username;
  std::string password_hash;  // argon2id, libsodium's string format
  std::string role;           // kRoleAdmin, kRoleUploader or kRoleListener
  int64_t created_at_ms = 0;

  bool operator==(const User&) const = default;
};

struct Token {
  std::string id;
  std::string user_id;
  std::string token_hash;  // sha256 hex of the secret; the secret is never stored
  std::string name;        // label for API tokens
  std::string kind;        // "session" or "api"
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;  // 0 = never

  bool operator==(const Token&) const = default;
};

struct Playlist {
  std::string id;
  std::string owner_id;
  std::string name;
  int track_count = 0;
  int64_t duration_ms = 0;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;

  bool operator==(const Playlist&) const = default;
};

template <class T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;  // across all pages
};

// One entry of the audit log (catalog/audit.h).
struct AuditEvent {
  int64_t id = 0;  // grows with the log; the newest has the largest
  int64_t at_ms = 0;
  std::string actor_id;     // "" when no user acted (a failed login, the node itself)
  std::string actor_name;   // the actor's username when the event was written
  std::string action;       // "login", "login.failed", "user.created", ... (docs/API.md)
  std::string target;       // what it acted on: a username, track, playlist or node id
  std::string detail_json;  // a small JSON object
  std::string address;      // the client's address, "" unknown
};

struct AlbumDetail {
  Album album;
  std::vector<Track> tracks;  // by disc_number, track_number, title
};

struct ArtistDetail {
  Artist artist;
  std::vector<Album> albums;  // albums whose album artist this is, by year then title
  std::vector<Track> tracks;  // tracks listing this artist that sit on other artists' albums
};

struct PlaylistDetail {
  Playlist playlist;
  std::vector<Track> tracks;  // in playlist order; position i is tracks[i]
};

struct SearchResult {
  std::vector<Track> tracks;
  std::vector<Album> albums;
  std::vector<Artist> artists;
};

// A node of the cluster, as the catalog records it (the Raft configuration
// holds only ids; addresses live here so that they are replicated and
// snapshotted with everything else).
struct Member {
  std::string node_id;       // 16 hex digits, the node's persistent id
  std::string peer_address;  // host:port of its peer port (may be a DNS name)
  std::string api_address;   // host:port of its public port
  int64_t joined_at_ms = 0;
  // Below --min-free-disk (SetStorageFull): takes no new blob copies. Kept
  // by its own command, so SetMember neither carries nor changes it.
  bool storage_full = false;
  // Serial of the node's current peer certificate (schema v9); '' when a
  // SetMember only moves addresses. A replaced or removed member's serial
  // goes to the revoked list.
  std::string certificate_serial;
  // Serial of the certificate it is renewing to (schema v11), accepted
  // alongside the current one; cleared when a new current one is recorded.
  // '' in a SetMember keeps the recorded one.
  std::string next_certificate_serial;

  bool operator==(const Member&) const = default;
};

// Set once when the cluster is created.
struct ClusterInfo {
  std::string cluster_id;
  std::string join_token_hash;  // sha256 hex of the join token
  int64_t created_at_ms = 0;
  // Copies of every blob (capped at the number of members) and how many of
  // them must be durable before an upload is acknowledged: 1 <= W <= R <= 7.
  int replication_factor = 3;
  int write_quorum = 2;

  bool operator==(const ClusterInfo&) const = default;
};

// The nodes that hold a durable copy of one blob (audio or cover), as the
// node that wrote them saw it. The catalog's replica list is what repair
// and status start from; readers still verify what they fetch.
struct BlobCopies {
  std::string hash;  // sha256 hex
  uint64_t size_bytes = 0;
  // What the ring placed it by: uploads stream to the owners before the
  // hash is known, so they are placed by a key chosen up front ("" = hash).
  std::string placement_key;
  std::vector<std::string> node_ids;

  bool operator==(const BlobCopies&) const = default;
};

// "Copy blob `hash` to `target_node`": a repair task the leader assigns
// through the log. Only the target works on it, and only until its lease
// expires; then the leader may cancel it and assign the copy anew.
struct RepairTask {
  std::string task_id;
  std::string hash;
  std::string target_node;
  int64_t assigned_at_ms = 0;
  int64_t lease_expires_ms = 0;

  bool operator==(const RepairTask&) const = default;
};

// A blob as the catalog knows it.
struct BlobRecord {
  std::string hash;
  uint64_t size_bytes = 0;
  int64_t refs = 0;  // tracks using it as audio or cover
  std::string placement_key;
  std::vector<std::string> replicas;  // node ids, sorted
};

struct NodeBlobCount {
  std::string node_id;
  int64_t blobs = 0;
  int64_t bytes = 0;
};

// The cluster's storage at a glance (status, metrics).
struct BlobStats {
  int64_t blobs = 0;  // in use by a track
  int64_t bytes = 0;
  int64_t under_replicated = 0;
  int64_t repair_tasks = 0;
  int64_t repair_bytes = 0;  // bytes the assigned tasks still have to copy
  std::vector<NodeBlobCount> per_node;
};

struct Counts {
  int64_t tracks = 0;
  int64_t albums = 0;
  int64_t artists = 0;
  int64_t users = 0;
  int64_t playlists = 0;
  int64_t track_bytes = 0;

  bool operator==(const Counts&) const = default;
};

}  // namespace dispotify::catalog
