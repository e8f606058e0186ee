// How hard the catalog's writer pushes commits to disk.
#pragma once

namespace dispotify::catalog {

// SQLite's synchronous setting for the writer (WAL mode):
//   full:   every commit is fsynced: it survives power loss;
//   normal: commits are fsynced at checkpoints only: a power loss may undo
//           the last ones, never leaves the file inconsistent. Right when
//           something else is the durable record (the Raft log: the
//           catalog applies it again from its recorded applied index);
//   off:    scratch databases (benchmarks, tests).
enum class SyncMode { full, normal, off };

}  // namespace dispotify::catalog
