#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "catalog/command.h"

namespace dispotify::catalog {
namespace {

Track full_track() {
  Track t;
  t.id = "t1";
  t.title = "Canción \"quoted\" \\ back";
  t.artists = {"Beyoncé", "Jay-Z"};
  t.artist = "Beyoncé, Jay-Z";
  t.album = "Album";
  t.album_artist = "Beyoncé";
  t.album_id = "aid";
  t.artist_id = "rid";
  t.compilation = true;
  t.track_number = 3;
  t.track_total = 12;
  t.disc_number = 2;
  t.disc_total = 2;
  t.year = 2003;
  t.genre = "R&B";
  t.duration_ms = 234567;
  t.bitrate_kbps = 320;
  t.sample_rate = 44100;
  t.channels = 2;
  t.codec = "flac";
  t.content_type = "audio/flac";
  t.size_bytes = 9'000'000'000ULL;
  t.content_hash = std::string(64, 'a');
  t.cover_hash = std::string(64, 'b');
  t.replaygain_track_gain_db = -6.25;
  t.replaygain_track_peak = 0.987654321;
  t.replaygain_album_gain_db = std::nullopt;
  t.replaygain_album_peak = 1.0;
  t.lyrics = "line 1\nline 2\u00e9";
  t.musicbrainz_track_id = "mb-t";
  t.musicbrainz_album_id = "mb-a";
  t.musicbrainz_artist_id = "mb-r";
  t.filename = "01 canción.flac";
  t.uploaded_by = "u1";
  t.created_at_ms = 1700000000123;
  return t;
}

std::vector<Command> one_of_each() {
  return {
      CreateUser{User{"u1", "Ana", "$argon2id$x", "admin", 17}},
      SetUserPassword{"u1", "$argon2id$y", Origin{"a1", 20, "10.0.0.1", ""}},
      SetUserRole{"u1", "uploader"},
      DeleteUser{"u1"},
      CreateToken{Token{"k1", "u1", std::string(64, 'c'), "phone", "api", 5, 99}},
      RevokeToken{"k1"},
      AddTrack{full_track(), {BlobCopies{std::string(64, 'a'), 99, "key", {"00000000000000a1"}}}},
      DeleteTrack{"t1"},
      CreatePlaylist{Playlist{"p1", "u1", "Road trip", 4, 500, 6, 7}},
      RenamePlaylist{"p1", "u1", "Renamed", 8},
      DeletePlaylist{"p1", "u1"},
      AddPlaylistTracks{"p1", "u1", {"t1", "t2"}, 3, 9},
      RemovePlaylistTracks{"p1", "u1", {0, 4}, 10},
      MovePlaylistTrack{"p1", "u1", 1, 0, 11},
      Noop{},
      InitCluster{ClusterInfo{"c1", std::string(64, 'd'), 12}},
      SetMember{Member{"00000000000000a1", "node1:4534", "node1:4533", 13}},
      RemoveMember{"00000000000000a1"},
      AssignRepairs{{"old-task"}, {RepairTask{"t-1", std::string(64, 'b'), "00000000000000a1", 10, 20}}},
      CompleteRepair{"t-1", "00000000000000a1", std::string(64, 'b')},
      DropReplicas{"00000000000000a1", {std::string(64, 'c'), std::string(64, 'd')}},
      SetSubsonicPassword{"u1", "", 14, "a1b2c3"},
      SetStarred{"u1", {"t1"}, {"al1"}, {"ar1", "ar2"}, true, 15},
      SetRating{"u1", "album", "al1", 4, 16},
      RecordPlays{"u1", {"t1", "t2"}, {17, 18}},
      SavePlayQueue{"u1", {"t1", "t2"}, "t2", 61'000, "DSub", 19},
      SetStorageFull{"00000000000000a1", true},
      RecordLoginFailure{"ana", Origin{"", 21, "::1", "curl/8"}},
      SetJoinToken{std::string(64, 'c'), "00ff", Origin{"u1", 22, "::1", "dispotify"}},
      RecordMemberPromoted{"00000000000000a1", 23},
      SetClusterLevel{2, 24},
      RenameUser{"u1", "Ana B", Origin{"u1", 25, "::1", ""}},
  };
}

TEST(CommandCodec, EveryTypeRoundTrips) {
  std::vector<Command> commands = one_of_each();
  ASSERT_EQ(commands.size(), std::variant_size_v<Command>);
  for (const Command& command : commands) {
    std::string json = encode_command(command);
    Result<Command> decoded = decode_command(json);
    ASSERT_TRUE(decoded.ok()) << json << ": " << decoded.error().message;
    EXPECT_TRUE(*decoded == command) << json;
    EXPECT_EQ(encode_command(*decoded), json);
  }
}

TEST(CommandCodec, JsonFormIsVersionedAndTyped) {
  boost::json::object object = boost::json::parse(encode_command(DeleteTrack{"t9"})).as_object();
  EXPECT_EQ(object.at("v").as_int64(), 1);
  EXPECT_EQ(object.at("type").as_string(), "delete_track");
  EXPECT_EQ(object.at("track_id").as_string(), "t9");
  EXPECT_EQ(object.size(), 4u);  // v, type, track_id, origin
  EXPECT_EQ(command_type(AddPlaylistTracks{}), "add_playlist_tracks");
}

TEST(CommandCodec, NullReplayGainRoundTrips) {
  Track t = full_track();
  t.replaygain_track_gain_db.reset();
  std::string json = encode_command(AddTrack{t});
  EXPECT_NE(json.find("\"replaygain_track_gain_db\":null"), std::string::npos) << json;
  Result<Command> decoded = decode_command(json);
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(std::get<AddTrack>(*decoded).track.replaygain_track_gain_db.has_value());
}

void expect_rejected(const std::string& json, const std::string& message_part,
                     Errc code = Errc::invalid_argument) {
  Result<Command> decoded = decode_command(json);
  ASSERT_FALSE(decoded.ok()) << json;
  EXPECT_EQ(decoded.error().code, code) << decoded.error().message;
  EXPECT_NE(decoded.error().message.find(message_part), std::string::npos)
      << "message '" << decoded.error().message << "' lacks '" << message_part << "'";
}

TEST(CommandCodec, RejectsNonJsonAndNonObjects) {
  expect_rejected("", "not JSON");
  expect_rejected("{\"v\":1,", "not JSON");
  expect_rejected("[1,2]", "not a JSON object");
  expect_rejected("\"delete_track\"", "not a JSON object");
  expect_rejected(std::string(64, '[') + std::string(64, ']'), "not JSON");
}

TEST(CommandCodec, RejectsUnknownVersionAndType) {
  expect_rejected(R"({"type":"delete_track","track_id":"t"})", "'v'");
  // A newer writer's version or type is a conflict (the node stops on it),
  // not garbage (which every node applies as a no-op).
  expect_rejected(R"({"v":2,"type":"delete_track","track_id":"t"})", "newer than this binary",
                  Errc::conflict);
  expect_rejected(R"({"v":0,"type":"delete_track","track_id":"t"})", "version");
  expect_rejected(R"({"v":"1","type":"delete_track","track_id":"t"})", "version");
  expect_rejected(R"({"v":1,"type":"drop_table","track_id":"t"})", "unknown command type 'drop_table'",
                  Errc::conflict);
  expect_rejected(R"({"v":1,"type":7})", "'type'");
  expect_rejected(R"({"v":1})", "'type'");
}

TEST(CommandCodec, RejectsMissingFieldsNamingThem) {
  expect_rejected(R"({"v":1,"type":"delete_track"})", "'track_id' is missing");
  expect_rejected(R"({"v":1,"type":"rename_playlist","playlist_id":"p","actor_id":"u","name":"n"})",
                  "'at_ms' is missing");
  boost::json::object object = boost::json::parse(encode_command(AddTrack{full_track()})).as_object();
  object["track"].as_object().erase("title");
  expect_rejected(boost::json::serialize(object), "'track.title' is missing");
}

TEST(CommandCodec, RejectsWrongTypesNamingTheField) {
  expect_rejected(R"({"v":1,"type":"delete_track","track_id":5})", "'track_id' must be a string");
  expect_rejected(
      R"({"v":1,"type":"move_playlist_track","playlist_id":"p","actor_id":"u","from":1.5,"to":0,"at_ms":0})",
      "'from' must be an integer");
  expect_rejected(
      R"({"v":1,"type":"add_playlist_tracks","playlist_id":"p","actor_id":"u","track_ids":["a",1],)"
      R"("position":-1,"at_ms":0})",
      "'track_ids' must be an array of strings");
  expect_rejected(
      R"({"v":1,"type":"remove_playlist_tracks","playlist_id":"p","actor_id":"u","positions":"0","at_ms":0})",
      "'positions' must be an array of integers");
  expect_rejected(R"({"v":1,"type":"create_user","user":"ana"})", "'user' must be an object");

  auto track_with = [](const char* key, boost::json::value value) {
    boost::json::object object = boost::json::parse(encode_command(AddTrack{full_track()})).as_object();
    object["track"].as_object()[key] = std::move(value);
    return boost::json::serialize(object);
  };
  expect_rejected(track_with("compilation", 1), "'track.compilation' must be a boolean");
  expect_rejected(track_with("year", "2003"), "'track.year' must be an integer");
  expect_rejected(track_with("year", 1e10), "'track.year' must be an integer");
  expect_rejected(track_with("track_number", int64_t{1} << 40), "'track.track_number' is out of range");
  expect_rejected(track_with("size_bytes", -1), "'track.size_bytes' must not be negative");
  expect_rejected(track_with("size_bytes", uint64_t{1} << 63), "'track.size_bytes' must be an integer");
  expect_rejected(track_with("replaygain_track_peak", "loud"),
                  "'track.replaygain_track_peak' must be a number");
  expect_rejected(track_with("artists", "Ana"), "'track.artists' must be an array of strings");
}

TEST(CommandCodec, RejectsInfiniteNumbers) {
  std::string json = encode_command(AddTrack{full_track()});
  size_t at = json.find("-6.25E0");
  ASSERT_NE(at, std::string::npos) << json;
  json.replace(at, 7, "1e999");
  expect_rejected(json, "'track.replaygain_track_gain_db' must be finite");
}

TEST(CommandCodec, RejectsUnknownFields) {
  expect_rejected(R"({"v":1,"type":"delete_track","track_id":"t","force":true})", "unknown field 'force'");
  boost::json::object object =
      boost::json::parse(encode_command(CreateUser{User{"u", "n", "h", "user", 1}})).as_object();
  object["user"].as_object()["is_admin"] = true;
  expect_rejected(boost::json::serialize(object), "unknown field 'user.is_admin'");
}

TEST(CommandCodec, RejectsOversizedCommands) {
  std::string huge = R"({"v":1,"type":"delete_track","track_id":")" + std::string(5 << 20, 'x') + "\"}";
  expect_rejected(huge, "too large");
}

}  // namespace
}  // namespace dispotify::catalog
