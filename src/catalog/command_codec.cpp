// The JSON form of commands (docs/formats/catalog_commands.md).
#include <boost/json.hpp>

#include <array>
#include <cmath>
#include <exception>
#include <utility>

#include "catalog/command.h"
#include "catalog/command_fields.h"
#include "catalog/json_fields.h"

namespace dispotify::catalog {
namespace {

// A command carries at most a track with its lyrics; anything larger is not
// one of ours.
constexpr size_t kCommandBytesMax = 4 * 1024 * 1024;
constexpr unsigned kJsonDepthMax = 8;

// Indexed like the alternatives of Command.
constexpr std::array<std::string_view, std::variant_size_v<Command>> kTypeNames = {"create_user",
                                                                                   "set_user_password",
                                                                                   "set_user_role",
                                                                                   "delete_user",
                                                                                   "create_token",
                                                                                   "revoke_token",
                                                                                   "add_track",
                                                                                   "delete_track",
                                                                                   "create_playlist",
                                                                                   "rename_playlist",
                                                                                   "delete_playlist",
                                                                                   "add_playlist_tracks",
                                                                                   "remove_playlist_tracks",
                                                                                   "move_playlist_track",
                                                                                   "noop",
                                                                                   "init_cluster",
                                                                                   "set_member",
                                                                                   "remove_member",
                                                                                   "assign_repairs",
                                                                                   "complete_repair",
                                                                                   "drop_replicas",
                                                                                   "set_subsonic_password",
                                                                                   "set_starred",
                                                                                   "set_rating",
                                                                                   "record_plays",
                                                                                   "save_play_queue",
                                                                                   "set_storage_full",
                                                                                   "record_login_failure",
                                                                                   "set_join_token",
                                                                                   "record_member_promoted",
                                                                                   "set_cluster_level",
                                                                                   "rename_user"};

boost::json::value to_json(const std::string& v) { return boost::json::value(v); }
boost::json::value to_json(int64_t v) { return boost::json::value(v); }
boost::json::value to_json(int v) { return boost::json::value(static_cast<int64_t>(v)); }
boost::json::value to_json(uint64_t v) { return boost::json::value(v); }
boost::json::value to_json(bool v) { return boost::json::value(v); }
boost::json::value to_json(const std::optional<double>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
boost::json::value to_json(const std::vector<std::string>& v) {
  boost::json::array array;
  for (const std::string& s : v) array.emplace_back(s);
  return array;
}
boost::json::value to_json(const std::vector<int64_t>& v) {
  boost::json::array array;
  for (int64_t i : v) array.emplace_back(i);
  return array;
}

struct Writer {
  boost::json::object* object;
  template <class T>
  void operator()(std::string_view key, const T& value, Presence = Presence::required) {
    if constexpr (kIsRecord<T>) {
      (*object)[key] = record_json(value);
    } else if constexpr (kIsRecordList<T>) {
      boost::json::array array;
      for (const auto& record : value) array.emplace_back(record_json(record));
      (*object)[key] = std::move(array);
    } else {
      (*object)[key] = to_json(value);
    }
  }
  template <class R>
  static boost::json::object record_json(const R& record) {
    boost::json::object nested;
    visit_fields(record, Writer{&nested});
    return nested;
  }
};

struct Reader {
  FieldReader* reader;
  template <class T>
  void operator()(std::string_view key, T& value, Presence presence = Presence::required) {
    if (presence == Presence::optional && !reader->has(key)) return;
    if constexpr (kIsRecord<T>) {
      const boost::json::object* nested = reader->object(key);
      if (nested == nullptr) return;
      read_record(*nested, std::string(key), value);
    } else if constexpr (kIsRecordList<T>) {
      const boost::json::array* array = reader->array(key);
      if (array == nullptr) return;
      value.clear();
      for (size_t i = 0; i < array->size(); ++i) {
        const boost::json::object* nested = (*array)[i].if_object();
        if (nested == nullptr) return reader->fail(key, "must be an array of objects");
        read_record(*nested, std::string(key) + "[" + std::to_string(i) + "]", value.emplace_back());
      }
    } else {
      reader->read(key, &value);
      if constexpr (std::is_same_v<T, std::optional<double>>) {
        if (value && !std::isfinite(*value)) reader->fail(key, "must be finite");
      }
    }
  }
  template <class R>
  void read_record(const boost::json::object& object, std::string path, R& record) {
    FieldReader nested_reader(object, std::move(path));
    visit_fields(record, Reader{&nested_reader});
    Status status = nested_reader.finish();
    if (!status.ok()) reader->fail(std::move(status).error());
  }
};

template <size_t... I>
std::optional<Command> command_of_index(size_t index, std::index_sequence<I...>) {
  std::optional<Command> command;
  (void)((I == index ? (command.emplace(std::in_place_index<I>), true) : false) || ...);
  return command;
}

std::optional<Command> command_of_type(std::string_view type) {
  for (size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == type) return command_of_index(i, std::make_index_sequence<kTypeNames.size()>());
  }
  return std::nullopt;
}

Result<Command> decode_object(const boost::json::object& object) {
  const boost::json::value* version = object.if_contains("v");
  if (version == nullptr) return make_error(Errc::invalid_argument, "field 'v' is missing");
  const int64_t* v = version->if_int64();
  if (v != nullptr && *v > kCommandVersion) {
    return make_error(Errc::conflict, "command version " + std::to_string(*v) +
                                          " is newer than this binary (" + std::to_string(kCommandVersion) +
                                          ")");
  }
  if (v == nullptr || *v != kCommandVersion) {
    return make_error(Errc::invalid_argument,
                      "unsupported command version: " + boost::json::serialize(*version));
  }
  const boost::json::value* type = object.if_contains("type");
  if (type == nullptr || !type->is_string()) {
    return make_error(Errc::invalid_argument, "field 'type' is missing or not a string");
  }
  std::optional<Command> command = command_of_type(type->get_string());
  if (!command) {
    // Errc::conflict, not invalid_argument: a newer binary's command (the
    // cluster level let it through), which this node must not skip.
    return make_error(Errc::conflict, "unknown command type '" + std::string(type->get_string()) +
                                          "' (written by a newer binary?)");
  }
  FieldReader reader(object, "");
  int64_t ignored_version = 0;
  std::string ignored_type;
  reader.read("v", &ignored_version);
  reader.read("type", &ignored_type);
  std::visit([&](auto& c) { visit_command_fields(c, Reader{&reader}); }, *command);
  Status status = reader.finish();
  if (!status.ok()) {
    return make_error(Errc::invalid_argument,
                      std::string(type->get_string()) + ": " + status.error().message);
  }
  return std::move(*command);
}

}  // namespace

std::string command_type(const Command& command) { return std::string(kTypeNames[command.index()]); }

std::string encode_command(const Command& command) {
  boost::json::object object;
  object["v"] = kCommandVersion;
  object["type"] = command_type(command);
  std::visit([&](const auto& c) { visit_command_fields(c, Writer{&object}); }, command);
  return boost::json::serialize(object);
}

Result<Command> decode_command(std::string_view json) {
  if (json.size() > kCommandBytesMax) return make_error(Errc::invalid_argument, "command is too large");
  // Boost.JSON may throw (allocation, conversions); nothing escapes this edge.
  try {
    boost::json::parse_options options;
    options.max_depth = kJsonDepthMax;
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(json, ec, {}, options);
    if (ec) return make_error(Errc::invalid_argument, "command is not JSON: " + ec.message());
    const boost::json::object* object = value.if_object();
    if (object == nullptr) return make_error(Errc::invalid_argument, "command is not a JSON object");
    return decode_object(*object);
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_argument, std::string("command is not valid: ") + e.what());
  }
}

}  // namespace dispotify::catalog
