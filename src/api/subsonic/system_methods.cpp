// ping, getLicense, getOpenSubsonicExtensions, getMusicFolders, getUser,
// getUsers, getScanStatus, and the empty answers of features we do not
// have (podcasts, radio, shares, bookmarks, now playing), so that clients
// which ask for them at start-up carry on.
#include "api/subsonic/service.h"

namespace dispotify::api::subsonic {
namespace {

// The one music folder: every track of the catalog.
constexpr int kMusicFolderId = 1;

Result<Answer> ping(Call&) { return Answer(Payload{}); }

Result<Answer> get_license(Call&) { return Answer(payload("license", boost::json::object{{"valid", true}})); }

Result<Answer> get_extensions(Call&) {
  boost::json::array extensions;
  for (const char* name : {"formPost", "transcodeOffset", "apiKeyAuthentication", "songLyrics"}) {
    extensions.push_back(boost::json::object{{"name", name}, {"versions", boost::json::array{1}}});
  }
  return Answer(payload("openSubsonicExtensions", std::move(extensions)));
}

Result<Answer> get_music_folders(Call&) {
  boost::json::array folders{boost::json::object{{"id", kMusicFolderId}, {"name", "Music"}}};
  return Answer(payload("musicFolders", boost::json::object{{"musicFolder", std::move(folders)}}));
}

// The Subsonic roles from ours (api/permissions.h): settingsRole is changing
// one's own password, which every role may.
boost::json::object user_of(const catalog::User& u) {
  const Role role = role_of_record(u.role);
  const bool admin = role_allows(role, Permission::manage_users);
  const bool upload = role_allows(role, Permission::upload);
  return {{"username", u.username},       {"email", ""},
          {"scrobblingEnabled", true},    {"adminRole", admin},
          {"settingsRole", true},         {"downloadRole", true},
          {"uploadRole", upload},         {"playlistRole", true},
          {"coverArtRole", false},        {"commentRole", false},
          {"podcastRole", false},         {"streamRole", true},
          {"jukeboxRole", false},         {"shareRole", false},
          {"videoConversionRole", false}, {"folder", boost::json::array{kMusicFolderId}}};
}

Result<Answer> get_user(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::string username, call.params.required("username"));
  DISPOTIFY_ASSIGN_OR_RETURN(auto user, call.ctx.catalog.user_by_name(username));
  const bool admin = role_allows(role_of_record(call.user.role), Permission::manage_users);
  if (!admin && (!user || user->id != call.user.id)) {
    return make_error(Errc::permission_denied, "only an admin may see other users");
  }
  if (!user) return make_error(Errc::not_found, "no user " + username);
  return Answer(payload("user", user_of(*user)));
}

Result<Answer> get_users(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto users, call.ctx.catalog.users());
  boost::json::array out;
  for (const catalog::User& u : users) out.push_back(user_of(u));
  return Answer(payload("users", boost::json::object{{"user", std::move(out)}}));
}

// Uploads are indexed as they arrive: there is never a scan in progress.
Result<Answer> get_scan_status(Call& call) {
  DISPOTIFY_ASSIGN_OR_RETURN(auto counts, call.ctx.catalog.counts());
  return Answer(payload("scanStatus", boost::json::object{{"scanning", false}, {"count", counts.tracks}}));
}

template <const char* kKey, const char* kList>
Result<Answer> empty_list(Call&) {
  boost::json::object inner;
  if (kList[0] != '\0') inner[kList] = boost::json::array{};
  return Answer(payload(kKey, std::move(inner)));
}

constexpr char kNowPlaying[] = "nowPlaying";
constexpr char kEntry[] = "entry";
constexpr char kPodcasts[] = "podcasts";
constexpr char kChannel[] = "channel";
constexpr char kRadios[] = "internetRadioStations";
constexpr char kRadio[] = "internetRadioStation";
constexpr char kShares[] = "shares";
constexpr char kShare[] = "share";
constexpr char kBookmarks[] = "bookmarks";
constexpr char kBookmark[] = "bookmark";

}  // namespace

void add_system_methods(MethodTable& table) {
  table["ping"] = {ping, false};
  table["getLicense"] = {get_license, false};
  table["getOpenSubsonicExtensions"] = {get_extensions, false};
  table["getMusicFolders"] = {get_music_folders, false};
  table["getUser"] = {get_user};
  table["getUsers"] = {get_users, true, Permission::manage_users};
  table["getScanStatus"] = {get_scan_status};
  table["getNowPlaying"] = {empty_list<kNowPlaying, kEntry>, false};
  table["getPodcasts"] = {empty_list<kPodcasts, kChannel>, false};
  table["getInternetRadioStations"] = {empty_list<kRadios, kRadio>, false};
  table["getShares"] = {empty_list<kShares, kShare>, false};
  table["getBookmarks"] = {empty_list<kBookmarks, kBookmark>, false};
}

}  // namespace dispotify::api::subsonic
