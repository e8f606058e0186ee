// The one path by which the catalog changes: propose a command, wait until
// it is applied on this node, get the apply result.
//
// On a single node LocalProposer orders and applies commands at once; the
// Raft-backed proposer replaces it in a cluster without changing callers.
#pragma once

#include <mutex>

#include "base/result.h"
#include "catalog/catalog.h"
#include "catalog/command.h"

namespace dispotify::catalog {

class Proposer {
 public:
  virtual ~Proposer() = default;
  // Returns once the command is committed and applied locally, with apply's
  // result (a deterministic rejection such as Errc::conflict), or with
  // Errc::unavailable when it could not be committed.
  [[nodiscard]] virtual Status propose(const Command& command) = 0;
};

// A cluster of one: the log is the catalog's own applied index.
class LocalProposer final : public Proposer {
 public:
  explicit LocalProposer(Catalog& catalog) : catalog_(catalog) {}
  Status propose(const Command& command) override {
    std::lock_guard lock(mutex_);
    return catalog_.apply(catalog_.applied_index() + 1, command);
  }

 private:
  Catalog& catalog_;
  std::mutex mutex_;  // orders proposals: index = applied_index + 1
};

}  // namespace dispotify::catalog
