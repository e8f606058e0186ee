#include "api/permissions.h"

#include <string>

namespace dispotify::api {

bool role_allows(Role role, Permission permission) {
  switch (permission) {
    case Permission::listen: return true;
    case Permission::upload: return role == Role::uploader || role == Role::admin;
    case Permission::edit_library:
    case Permission::manage_users:
    case Permission::manage_cluster:
    case Permission::read_audit: return role == Role::admin;
  }
  return false;  // an out-of-range value: allow nothing
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::listener: return "listener";
    case Role::uploader: return "uploader";
    case Role::admin: return "admin";
  }
  return "listener";
}

std::string_view permission_name(Permission permission) {
  switch (permission) {
    case Permission::listen: return "listen";
    case Permission::upload: return "upload";
    case Permission::edit_library: return "edit_library";
    case Permission::manage_users: return "manage_users";
    case Permission::manage_cluster: return "manage_cluster";
    case Permission::read_audit: return "read_audit";
  }
  return "unknown";
}

Result<Role> parse_role(std::string_view name) {
  for (Role role : {Role::listener, Role::uploader, Role::admin}) {
    if (name == role_name(role)) return role;
  }
  std::string message = "role must be \"admin\", \"uploader\" or \"listener\"";
  if (name == "user") message += " (the old role \"user\" is now \"uploader\")";
  return make_error(Errc::invalid_argument, std::move(message));
}

Role role_of_record(std::string_view name) {
  auto role = parse_role(name);
  return role.ok() ? *role : Role::listener;
}

}  // namespace dispotify::api
