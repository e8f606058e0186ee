#include "catalog/apply.h"

namespace dispotify::catalog {

Status apply_command(Db& db, const Command& command) {
  struct Dispatch {
    Db& db;
    Status operator()(const CreateUser& c) { return apply_create_user(db, c); }
    Status operator()(const SetUserPassword& c) { return apply_set_user_password(db, c); }
    Status operator()(const SetUserRole& c) { return apply_set_user_role(db, c); }
    Status operator()(const DeleteUser& c) { return apply_delete_user(db, c); }
    Status operator()(const CreateToken& c) { return apply_create_token(db, c); }
    Status operator()(const RevokeToken& c) { return apply_revoke_token(db, c); }
    Status operator()(const AddTrack& c) { return apply_add_track(db, c); }
    Status operator()(const DeleteTrack& c) { return apply_delete_track(db, c); }
    Status operator()(const CreatePlaylist& c) { return apply_create_playlist(db, c); }
    Status operator()(const RenamePlaylist& c) { return apply_rename_playlist(db, c); }
    Status operator()(const DeletePlaylist& c) { return apply_delete_playlist(db, c); }
    Status operator()(const AddPlaylistTracks& c) { return apply_add_playlist_tracks(db, c); }
    Status operator()(const RemovePlaylistTracks& c) { return apply_remove_playlist_tracks(db, c); }
    Status operator()(const MovePlaylistTrack& c) { return apply_move_playlist_track(db, c); }
    Status operator()(const Noop&) { return ok_status(); }
    Status operator()(const InitCluster& c) { return apply_init_cluster(db, c); }
    Status operator()(const SetMember& c) { return apply_set_member(db, c); }
    Status operator()(const RemoveMember& c) { return apply_remove_member(db, c); }
    Status operator()(const AssignRepairs& c) { return apply_assign_repairs(db, c); }
    Status operator()(const CompleteRepair& c) { return apply_complete_repair(db, c); }
    Status operator()(const DropReplicas& c) { return apply_drop_replicas(db, c); }
    Status operator()(const SetSubsonicPassword& c) { return apply_set_subsonic_password(db, c); }
    Status operator()(const SetStarred& c) { return apply_set_starred(db, c); }
    Status operator()(const SetRating& c) { return apply_set_rating(db, c); }
    Status operator()(const RecordPlays& c) { return apply_record_plays(db, c); }
    Status operator()(const SavePlayQueue& c) { return apply_save_play_queue(db, c); }
    Status operator()(const SetStorageFull& c) { return apply_set_storage_full(db, c); }
    Status operator()(const SetJoinToken& c) { return apply_set_join_token(db, c); }
    Status operator()(const RecordMemberPromoted& c) { return apply_record_member_promoted(db, c); }
    Status operator()(const RecordLoginFailure& c) { return apply_record_login_failure(db, c); }
    Status operator()(const SetClusterLevel& c) { return apply_set_cluster_level(db, c); }
    Status operator()(const RenameUser& c) { return apply_rename_user(db, c); }
  };
  return std::visit(Dispatch{db}, command);
}

Result<bool> row_exists(Db& db, const char* sql, std::string_view key) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt, db.prepare_cached(sql));
  stmt.bind(1, key);
  return stmt.step();
}

Error invalid(std::string message) { return make_error(Errc::invalid_argument, std::move(message)); }

}  // namespace dispotify::catalog
