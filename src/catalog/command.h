// Catalog commands: the only way the catalog changes.
//
// The node that receives a request builds a command with every id and
// timestamp filled in, proposes it, and every node applies it once committed
// (locally now, through Raft later). Commands travel and persist as
// versioned JSON (docs/formats/catalog_commands.md): decode(encode(c)) == c,
// and an unknown version or type is an error, never a guess.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "base/result.h"
#include "catalog/types.h"

namespace dispotify::catalog {

inline constexpr int kCommandVersion = 1;

// Who asked for a change, when and from where (schema v10): the apply of a
// command that carries one writes its audit event from it, never from a
// clock or the node, so every node records the same event. Optional on the
// wire: entries written before v10 have none (their events say time 0).
struct Origin {
  std::string actor_id;    // the user who asked; "" for the node itself
  int64_t at_ms = 0;       // when the receiving node built the command
  std::string address;     // the client's address, without port ("" unknown)
  std::string user_agent;  // logins only, at most kUserAgentBytesMax

  static constexpr size_t kUserAgentBytesMax = 200;
  bool operator==(const Origin&) const = default;
};

struct CreateUser {
  User user;
  Origin origin;

  bool operator==(const CreateUser&) const = default;
};
struct SetUserPassword {
  std::string user_id;
  std::string password_hash;
  Origin origin;

  bool operator==(const SetUserPassword&) const = default;
};
struct SetUserRole {
  std::string user_id;
  std::string role;
  Origin origin;

  bool operator==(const SetUserRole&) const = default;
};
struct DeleteUser {  // also deletes the user's tokens and playlists
  std::string user_id;
  Origin origin;

  bool operator==(const DeleteUser&) const = default;
};
struct CreateToken {  // a session token is a good login (audit "login")
  Token token;
  Origin origin;

  bool operator==(const CreateToken&) const = default;
};
struct RevokeToken {
  std::string token_id;

  bool operator==(const RevokeToken&) const = default;
};
struct AddTrack {  // conflict if track.id or track.content_hash exists
  Track track;     // album_id, artist_id, album_artist and artist are derived at apply
  // Where its audio and cover blobs were written (may be omitted: entries
  // written before schema v5 have none; the replica reconciler fills in).
  std::vector<BlobCopies> blobs;
  Origin origin;

  bool operator==(const AddTrack&) const = default;
};
struct DeleteTrack {  // also removes it from playlists
  std::string track_id;
  Origin origin;

  bool operator==(const DeleteTrack&) const = default;
};
struct CreatePlaylist {
  Playlist playlist;  // track_count and duration_ms are ignored

  bool operator==(const CreatePlaylist&) const = default;
};
struct RenamePlaylist {
  std::string playlist_id;
  std::string actor_id;  // must own it
  std::string name;
  int64_t at_ms = 0;

  bool operator==(const RenamePlaylist&) const = default;
};
struct DeletePlaylist {
  std::string playlist_id;
  std::string actor_id;
  Origin origin;

  bool operator==(const DeletePlaylist&) const = default;
};
struct AddPlaylistTracks {  // appends at the end, or inserts before `position`
  std::string playlist_id;
  std::string actor_id;
  std::vector<std::string> track_ids;  // all must exist
  int64_t position = -1;               // -1 = append
  int64_t at_ms = 0;

  bool operator==(const AddPlaylistTracks&) const = default;
};
struct RemovePlaylistTracks {
  std::string playlist_id;
  std::string actor_id;
  std::vector<int64_t> positions;  // 0-based, each must be in range
  int64_t at_ms = 0;

  bool operator==(const RemovePlaylistTracks&) const = default;
};
struct MovePlaylistTrack {
  std::string playlist_id;
  std::string actor_id;
  int64_t from = 0;
  int64_t to = 0;
  int64_t at_ms = 0;

  bool operator==(const MovePlaylistTrack&) const = default;
};

// Changes nothing but the applied index: Raft's own entries (a new
// leader's no-op, membership changes) occupy log indexes too, and the
// catalog's applied index stays equal to the Raft index.
struct Noop {
  bool operator==(const Noop&) const = default;
};
struct InitCluster {  // conflict if the cluster is already initialized
  ClusterInfo info;

  bool operator==(const InitCluster&) const = default;
};
struct SetMember {  // adds the member or updates its addresses
  Member member;

  bool operator==(const SetMember&) const = default;
};
struct RemoveMember {
  std::string node_id;
  Origin origin;

  bool operator==(const RemoveMember&) const = default;
};

// Repair (schema v5). The leader's plan: cancel expired tasks, assign new
// ones (a task for a blob the target already holds, or that no track uses,
// is skipped at apply).
struct AssignRepairs {
  std::vector<std::string> cancelled_task_ids;
  std::vector<RepairTask> tasks;

  bool operator==(const AssignRepairs&) const = default;
};
// The target of a task holds the blob durably (hash checked): its replica
// row is recorded and the task is done. Recorded even if the task was
// cancelled meanwhile, since the copy exists.
struct CompleteRepair {
  std::string task_id;
  std::string node_id;
  std::string hash;

  bool operator==(const CompleteRepair&) const = default;
};
// `node_id` no longer holds these blobs (found corrupt or missing, or
// deleted as garbage). A blob no track uses and no node holds is forgotten.
struct DropReplicas {
  std::string node_id;
  std::vector<std::string> hashes;

  bool operator==(const DropReplicas&) const = default;
};
// A member whose disk is below --min-free-disk says so (schema v7), and
// clears it once it has room again: uploads and repairs then place new
// copies on the next members of the preference list (storage_view.h).
// Proposed by the member itself, so every node places alike.
struct SetStorageFull {
  std::string node_id;
  bool full = false;

  bool operator==(const SetStorageFull&) const = default;
};

// Per-user listening data, written by the Subsonic API (docs/SUBSONIC.md).
// The node that receives the request resolves each id to its kind and
// stamps the times; apply only checks and stores.
// The password Subsonic token auth needs, sealed with the cluster key by
// the node that received it (api/subsonic_secret.h): the log and the
// catalog never hold it in clear. Both empty removes it.
struct SetSubsonicPassword {
  std::string user_id;
  // Before schema v10 the password itself; still decoded from old entries,
  // whose apply drops it (those users set it again). Always "" now.
  std::string legacy_password;
  int64_t at_ms = 0;
  std::string sealed_hex;  // hex of nonce + ciphertext (since schema v10)

  bool operator==(const SetSubsonicPassword&) const = default;
};
struct SetStarred {  // stars (starred) or unstars each listed item
  std::string user_id;
  std::vector<std::string> track_ids;
  std::vector<std::string> album_ids;
  std::vector<std::string> artist_ids;
  bool starred = true;
  int64_t at_ms = 0;

  bool operator==(const SetStarred&) const = default;
};
struct SetRating {
  std::string user_id;
  std::string kind;  // "track", "album" or "artist"
  std::string item_id;
  int rating = 0;  // 0 (none) .. 5
  int64_t at_ms = 0;

  bool operator==(const SetRating&) const = default;
};
struct RecordPlays {  // one play per entry: track_ids[i] played at played_at_ms[i]
  std::string user_id;
  std::vector<std::string> track_ids;
  std::vector<int64_t> played_at_ms;

  bool operator==(const RecordPlays&) const = default;
};
struct SavePlayQueue {  // an empty track list removes the queue
  std::string user_id;
  std::vector<std::string> track_ids;
  std::string current_id;  // "" or one of track_ids
  int64_t position_ms = 0;
  std::string changed_by;  // the client's name
  int64_t at_ms = 0;

  bool operator==(const SavePlayQueue&) const = default;
};

// A wrong password at a login (schema v10), proposed after the check failed
// (the login limiter bounds how often): only an audit event.
struct RecordLoginFailure {
  std::string username;  // as typed, at most 64 bytes kept
  Origin origin;

  bool operator==(const RecordLoginFailure&) const = default;
};

// A new join token (schema v11): its hash, and the token sealed with the
// cluster key by the node that made it, so that whichever member answers a
// join can check the joiner's proof (cluster/join_proof.h). The previous
// token lets nobody in from then on.
struct SetJoinToken {
  std::string join_token_hash;  // sha256 hex
  std::string sealed_hex;
  Origin origin;

  bool operator==(const SetJoinToken&) const = default;
};

// A learner became a voter: never proposed, but what the Raft runner
// applies for a committed promotion (a config entry, cluster/raft_runner.h),
// with the time its proposer put in it; only an audit event.
struct RecordMemberPromoted {
  std::string node_id;
  int64_t at_ms = 0;

  bool operator==(const RecordMemberPromoted&) const = default;
};

// A new username for a user (feature level 2: a binary before levels
// cannot decode it, so it is proposed only once the cluster is at 2).
struct RenameUser {
  std::string user_id;
  std::string username;
  Origin origin;

  bool operator==(const RenameUser&) const = default;
};

// The cluster's feature level (feature_level.h), committed by the leader
// once every member advertises it; never lowered.
struct SetClusterLevel {
  int64_t level = 0;
  int64_t at_ms = 0;  // the leader's clock when it proposed: the audit event's time

  bool operator==(const SetClusterLevel&) const = default;
};

using Command =
    std::variant<CreateUser, SetUserPassword, SetUserRole, DeleteUser, CreateToken, RevokeToken, AddTrack,
                 DeleteTrack, CreatePlaylist, RenamePlaylist, DeletePlaylist, AddPlaylistTracks,
                 RemovePlaylistTracks, MovePlaylistTrack, Noop, InitCluster, SetMember, RemoveMember,
                 AssignRepairs, CompleteRepair, DropReplicas, SetSubsonicPassword, SetStarred, SetRating,
                 RecordPlays, SavePlayQueue, SetStorageFull, RecordLoginFailure, SetJoinToken,
                 RecordMemberPromoted, SetClusterLevel, RenameUser>;

// "create_user", "add_track", ...: the "type" field of the JSON form.
std::string command_type(const Command& command);

std::string encode_command(const Command& command);
[[nodiscard]] Result<Command> decode_command(std::string_view json);

}  // namespace dispotify::catalog
