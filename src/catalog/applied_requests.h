// Outcomes of recently applied client requests (table applied_requests),
// so that a retried write is answered, not applied again. Deterministic:
// part of the replicated state, pruned by log index, never by time.
#pragma once

#include <optional>
#include <string_view>

#include "base/result.h"
#include "catalog/sqlite_db.h"

namespace dispotify::catalog {

[[nodiscard]] Result<std::optional<Status>> applied_request_outcome(Db& db, std::string_view request_id);
[[nodiscard]] Status record_request_outcome(Db& db, std::string_view request_id, uint64_t index,
                                            const Status& outcome);
// Forgets requests applied more than Catalog::kAppliedRequestsWindow indexes before `index`.
[[nodiscard]] Status forget_old_requests(Db& db, uint64_t index);

}  // namespace dispotify::catalog
