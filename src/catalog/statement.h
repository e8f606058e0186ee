// A prepared SQLite statement: bind parameters (1-based), step, read columns
// (0-based).
//
// Ownership: an owned statement is finalized on destruction; a borrowed one
// (from Db::prepare_cached) is reset and unbound instead, so it can be
// reused. Column accessors are valid only after step() returned true.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace dispotify::catalog {

class Statement {
 public:
  Statement(sqlite3_stmt* stmt, bool owned) : stmt_(stmt), owned_(owned) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::optional<double>& value);
  Statement& bind_null(int index);

  // True when a row is available, false when done; binding errors surface here.
  [[nodiscard]] Result<bool> step();
  // Steps a statement that must not return rows (INSERT, UPDATE, ...).
  [[nodiscard]] Status run();

  int column_count() const { return sqlite3_column_count(stmt_); }
  bool is_null(int column) const;
  int64_t column_int64(int column) const;
  int column_int(int column) const;
  bool column_bool(int column) const { return column_int64(column) != 0; }
  double column_double(int column) const;
  std::optional<double> column_optional_double(int column) const;
  std::string column_string(int column) const;

 private:
  sqlite3_stmt* stmt_;
  bool owned_;
  int bind_rc_ = SQLITE_OK;  // first binding failure, reported by step()
};

}  // namespace dispotify::catalog
