// Versioned schema migrations (docs/formats/catalog_schema.md).
//
// schema_version holds one row: the number of migration steps applied.
// Each step runs in its own write transaction together with the version
// bump, so a crash leaves the database at a whole step.
#pragma once

#include <span>
#include <string_view>

#include "base/result.h"
#include "catalog/sqlite_db.h"

namespace dispotify::catalog {

struct Migration {
  int version;           // 1, 2, 3, ... in order
  std::string_view sql;  // statements that take the schema from version-1 to version
};

// The migrations of this binary, in order.
std::span<const Migration> schema_migrations();

// Applies the pending steps of `migrations` (all of them by default).
// A database newer than the last step is an error (Errc::conflict): this
// binary cannot read it.
[[nodiscard]] Status migrate(Db& db, std::span<const Migration> migrations = schema_migrations());
[[nodiscard]] Result<int> schema_version(Db& db);

}  // namespace dispotify::catalog
