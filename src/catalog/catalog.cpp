// Opening the catalog and applying commands.
#include "catalog/catalog.h"

#include <algorithm>

#include "catalog/applied_requests.h"
#include "catalog/apply.h"
#include "catalog/catalog_impl.h"
#include "catalog/schema.h"

namespace dispotify::catalog {
namespace {

Result<uint64_t> read_applied_index(Db& db) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare("SELECT value FROM meta WHERE key = 'applied_index'"));
  DISPOTIFY_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row || stmt.column_int64(0) < 0) return make_error(Errc::corrupt, "catalog meta has no applied_index");
  return static_cast<uint64_t>(stmt.column_int64(0));
}

Status record_applied_index(Db& db, uint64_t index) {
  DISPOTIFY_ASSIGN_OR_RETURN(Statement stmt,
                             db.prepare_cached("UPDATE meta SET value = ?1 WHERE key = 'applied_index'"));
  stmt.bind(1, static_cast<int64_t>(index));
  DISPOTIFY_TRY(stmt.run());
  DISPOTIFY_CHECK(db.changes() == 1);
  return ok_status();
}

// Failures of the machine rather than of the command: they may not happen
// on another node, so they must not be recorded as the command's outcome.
bool is_local_failure(Errc code) { return code == Errc::io_error || code == Errc::internal; }

bool changes_authentication(const Command& command) {
  return std::holds_alternative<SetUserPassword>(command) || std::holds_alternative<SetUserRole>(command) ||
         std::holds_alternative<DeleteUser>(command) || std::holds_alternative<RevokeToken>(command) ||
         std::holds_alternative<SetSubsonicPassword>(command) || std::holds_alternative<RenameUser>(command);
}

}  // namespace

Status check_page(int64_t offset, int64_t limit) {
  if (limit < 1 || limit > kPageLimitMax) {
    return make_error(Errc::invalid_argument, "limit must be between 1 and 500");
  }
  if (offset < 0) return make_error(Errc::invalid_argument, "offset must not be negative");
  return ok_status();
}

Catalog::Catalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Catalog::~Catalog() = default;

Result<std::unique_ptr<Catalog>> Catalog::open(const std::string& db_path) {
  return open(db_path, CatalogOptions{});
}

Result<std::unique_ptr<Catalog>> Catalog::open(const std::string& db_path, const CatalogOptions& options) {
  DISPOTIFY_ASSIGN_OR_RETURN(std::unique_ptr<Db> writer,
                             Db::open(db_path, DbOptions{.role = DbRole::writer, .sync = options.sync}));
  if (Status migrated = migrate(*writer); !migrated.ok()) {
    // Named: "catalog schema version 12 is newer than this binary" must say which file.
    return make_error(migrated.error().code, db_path + ": " + migrated.error().message);
  }
  DISPOTIFY_ASSIGN_OR_RETURN(uint64_t index, read_applied_index(*writer));
  auto impl = std::make_unique<Impl>(db_path, std::move(writer), index, options.readers_idle_max);
  if (options.background_checkpoints) {
    DISPOTIFY_ASSIGN_OR_RETURN(impl->checkpointer, Checkpointer::start(db_path, *impl->writer));
  }
  return std::unique_ptr<Catalog>(new Catalog(std::move(impl)));
}

uint64_t Catalog::applied_index() const { return impl_->applied_index.load(std::memory_order_acquire); }

Status Catalog::read_snapshot(const std::function<Status(Db&)>& body) const {
  return impl_->read([&](Db& db) { return body(db); });
}

uint64_t Catalog::auth_epoch() const { return impl_->auth_epoch.load(std::memory_order_acquire); }

Status Catalog::apply(uint64_t index, const Command& command) {
  std::lock_guard lock(impl_->write_mutex);
  uint64_t applied = impl_->applied_index.load(std::memory_order_relaxed);
  DISPOTIFY_CHECK_MSG(index == applied + 1,
                      "apply index " + std::to_string(index) + " after " + std::to_string(applied));
  Db& db = *impl_->writer;
  Status outcome = ok_status();
  {
    DISPOTIFY_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db, TransactionKind::write));
    outcome = apply_command(db, command);
    if (outcome.ok()) {
      DISPOTIFY_TRY(record_applied_index(db, index));
      DISPOTIFY_TRY(txn.commit());
      impl_->applied_index.store(index, std::memory_order_release);
      if (changes_authentication(command)) impl_->auth_epoch.fetch_add(1, std::memory_order_release);
      return ok_status();
    }
    if (is_local_failure(outcome.error().code)) return outcome;
  }  // the guard rolled back whatever the failed command wrote
  // Every node fails this command the same way: record that it was applied.
  DISPOTIFY_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db, TransactionKind::write));
  DISPOTIFY_TRY(record_applied_index(db, index));
  DISPOTIFY_TRY(txn.commit());
  impl_->applied_index.store(index, std::memory_order_release);
  return outcome;
}

// Group commit: one write transaction, one fsync, for the whole batch. Each
// command runs inside a savepoint so that a deterministic rejection undoes
// only that command, exactly as apply() would have.
Result<std::vector<Status>> Catalog::apply_batch(uint64_t first_index, std::span<const Command> commands,
                                                 std::span<const std::string> request_ids) {
  DISPOTIFY_CHECK(!commands.empty());
  DISPOTIFY_CHECK(request_ids.empty() || request_ids.size() == commands.size());
  std::lock_guard lock(impl_->write_mutex);
  const uint64_t applied = impl_->applied_index.load(std::memory_order_relaxed);
  DISPOTIFY_CHECK_MSG(first_index == applied + 1,
                      "apply index " + std::to_string(first_index) + " after " + std::to_string(applied));
  Db& db = *impl_->writer;
  std::vector<Status> outcomes;
  outcomes.reserve(commands.size());
  DISPOTIFY_ASSIGN_OR_RETURN(Transaction txn, Transaction::begin(db, TransactionKind::write));
  for (size_t i = 0; i < commands.size(); ++i) {
    const std::string_view request_id = request_ids.empty() ? std::string_view() : request_ids[i];
    if (!request_id.empty()) {
      DISPOTIFY_ASSIGN_OR_RETURN(std::optional<Status> earlier, applied_request_outcome(db, request_id));
      if (earlier) {
        outcomes.push_back(std::move(*earlier));
        continue;
      }
    }
    DISPOTIFY_TRY(db.exec_cached("SAVEPOINT apply_one"));
    Status outcome = apply_command(db, commands[i]);
    if (!outcome.ok()) {
      // A local failure must not be recorded as applied: give up the batch.
      if (is_local_failure(outcome.error().code)) return std::move(outcome).error();
      DISPOTIFY_TRY(db.exec_cached("ROLLBACK TO apply_one"));
    }
    DISPOTIFY_TRY(db.exec_cached("RELEASE apply_one"));
    if (!request_id.empty()) DISPOTIFY_TRY(record_request_outcome(db, request_id, first_index + i, outcome));
    outcomes.push_back(std::move(outcome));
  }
  const uint64_t last_index = first_index + commands.size() - 1;
  if (!request_ids.empty()) DISPOTIFY_TRY(forget_old_requests(db, last_index));
  DISPOTIFY_TRY(record_applied_index(db, last_index));
  DISPOTIFY_TRY(txn.commit());
  impl_->applied_index.store(last_index, std::memory_order_release);
  if (std::any_of(commands.begin(), commands.end(), changes_authentication)) {
    impl_->auth_epoch.fetch_add(1, std::memory_order_release);
  }
  return outcomes;
}

}  // namespace dispotify::catalog
