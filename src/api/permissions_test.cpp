#include "api/permissions.h"

#include <gtest/gtest.h>

namespace dispotify::api {
namespace {

constexpr Permission kAll[] = {Permission::listen,       Permission::upload,         Permission::edit_library,
                               Permission::manage_users, Permission::manage_cluster, Permission::read_audit};

// The whole table, written out: a change to it must change this test.
TEST(Permissions, TableAsDocumented) {
  struct Row {
    Permission permission;
    bool listener, uploader, admin;
  };
  const Row rows[] = {
      {Permission::listen, true, true, true},           {Permission::upload, false, true, true},
      {Permission::edit_library, false, false, true},   {Permission::manage_users, false, false, true},
      {Permission::manage_cluster, false, false, true}, {Permission::read_audit, false, false, true},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(permission_name(row.permission)));
    EXPECT_EQ(role_allows(Role::listener, row.permission), row.listener);
    EXPECT_EQ(role_allows(Role::uploader, row.permission), row.uploader);
    EXPECT_EQ(role_allows(Role::admin, row.permission), row.admin);
  }
  EXPECT_EQ(std::size(rows), std::size(kAll));
}

TEST(Permissions, EachRoleHoldsWhatTheOneBelowHolds) {
  for (Permission p : kAll) {
    EXPECT_TRUE(!role_allows(Role::listener, p) || role_allows(Role::uploader, p));
    EXPECT_TRUE(!role_allows(Role::uploader, p) || role_allows(Role::admin, p));
  }
}

TEST(Permissions, ParsesTheThreeRoleNames) {
  for (Role role : {Role::listener, Role::uploader, Role::admin}) {
    auto parsed = parse_role(role_name(role));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, role);
  }
}

TEST(Permissions, RefusesTheOldUserRoleWithAHint) {
  auto parsed = parse_role("user");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, Errc::invalid_argument);
  EXPECT_NE(parsed.error().message.find("uploader"), std::string::npos);
  for (const char* bad : {"", "Admin", "root", "listener "}) EXPECT_FALSE(parse_role(bad).ok()) << bad;
}

TEST(Permissions, UnknownRecordRoleGetsTheLeastPrivilege) {
  EXPECT_EQ(role_of_record("admin"), Role::admin);
  EXPECT_EQ(role_of_record("uploader"), Role::uploader);
  EXPECT_EQ(role_of_record("user"), Role::listener);
  EXPECT_EQ(role_of_record("???"), Role::listener);
  EXPECT_EQ(kDefaultRole, Role::listener);
}

}  // namespace
}  // namespace dispotify::api
