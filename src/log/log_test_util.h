// Helpers for the log/ tests: entries with recognisable content, an
// in-memory model of what a LogStore must recover, and file surgery.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "log/log_store.h"
#include "log/recovered_log.h"

namespace dispotify::raftlog::testing {

inline raft::Entry make_entry(uint64_t index, uint64_t term, std::string data = {}) {
  raft::Entry e;
  e.index = raft::LogIndex(index);
  e.term = raft::Term(term);
  e.type = index % 7 == 0 ? raft::EntryType::noop : raft::EntryType::normal;
  e.data = data.empty() ? "cmd-" + std::to_string(index) + "-t" + std::to_string(term) : std::move(data);
  return e;
}

// Entries first .. first + count - 1, all of `term`.
inline std::vector<raft::Entry> make_entries(uint64_t first, size_t count, uint64_t term) {
  std::vector<raft::Entry> out;
  for (size_t i = 0; i < count; ++i) out.push_back(make_entry(first + i, term));
  return out;
}

inline raft::HardState make_hard_state(uint64_t term, uint64_t voted_for, uint64_t commit) {
  return raft::HardState{raft::Term(term), raft::NodeId(voted_for), raft::LogIndex(commit)};
}

// What a LogStore must recover after the same calls.
struct LogModel {
  RecoveredLog log;

  void save(const std::optional<raft::HardState>& hs, const std::vector<raft::Entry>& entries) {
    if (hs) log.hard_state = *hs;
    if (entries.empty()) return;
    log.entries.resize(entries.front().index - log.compacted_index - 1);
    log.entries.insert(log.entries.end(), entries.begin(), entries.end());
  }
  void compact(raft::LogIndex index, raft::Term term) {
    if (index <= log.compacted_index) return;
    log.entries.erase(log.entries.begin(),
                      log.entries.begin() + static_cast<ptrdiff_t>(index - log.compacted_index));
    log.compacted_index = index;
    log.compacted_term = term;
  }
  void reset(raft::LogIndex index, raft::Term term) {
    log.entries.clear();
    log.compacted_index = index;
    log.compacted_term = term;
  }
  raft::Term term_at(raft::LogIndex index) const {
    if (index == log.compacted_index) return log.compacted_term;
    return log.entries.at(index - log.compacted_index - 1).term;
  }
};

inline std::unique_ptr<LogStore> open_or_die(const std::string& dir, LogStoreOptions options = {}) {
  auto store = LogStore::open(dir, options);
  if (!store.ok()) ADD_FAILURE() << store.error().message;
  return store.ok() ? std::move(store).value() : nullptr;
}

inline std::vector<std::string> segment_paths(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().starts_with("segment-")) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

inline void copy_dir(const std::string& from, const std::string& to) {
  std::filesystem::remove_all(to);
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

}  // namespace dispotify::raftlog::testing
