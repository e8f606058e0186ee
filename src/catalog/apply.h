// Deterministic application of one command to the writer connection.
//
// Contract: called inside a write transaction that the caller commits or
// rolls back. Reads only the command and the database. Returns a
// deterministic Error (invalid_argument, not_found, conflict,
// permission_denied) when the command does not fit the current state, and
// io_error when SQLite itself fails; in both cases the caller rolls back.
#pragma once

#include "base/result.h"
#include "catalog/command.h"
#include "catalog/sqlite_db.h"

namespace dispotify::catalog {

[[nodiscard]] Status apply_command(Db& db, const Command& command);

[[nodiscard]] Status apply_create_user(Db& db, const CreateUser& c);
[[nodiscard]] Status apply_set_user_password(Db& db, const SetUserPassword& c);
[[nodiscard]] Status apply_set_user_role(Db& db, const SetUserRole& c);
[[nodiscard]] Status apply_delete_user(Db& db, const DeleteUser& c);
[[nodiscard]] Status apply_create_token(Db& db, const CreateToken& c);
[[nodiscard]] Status apply_revoke_token(Db& db, const RevokeToken& c);
[[nodiscard]] Status apply_add_track(Db& db, const AddTrack& c);
[[nodiscard]] Status apply_delete_track(Db& db, const DeleteTrack& c);
[[nodiscard]] Status apply_create_playlist(Db& db, const CreatePlaylist& c);
[[nodiscard]] Status apply_rename_playlist(Db& db, const RenamePlaylist& c);
[[nodiscard]] Status apply_delete_playlist(Db& db, const DeletePlaylist& c);
[[nodiscard]] Status apply_add_playlist_tracks(Db& db, const AddPlaylistTracks& c);
[[nodiscard]] Status apply_remove_playlist_tracks(Db& db, const RemovePlaylistTracks& c);
[[nodiscard]] Status apply_move_playlist_track(Db& db, const MovePlaylistTrack& c);
[[nodiscard]] Status apply_init_cluster(Db& db, const InitCluster& c);
[[nodiscard]] Status apply_set_member(Db& db, const SetMember& c);
[[nodiscard]] Status apply_remove_member(Db& db, const RemoveMember& c);
[[nodiscard]] Status apply_set_storage_full(Db& db, const SetStorageFull& c);
[[nodiscard]] Status apply_set_join_token(Db& db, const SetJoinToken& c);
[[nodiscard]] Status apply_set_cluster_level(Db& db, const SetClusterLevel& c);
[[nodiscard]] Status apply_rename_user(Db& db, const RenameUser& c);
[[nodiscard]] Status apply_record_member_promoted(Db& db, const RecordMemberPromoted& c);
[[nodiscard]] Status apply_assign_repairs(Db& db, const AssignRepairs& c);
[[nodiscard]] Status apply_complete_repair(Db& db, const CompleteRepair& c);
[[nodiscard]] Status apply_drop_replicas(Db& db, const DropReplicas& c);
// apply_user_data.cpp
[[nodiscard]] Status apply_set_subsonic_password(Db& db, const SetSubsonicPassword& c);
[[nodiscard]] Status apply_set_starred(Db& db, const SetStarred& c);
[[nodiscard]] Status apply_set_rating(Db& db, const SetRating& c);
[[nodiscard]] Status apply_record_plays(Db& db, const RecordPlays& c);
[[nodiscard]] Status apply_save_play_queue(Db& db, const SavePlayQueue& c);
// audit.cpp
[[nodiscard]] Status apply_record_login_failure(Db& db, const RecordLoginFailure& c);

// Shared by the apply_* files.
[[nodiscard]] Result<bool> row_exists(Db& db, const char* sql, std::string_view key);
Error invalid(std::string message);

}  // namespace dispotify::catalog
