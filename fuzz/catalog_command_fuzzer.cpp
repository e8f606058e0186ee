// Catalog commands as they come out of the Raft log or a forwarded write
// (catalog/command.h): any bytes decode to a command or an error, and a
// decoded command survives encode and decode unchanged, as every node must
// apply the same command.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "catalog/command.h"
#include "fuzz/seeds.h"

namespace {

using namespace dispotify::catalog;  // NOLINT(google-build-using-namespace)

// A few commands of each family, as the encoder writes them.
void write_seeds(const std::string& dir) {
  Track track;
  track.id = "t1";
  track.title = "Canci\u00f3n \"quoted\"";
  track.artists = {"A", "B"};
  track.album = "Album";
  track.duration_ms = 1234;
  track.codec = "flac";
  track.content_type = "audio/flac";
  track.content_hash = std::string(64, 'a');
  track.replaygain_track_gain_db = -6.25;
  const std::vector<Command> commands = {
      CreateUser{User{"u1", "Ana", "$argon2id$x", "admin", 17}},
      CreateToken{Token{"k1", "u1", std::string(64, 'c'), "phone", "api", 5, 99}},
      AddTrack{track, {BlobCopies{std::string(64, 'a'), 99, "key", {"00000000000000a1"}}}},
      CreatePlaylist{Playlist{"p1", "u1", "Road trip", 4, 500, 6, 7}},
      AddPlaylistTracks{"p1", "u1", {"t1", "t2"}, 3, 9},
      RemovePlaylistTracks{"p1", "u1", {0, 4}, 10},
      Noop{},
      SetMember{Member{"00000000000000a1", "node1:4534", "node1:4533", 13}},
      AssignRepairs{{"old-task"}, {RepairTask{"t-1", std::string(64, 'b'), "00000000000000a1", 10, 20}}},
  };
  for (size_t i = 0; i < commands.size(); ++i) {
    dispotify::fuzz::write_seed(dir, "command-" + std::to_string(i), encode_command(commands[i]));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  dispotify::fuzz::maybe_write_seeds(write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dispotify;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto command = catalog::decode_command(bytes);
  if (!command.ok()) return 0;
  const std::string encoded = catalog::encode_command(*command);
  auto again = catalog::decode_command(encoded);
  DISPOTIFY_CHECK_MSG(again.ok(), again.error().message + " in " + encoded);
  DISPOTIFY_CHECK_MSG(*again == *command, encoded);
  return 0;
}
