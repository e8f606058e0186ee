// The open-files limit a node runs under. A node holds a descriptor per
// client connection (up to ServerOptions::connections_max, 4,096), about
// three per SQLite connection (one per worker and I/O thread), up to 256
// cached open blobs and its peer connections: more than the soft limit of
// 1,024 that a shell or a container often starts a process with. So serve
// raises its soft limit to the hard one, as nginx's worker_rlimit_nofile
// would be set by hand.
#pragma once

#include <cstdint>

#include "base/result.h"

namespace dispotify::cli {

struct OpenFilesLimit {
  uint64_t before = 0;  // the soft limit at start
  uint64_t now = 0;     // the soft limit in force
};

// Raises the soft RLIMIT_NOFILE to the hard limit (never lowers it).
[[nodiscard]] Result<OpenFilesLimit> raise_open_files_limit();

}  // namespace dispotify::cli
