// The field lists of every command and record, shared by the encoder and
// the decoder so the two cannot drift apart. Each visit_fields() calls
// f(key, member) for every member in the order of the JSON form; a record
// member (User, Token, Track, Playlist) is a nested object, a vector of
// records an array of them.
//
// Fields added after a command was first written to Raft logs are passed as
// f(key, member, Presence::optional): older entries lack them and decode
// with the member's default. Every other field is required.
#pragma once

#include <type_traits>
#include <vector>

#include "catalog/command.h"

namespace dispotify::catalog {

enum class Presence { required, optional };

template <class T>
inline constexpr bool kIsRecord =
    std::is_same_v<std::remove_const_t<T>, User> || std::is_same_v<std::remove_const_t<T>, Token> ||
    std::is_same_v<std::remove_const_t<T>, Track> || std::is_same_v<std::remove_const_t<T>, Playlist> ||
    std::is_same_v<std::remove_const_t<T>, Member> || std::is_same_v<std::remove_const_t<T>, ClusterInfo> ||
    std::is_same_v<std::remove_const_t<T>, BlobCopies> ||
    std::is_same_v<std::remove_const_t<T>, RepairTask> || std::is_same_v<std::remove_const_t<T>, Origin>;

template <class T>
inline constexpr bool kIsRecordList = false;
template <class T>
inline constexpr bool kIsRecordList<std::vector<T>> = kIsRecord<T>;
template <class T>
inline constexpr bool kIsRecordList<const std::vector<T>> = kIsRecord<T>;

template <class T, class F>
requires std::is_same_v<std::remove_const_t<T>, User>
void visit_fields(T& u, F&& f) {
  f("id", u.id);
  f("username", u.username);
  f("password_hash", u.password_hash);
  f("role", u.role);
  f("created_at_ms", u.created_at_ms);
}

template <class T, class F>
requires std::is_same_v<std::remove_const_t<T>, Token>
void visit_fields(T& t, F&& f) {
  f("id", t.id);
  f("user_id", t.user_id);
  f("token_hash", t.token_hash);
  f("name", t.name);
  f("kind", t.kind);
  f("created_at_ms", t.created_at_ms);
  f("expires_at_ms", t.expires_at_ms);
}

template <class T, class F>
requires std::is_same_v<std::remove_const_t<T>, Playlist>
void visit_fields(T& p, F&& f) {
  f("id", p.id);
  f("owner_id", p.owner_id);
  f("name", p.name);
  f("track_count", p.track_count);
  f("duration_ms", p.duration_ms);
  f("created_at_ms", p.created_at_ms);
  f("updated_at_ms", p.updated_at_ms);
}

template <class T, class F>
requires std::is_same_v<std::remove_const_t<T>, Track>
void visit_fields(T& t, F&& f) {
  f("id", t.id);
  f("title", t.title);
  f("artists", t.artists);
  f("artist", t.artist);
  f("album", t.album);
  f("album_artist", t.album_artist);
  f("album_id", t.album_id);
  f("artist_id", t.artist_id);
  f("compilation", t.compilation);
  f("track_number", t.track_number);
  f("track_total", t.track_total);
  f("disc_number", t.disc_number);
  f("disc_total", t.disc_total);
  f("year", t.year);
  f("genre", t.genre);
  f("duration_ms", t.duration_ms);
  f("bitrate_kbps", t.bitrate_kbps);
  f("sample_rate", t.sample_rate);
  f("channels", t.channels);
  f("codec", t.codec);
  f("content_type", t.content_type);
  f("size_bytes", t.size_bytes);
  f("content_hash", t.content_hash);
  f("cover_hash", t.cover_hash);
  f("replaygain_track_gain_db", t.replaygain_track_gain_db);
  f("replaygain_track_peak", t.replaygain_track_peak);
  f("replaygain_album_gain_db", t.replaygain_album_gain_db);
  f("replaygain_album_peak", t.replaygain_album_peak);
  f("lyrics", t.lyrics);
  f("musicbrainz_track_id", t.musicbrainz_track_id);
  f("musicbrainz_album_id", t.musicbrainz_album_id);
  f("musicbrainz_artist_id", t.musicbrainz_artist_id);
  f("filename", t.filename);
  f("uploaded_by", t.uploaded_by);
  f("created_at_ms", t.created_at_ms);
}

template <class T, class F>
requires std::is_same_v<std::remove_const_t<T>, Member>
void visit_fields(T& m, F&& f) {
  f("node_id", m.node_id);
  f("peer_address", m.peer_address);
  f("api_address", m.api_address);
  f("joined_at_ms", m.joined_at_ms);
  f("certificate_serial", m.certificate_serial, Presence::optional);            // since schema v9
  f("next_certificate_serial", m.next_certificate_serial, Presence::optional);  // since schema v11
}

template <class T, class F>
requires std::is_same_v<std::remove_const_t<T>, ClusterInfo>
void visit_fields(T& i, F&& f) {
  f("cluster_id", i.cluster_id);
  f("join_token_hash", i.join_token_hash);
  f("created_at_ms", i.created_at_ms);
  f("replication_factor", i.replication_factor, Presence::optional);  // since schema v5
  f("write_quorum", i.write_quorum, Presence::optional);              // since schema v5
}

template <class T, class F>
requires std::is_same_v<std::remove_const_t<T>, RepairTask>
void visit_fields(T& t, F&& f) {
  f("task_id", t.task_id);
  f("hash", t.hash);
  f("target_node", t.target_node);
  f("assigned_at_ms", t.assigned_at_ms);
  f("lease_expires_ms", t.lease_expires_ms);
}

template <class T, class F>
requires std::is_same_v<std::remove_const_t<T>, BlobCopies>
void visit_fields(T& b, F&& f) {
  f("hash", b.hash);
  f("size_bytes", b.size_bytes);
  f("placement_key", b.placement_key);
  f("node_ids", b.node_ids);
}

template <class T, class F>
requires std::is_same_v<std::remove_const_t<T>, Origin>
void visit_fields(T& o, F&& f) {
  f("actor_id", o.actor_id);
  f("at_ms", o.at_ms);
  f("address", o.address);
  f("user_agent", o.user_agent);
}

// Every command's origin is optional: added in schema v10.
template <class T, class F>
void visit_command_fields(T& c, F&& f) {
  using C = std::remove_const_t<T>;
  if constexpr (std::is_same_v<C, CreateUser>) {
    f("user", c.user);
    f("origin", c.origin, Presence::optional);
  } else if constexpr (std::is_same_v<C, SetUserPassword>) {
    f("user_id", c.user_id);
    f("password_hash", c.password_hash);
    f("origin", c.origin, Presence::optional);
  } else if constexpr (std::is_same_v<C, SetUserRole>) {
    f("user_id", c.user_id);
    f("role", c.role);
    f("origin", c.origin, Presence::optional);
  } else if constexpr (std::is_same_v<C, DeleteUser>) {
    f("user_id", c.user_id);
    f("origin", c.origin, Presence::optional);
  } else if constexpr (std::is_same_v<C, CreateToken>) {
    f("token", c.token);
    f("origin", c.origin, Presence::optional);
  } else if constexpr (std::is_same_v<C, RevokeToken>) {
    f("token_id", c.token_id);
  } else if constexpr (std::is_same_v<C, AddTrack>) {
    f("track", c.track);
    f("blobs", c.blobs, Presence::optional);  // since schema v5
    f("origin", c.origin, Presence::optional);
  } else if constexpr (std::is_same_v<C, DeleteTrack>) {
    f("track_id", c.track_id);
    f("origin", c.origin, Presence::optional);
  } else if constexpr (std::is_same_v<C, CreatePlaylist>) {
    f("playlist", c.playlist);
  } else if constexpr (std::is_same_v<C, RenamePlaylist>) {
    f("playlist_id", c.playlist_id);
    f("actor_id", c.actor_id);
    f("name", c.name);
    f("at_ms", c.at_ms);
  } else if constexpr (std::is_same_v<C, DeletePlaylist>) {
    f("playlist_id", c.playlist_id);
    f("actor_id", c.actor_id);
    f("origin", c.origin, Presence::optional);
  } else if constexpr (std::is_same_v<C, AddPlaylistTracks>) {
    f("playlist_id", c.playlist_id);
    f("actor_id", c.actor_id);
    f("track_ids", c.track_ids);
    f("position", c.position);
    f("at_ms", c.at_ms);
  } else if constexpr (std::is_same_v<C, RemovePlaylistTracks>) {
    f("playlist_id", c.playlist_id);
    f("actor_id", c.actor_id);
    f("positions", c.positions);
    f("at_ms", c.at_ms);
  } else if constexpr (std::is_same_v<C, MovePlaylistTrack>) {
    f("playlist_id", c.playlist_id);
    f("actor_id", c.actor_id);
    f("from", c.from);
    f("to", c.to);
    f("at_ms", c.at_ms);
  } else if constexpr (std::is_same_v<C, Noop>) {
    // no fields
  } else if constexpr (std::is_same_v<C, InitCluster>) {
    f("info", c.info);
  } else if constexpr (std::is_same_v<C, SetMember>) {
    f("member", c.member);
  } else if constexpr (std::is_same_v<C, RemoveMember>) {
    f("node_id", c.node_id);
    f("origin", c.origin, Presence::optional);
  } else if constexpr (std::is_same_v<C, AssignRepairs>) {
    f("cancelled_task_ids", c.cancelled_task_ids);
    f("tasks", c.tasks);
  } else if constexpr (std::is_same_v<C, CompleteRepair>) {
    f("task_id", c.task_id);
    f("node_id", c.node_id);
    f("hash", c.hash);
  } else if constexpr (std::is_same_v<C, DropReplicas>) {
    f("node_id", c.node_id);
    f("hashes", c.hashes);
  } else if constexpr (std::is_same_v<C, SetSubsonicPassword>) {
    f("user_id", c.user_id);
    f("password", c.legacy_password);
    f("at_ms", c.at_ms);
    f("sealed_hex", c.sealed_hex, Presence::optional);  // since schema v10
  } else if constexpr (std::is_same_v<C, SetStarred>) {
    f("user_id", c.user_id);
    f("track_ids", c.track_ids);
    f("album_ids", c.album_ids);
    f("artist_ids", c.artist_ids);
    f("starred", c.starred);
    f("at_ms", c.at_ms);
  } else if constexpr (std::is_same_v<C, SetRating>) {
    f("user_id", c.user_id);
    f("kind", c.kind);
    f("item_id", c.item_id);
    f("rating", c.rating);
    f("at_ms", c.at_ms);
  } else if constexpr (std::is_same_v<C, RecordPlays>) {
    f("user_id", c.user_id);
    f("track_ids", c.track_ids);
    f("played_at_ms", c.played_at_ms);
  } else if constexpr (std::is_same_v<C, SavePlayQueue>) {
    f("user_id", c.user_id);
    f("track_ids", c.track_ids);
    f("current_id", c.current_id);
    f("position_ms", c.position_ms);
    f("changed_by", c.changed_by);
    f("at_ms", c.at_ms);
  } else if constexpr (std::is_same_v<C, SetStorageFull>) {
    f("node_id", c.node_id);
    f("full", c.full);
  } else if constexpr (std::is_same_v<C, RecordLoginFailure>) {
    f("username", c.username);
    f("origin", c.origin);
  } else if constexpr (std::is_same_v<C, SetJoinToken>) {
    f("join_token_hash", c.join_token_hash);
    f("sealed_hex", c.sealed_hex);
    f("origin", c.origin);
  } else if constexpr (std::is_same_v<C, RenameUser>) {
    f("user_id", c.user_id);
    f("username", c.username);
    f("origin", c.origin);
  } else if constexpr (std::is_same_v<C, SetClusterLevel>) {
    f("level", c.level);
    f("at_ms", c.at_ms);
  } else {
    static_assert(std::is_same_v<C, RecordMemberPromoted>, "every command needs its fields listed");
    f("node_id", c.node_id);
    f("at_ms", c.at_ms);
  }
}

}  // namespace dispotify::catalog
