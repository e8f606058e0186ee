// The audit log (schema v10): who logged in, failed to, changed accounts,
// uploaded or deleted, and how the membership changed. Events are written
// by the apply of the command that made the change, in the same
// transaction, from the command's Origin only (never a clock), so every
// node holds the same log; a failed login has its own command
// (RecordLoginFailure). The table keeps the newest kAuditEventsMax events:
// the oldest go at apply, so every node drops the same ones.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"
#include "catalog/catalog.h"
#include "catalog/command.h"
#include "catalog/sqlite_db.h"
#include "catalog/types.h"

namespace dispotify::catalog {

inline constexpr int64_t kAuditEventsMax = 100'000;

// Detail members: small text values only, written as one JSON object.
using AuditDetail = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Appends one event (id = the previous largest + 1) and drops the oldest
// beyond kAuditEventsMax. The actor's name is looked up now, so the event
// still names a user deleted later.
[[nodiscard]] Status record_audit_event(Db& db, const Origin& origin, std::string_view action,
                                        std::string_view target, AuditDetail detail = {});

// `origin` with the actor and time the command's own records give, where
// the origin lacks them (entries from before schema v10 have no origin).
inline Origin origin_or(Origin origin, std::string_view actor_id, int64_t at_ms) {
  if (origin.actor_id.empty()) origin.actor_id = actor_id;
  if (origin.at_ms == 0) origin.at_ms = at_ms;
  return origin;
}

struct AuditQuery {
  int64_t offset = 0;
  int64_t limit = 50;  // 1..500
  std::string action;  // "" = every action
};

// Newest first.
[[nodiscard]] Result<Page<AuditEvent>> audit_events(const Catalog& catalog, const AuditQuery& query);

}  // namespace dispotify::catalog
