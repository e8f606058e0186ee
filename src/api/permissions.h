// Who may do what: the one table from roles to permissions. Every route of
// /api/v1 and every Subsonic method names the permission it needs; the
// router and the Subsonic service check it before any route code runs.
// Checks that depend on the record (a playlist's owner, a track's
// uploader) stay in the routes, on top of the permission.
//
// Pure: no I/O, no catalog; unit tested in permissions_test.cpp.
#pragma once

#include <string_view>

#include "base/result.h"

namespace dispotify::api {

enum class Role { listener, uploader, admin };

enum class Permission {
  // Browse, search and stream the library; one's own playlists, stars,
  // ratings, scrobbles, play queue, tokens and Subsonic password.
  listen,
  // Add tracks, and delete the tracks one uploaded.
  upload,
  // Change what everybody shares and someone else added: delete any track.
  edit_library,
  manage_users,    // list, create, change and delete accounts
  manage_cluster,  // the cluster's status, removing members, moving leadership
  read_audit,      // the audit log
};

// The table itself: which roles hold which permission.
[[nodiscard]] bool role_allows(Role role, Permission permission);

// "admin", "uploader", "listener".
[[nodiscard]] std::string_view role_name(Role role);
[[nodiscard]] std::string_view permission_name(Permission permission);
// A role name from a client; anything else, including the old "user", is
// Errc::invalid_argument with a message that lists the valid names.
[[nodiscard]] Result<Role> parse_role(std::string_view name);
// The role of a catalog record. A name this binary does not know gets the
// least privilege (listener): the migration to schema v10 leaves no other.
[[nodiscard]] Role role_of_record(std::string_view name);

// The role of a user created without one: the least privilege, so that an
// admin hands out uploading on purpose.
inline constexpr Role kDefaultRole = Role::listener;

}  // namespace dispotify::api
