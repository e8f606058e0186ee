#include "raft/conf_change.h"

#include <algorithm>

#include "base/check.h"

namespace dispotify::raft {
namespace {

// Version 2 appends the change's at_ms; version 1 entries are still read.
constexpr uint8_t kFormatVersion = 2;
constexpr uint8_t kFormatVersionWithoutTime = 1;
constexpr size_t kHeaderBytes = 1 + 1 + 8;
constexpr size_t kCountBytes = 4;
constexpr size_t kIdBytes = 8;

bool contains(const std::vector<NodeId>& sorted, NodeId node) {
  return std::binary_search(sorted.begin(), sorted.end(), node);
}

void insert_sorted(std::vector<NodeId>& sorted, NodeId node) {
  sorted.insert(std::lower_bound(sorted.begin(), sorted.end(), node), node);
}

void erase(std::vector<NodeId>& sorted, NodeId node) {
  sorted.erase(std::remove(sorted.begin(), sorted.end(), node), sorted.end());
}

Status check_ids(const std::vector<NodeId>& ids, const char* what) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i].is_zero()) return make_error(Errc::invalid_argument, std::string(what) + " include node 0");
    if (i > 0 && !(ids[i - 1] < ids[i])) {
      return make_error(Errc::invalid_argument, std::string(what) + " not sorted or duplicated");
    }
  }
  return ok_status();
}

void put_u64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void put_u32(std::string& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// A bounds-checked little-endian reader over untrusted bytes.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool read(size_t bytes, uint64_t* value) {
    if (data_.size() - offset_ < bytes) return false;
    *value = 0;
    for (size_t i = 0; i < bytes; ++i) {
      *value |= static_cast<uint64_t>(static_cast<uint8_t>(data_[offset_ + i])) << (8 * i);
    }
    offset_ += bytes;
    return true;
  }
  bool at_end() const { return offset_ == data_.size(); }

 private:
  std::string_view data_;
  size_t offset_ = 0;
};

Result<std::vector<NodeId>> read_ids(Reader& reader) {
  uint64_t count = 0;
  if (!reader.read(kCountBytes, &count)) return make_error(Errc::corrupt, "config entry truncated");
  if (count > kConfMembersMax) return make_error(Errc::corrupt, "config entry has too many members");
  std::vector<NodeId> ids;
  ids.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t id = 0;
    if (!reader.read(kIdBytes, &id)) return make_error(Errc::corrupt, "config entry truncated");
    ids.push_back(NodeId(id));
  }
  return ids;
}

}  // namespace

const char* conf_change_type_name(ConfChange::Type type) {
  switch (type) {
    case ConfChange::Type::add_learner: return "add_learner";
    case ConfChange::Type::promote: return "promote";
    case ConfChange::Type::remove: return "remove";
  }
  return "?";
}

bool is_voter_in(const ConfState& conf, NodeId node) { return contains(conf.voters, node); }
bool is_learner_in(const ConfState& conf, NodeId node) { return contains(conf.learners, node); }

Status validate_conf_state(const ConfState& conf) {
  DISPOTIFY_TRY(check_ids(conf.voters, "voters"));
  DISPOTIFY_TRY(check_ids(conf.learners, "learners"));
  if (conf.voters.size() + conf.learners.size() > kConfMembersMax) {
    return make_error(Errc::invalid_argument, "more than kConfMembersMax members");
  }
  for (const NodeId learner : conf.learners) {
    if (contains(conf.voters, learner)) {
      return make_error(Errc::invalid_argument, to_string(learner) + " is both voter and learner");
    }
  }
  return ok_status();
}

Result<ConfState> apply_conf_change(const ConfState& conf, const ConfChange& change) {
  DISPOTIFY_CHECK(validate_conf_state(conf).ok());
  const NodeId node = change.node;
  if (node.is_zero()) return make_error(Errc::invalid_argument, "node 0 cannot be a member");
  const bool voter = is_voter_in(conf, node);
  const bool learner = is_learner_in(conf, node);
  ConfState next = conf;
  switch (change.type) {
    case ConfChange::Type::add_learner:
      if (voter || learner)
        return make_error(Errc::invalid_argument, to_string(node) + " is already a member");
      if (conf.voters.size() + conf.learners.size() >= kConfMembersMax) {
        return make_error(Errc::invalid_argument, "the configuration is full (kConfMembersMax)");
      }
      insert_sorted(next.learners, node);
      break;
    case ConfChange::Type::promote:
      if (!learner) return make_error(Errc::invalid_argument, to_string(node) + " is not a learner");
      erase(next.learners, node);
      insert_sorted(next.voters, node);
      break;
    case ConfChange::Type::remove:
      if (!voter && !learner) return make_error(Errc::invalid_argument, to_string(node) + " is not a member");
      if (voter && conf.voters.size() == 1)
        return make_error(Errc::invalid_argument, "cannot remove the last voter");
      erase(next.voters, node);
      erase(next.learners, node);
      break;
  }
  DISPOTIFY_CHECK(validate_conf_state(next).ok());
  return next;
}

std::string encode_conf_change_entry(const ConfChangeEntry& entry) {
  DISPOTIFY_CHECK(validate_conf_state(entry.conf).ok());
  std::string out;
  out.reserve(kHeaderBytes + 2 * kCountBytes +
              kIdBytes * (entry.conf.voters.size() + entry.conf.learners.size()));
  out.push_back(static_cast<char>(kFormatVersion));
  out.push_back(static_cast<char>(entry.change.type));
  put_u64(out, entry.change.node.value());
  for (const std::vector<NodeId>* ids : {&entry.conf.voters, &entry.conf.learners}) {
    put_u32(out, static_cast<uint32_t>(ids->size()));
    for (const NodeId id : *ids) put_u64(out, id.value());
  }
  put_u64(out, static_cast<uint64_t>(entry.change.at_ms));
  return out;
}

Result<ConfChangeEntry> decode_conf_change_entry(std::string_view data) {
  Reader reader(data);
  uint64_t version = 0, type = 0, node = 0;
  if (!reader.read(1, &version) || !reader.read(1, &type) || !reader.read(kIdBytes, &node)) {
    return make_error(Errc::corrupt, "config entry truncated");
  }
  if (version != kFormatVersion && version != kFormatVersionWithoutTime) {
    return make_error(Errc::corrupt, "config entry of unknown version");
  }
  if (type > static_cast<uint64_t>(ConfChange::Type::remove)) {
    return make_error(Errc::corrupt, "config entry of unknown type");
  }
  if (node == 0) return make_error(Errc::corrupt, "config entry for node 0");
  ConfChangeEntry entry{ConfChange{static_cast<ConfChange::Type>(type), NodeId(node)}, {}};
  Result<std::vector<NodeId>> voters = read_ids(reader);
  if (!voters.ok()) return std::move(voters).error();
  Result<std::vector<NodeId>> learners = read_ids(reader);
  if (!learners.ok()) return std::move(learners).error();
  if (version == kFormatVersion) {
    uint64_t at_ms = 0;
    if (!reader.read(8, &at_ms)) return make_error(Errc::corrupt, "config entry truncated");
    if (at_ms > static_cast<uint64_t>(INT64_MAX))
      return make_error(Errc::corrupt, "config entry time out of range");
    entry.change.at_ms = static_cast<int64_t>(at_ms);
  }
  if (!reader.at_end()) return make_error(Errc::corrupt, "config entry has trailing bytes");
  entry.conf = ConfState{std::move(*voters), std::move(*learners)};
  if (const Status valid = validate_conf_state(entry.conf); !valid.ok()) {
    return make_error(Errc::corrupt, "config entry: " + valid.error().message);
  }
  // The configuration must be one the change can lead to.
  const bool voter = is_voter_in(entry.conf, entry.change.node);
  const bool learner = is_learner_in(entry.conf, entry.change.node);
  const bool consistent = entry.change.type == ConfChange::Type::add_learner ? learner
                          : entry.change.type == ConfChange::Type::promote   ? voter
                                                                             : !voter && !learner;
  if (!consistent) return make_error(Errc::corrupt, "config entry contradicts its change");
  if (entry.conf.voters.empty()) return make_error(Errc::corrupt, "config entry without voters");
  return entry;
}

}  // namespace dispotify::raft
