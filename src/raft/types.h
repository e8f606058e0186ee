// Strong types for the numbers of the Raft protocol (Raft paper §5, Figure 2).
//
// A term, a log index and a node id are all 64-bit counters; mixing them up
// is a classic consensus bug, so each gets its own type with no implicit
// conversion. Zero means "none": term 0 precedes every election, index 0 is
// the empty prefix of the log, node 0 is no node.
#pragma once

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>

namespace dispotify::raft {

template <class Tag>
class StrongU64 {
 public:
  constexpr StrongU64() = default;
  constexpr explicit StrongU64(uint64_t value) : value_(value) {}

  constexpr uint64_t value() const { return value_; }
  constexpr bool is_zero() const { return value_ == 0; }
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy misreads the defaulted <=>
  friend constexpr auto operator<=>(StrongU64, StrongU64) = default;

 private:
  uint64_t value_ = 0;
};

struct TermTag {};
struct NodeIdTag {};

using Term = StrongU64<TermTag>;
using NodeId = StrongU64<NodeIdTag>;

// Log indexes also need arithmetic (next index, batch ends), so they get a
// few operators; terms and ids never do.
class LogIndex {
 public:
  constexpr LogIndex() = default;
  constexpr explicit LogIndex(uint64_t value) : value_(value) {}

  constexpr uint64_t value() const { return value_; }
  constexpr bool is_zero() const { return value_ == 0; }
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy misreads the defaulted <=>
  friend constexpr auto operator<=>(LogIndex, LogIndex) = default;

  constexpr LogIndex operator+(uint64_t count) const { return LogIndex(value_ + count); }
  // Stepping below index 0 is a bug in the caller.
  LogIndex operator-(uint64_t count) const;
  // Number of indexes from `other` up to this one; `other` must not be greater.
  uint64_t operator-(LogIndex other) const;

 private:
  uint64_t value_ = 0;
};

inline constexpr NodeId kNoNode{0};
inline constexpr Term kNoTerm{0};

inline constexpr Term next_term(Term term) { return Term(term.value() + 1); }

inline std::string to_string(Term t) { return "term " + std::to_string(t.value()); }
inline std::string to_string(NodeId n) { return "node " + std::to_string(n.value()); }
inline std::string to_string(LogIndex i) { return "index " + std::to_string(i.value()); }

// For GoogleTest failure output.
inline std::ostream& operator<<(std::ostream& out, Term t) { return out << to_string(t); }
inline std::ostream& operator<<(std::ostream& out, NodeId n) { return out << to_string(n); }
inline std::ostream& operator<<(std::ostream& out, LogIndex i) { return out << to_string(i); }

}  // namespace dispotify::raft
