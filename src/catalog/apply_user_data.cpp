// Per-user listening data: stars, ratings, plays, the saved play queue and
// the Subsonic password (schema version 5). Items are checked against the
// catalog when they are starred or rated, never when they are unstarred:
// an item deleted meanwhile can always be let go of.
#include <boost/json.hpp>

#include "catalog/apply.h"

namespace dispotify::catalog {
namespace {

// A 128-byte password sealed (24-byte nonce, 16-byte tag), in hex: 336.
constexpr size_t kSealedHexBytesMax = 1024;
constexpr size_t kItemsPerCommandMax = 1000;
constexpr size_t kPlayQueueTracksMax = 10'000;
constexpr size_t kClientNameBytesMax = 256;
constexpr int kRatingMax = 5;

Status check_user(Db& db, const std::string& user_id) {
  DISPOTIFY_ASSIGN_OR_RETURN(bool exists, row_exists(db, "SELECT 1 FROM users WHERE id = ?1", user_id));
  if (!exists) return make_error(Errc::not_found, "no user with id '" + user_id + "'");
  return ok_status();
}

const char* exists_sql(std::string_view kind) {
  if (kind == "track") return "SELECT 1 FROM tracks WHERE id = ?1";
  if (kind == "album") return "SELECT 1 FROM albums WHERE id = ?1";
  if (kind == "artist") return "SELECT 1 FROM artists WHERE id = ?1";
  return nullptr;
}

Status check_item(Db& db, std::string_view kind, const std::string& id) {
  const char* sql = exists_sql(kind);
  if (sql == nullptr) return invalid("kind must be track, album or artist, not '" + std::string(kind) + "'");
  DISPOTIFY_ASSIGN_OR_RETURN(bool exists, row_exists(db, sql, id));
  if (!exists) return make_error(Errc::not_found, "no " + std::string(kind) + " with id '" + id + "'");
  return ok_status();
}

// Creates the annotation row of (user, kind, item) with nothing set, if absent.
Status ensure_annotation(Db& db, const std::string& user_id, std::string_view kind, const std::string& id) {
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached("INSERT OR IGNORE INTO annotations (user_id, kind, item_id, starred_at_ms, rating, "
                        "play_count, played_at_ms) VALUES (?1, ?2, ?3, 0, 0, 0, 0)"));
  stmt.bind(1, user_id).bind(2, kind).bind(3, id);
  return stmt.run();
}

Status star_items(Db& db, const SetStarred& c, std::string_view kind, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    if (c.starred) {
      DISPOTIFY_TRY(check_item(db, kind, id));
      DISPOTIFY_TRY(ensure_annotation(db, c.user_id, kind, id));
    }
    // Starring again keeps the first time, as clients show "starred since".
    DISPOTIFY_ASSIGN_OR_RETURN(
        Statement stmt, db.prepare_cached("UPDATE annotations SET starred_at_ms = CASE WHEN ?4 = 0 THEN 0 "
                                          "WHEN starred_at_ms > 0 THEN starred_at_ms ELSE ?4 END "
                                          "WHERE user_id = ?1 AND kind = ?2 AND item_id = ?3"));
    stmt.bind(1, c.user_id).bind(2, kind).bind(3, id).bind(4, c.starred ? c.at_ms : int64_t{0});
    DISPOTIFY_TRY(stmt.run());
  }
  return ok_status();
}

Status count_play(Db& db, const std::string& user_id, std::string_view kind, const std::string& id,
                  int64_t at_ms) {
  DISPOTIFY_TRY(ensure_annotation(db, user_id, kind, id));
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached(
          "UPDATE annotations SET play_count = play_count + 1, "
          "played_at_ms = max(played_at_ms, ?4) WHERE user_id = ?1 AND kind = ?2 AND item_id = ?3"));
  stmt.bind(1, user_id).bind(2, kind).bind(3, id).bind(4, at_ms);
  return stmt.run();
}

}  // namespace

Status apply_set_subsonic_password(Db& db, const SetSubsonicPassword& c) {
  if (c.sealed_hex.size() > kSealedHexBytesMax) return invalid("sealed password is longer than 1024 bytes");
  DISPOTIFY_TRY(check_user(db, c.user_id));
  // An entry from before schema v10 carries the password in clear: it is not
  // kept (docs/SUBSONIC.md: such users set it again).
  if (c.sealed_hex.empty() && !c.legacy_password.empty()) return ok_status();
  if (c.sealed_hex.empty()) {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                               db.prepare_cached("DELETE FROM subsonic_passwords WHERE user_id = ?1"));
    stmt.bind(1, c.user_id);
    return stmt.run();
  }
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt, db.prepare_cached("INSERT OR REPLACE INTO subsonic_passwords (user_id, sealed_hex, "
                                        "updated_at_ms) VALUES (?1, ?2, ?3)"));
  stmt.bind(1, c.user_id).bind(2, c.sealed_hex).bind(3, c.at_ms);
  return stmt.run();
}

Status apply_set_starred(Db& db, const SetStarred& c) {
  const size_t items = c.track_ids.size() + c.album_ids.size() + c.artist_ids.size();
  if (items == 0) return invalid("no item to star or unstar");
  if (items > kItemsPerCommandMax) return invalid("at most 1000 items per star or unstar");
  DISPOTIFY_TRY(check_user(db, c.user_id));
  DISPOTIFY_TRY(star_items(db, c, "track", c.track_ids));
  DISPOTIFY_TRY(star_items(db, c, "album", c.album_ids));
  return star_items(db, c, "artist", c.artist_ids);
}

Status apply_set_rating(Db& db, const SetRating& c) {
  if (c.rating < 0 || c.rating > kRatingMax) return invalid("rating must be between 0 and 5");
  DISPOTIFY_TRY(check_user(db, c.user_id));
  DISPOTIFY_TRY(check_item(db, c.kind, c.item_id));
  DISPOTIFY_TRY(ensure_annotation(db, c.user_id, c.kind, c.item_id));
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("UPDATE annotations SET rating = ?4 "
                                               "WHERE user_id = ?1 AND kind = ?2 AND item_id = ?3"));
  stmt.bind(1, c.user_id).bind(2, c.kind).bind(3, c.item_id).bind(4, c.rating);
  return stmt.run();
}

// Each play counts for the track and for its album. A track deleted before
// the play arrived (an offline client submitting late) is skipped, so one
// stale entry does not lose the others.
Status apply_record_plays(Db& db, const RecordPlays& c) {
  if (c.track_ids.empty()) return invalid("no play to record");
  if (c.track_ids.size() != c.played_at_ms.size()) {
    return invalid("track_ids and played_at_ms differ in length");
  }
  if (c.track_ids.size() > kItemsPerCommandMax) return invalid("at most 1000 plays per command");
  DISPOTIFY_TRY(check_user(db, c.user_id));
  for (size_t i = 0; i < c.track_ids.size(); ++i) {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement album,
                               db.prepare_cached("SELECT album_id FROM tracks WHERE id = ?1"));
    album.bind(1, c.track_ids[i]);
    DISPOTIFY_ASSIGN_OR_RETURN(bool row, album.step());
    if (!row) continue;
    const std::string album_id = album.column_string(0);
    DISPOTIFY_TRY(count_play(db, c.user_id, "track", c.track_ids[i], c.played_at_ms[i]));
    DISPOTIFY_TRY(count_play(db, c.user_id, "album", album_id, c.played_at_ms[i]));
  }
  return ok_status();
}

Status apply_save_play_queue(Db& db, const SavePlayQueue& c) {
  if (c.track_ids.size() > kPlayQueueTracksMax) return invalid("a play queue holds at most 10000 tracks");
  if (c.changed_by.size() > kClientNameBytesMax) return invalid("client name is longer than 256 bytes");
  if (c.position_ms < 0) return invalid("position_ms must not be negative");
  DISPOTIFY_TRY(check_user(db, c.user_id));
  if (c.track_ids.empty()) {
    DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                               db.prepare_cached("DELETE FROM play_queues WHERE user_id = ?1"));
    stmt.bind(1, c.user_id);
    return stmt.run();
  }
  bool current_listed = c.current_id.empty();
  for (const std::string& id : c.track_ids) {
    DISPOTIFY_TRY(check_item(db, "track", id));
    current_listed = current_listed || id == c.current_id;
  }
  if (!current_listed) return invalid("current track '" + c.current_id + "' is not in the queue");
  boost::json::array ids;
  for (const std::string& id : c.track_ids) ids.emplace_back(id);
  DISPOTIFY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.prepare_cached(
          "INSERT OR REPLACE INTO play_queues (user_id, track_ids_json, current_id, position_ms, "
          "changed_by, changed_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  stmt.bind(1, c.user_id)
      .bind(2, boost::json::serialize(ids))
      .bind(3, c.current_id)
      .bind(4, c.position_ms)
      .bind(5, c.changed_by)
      .bind(6, c.at_ms);
  return stmt.run();
}

}  // namespace dispotify::catalog
