#include "catalog/json_fields.h"

#include <limits>

namespace dispotify::catalog {

std::string FieldReader::name(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void FieldReader::fail(std::string_view key, std::string_view problem) {
  if (error_) return;  // the first problem is the one to report
  error_ = make_error(Errc::invalid_argument, "field '" + name(key) + "' " + std::string(problem));
}

void FieldReader::fail(Error error) {
  if (!error_) error_ = std::move(error);
}

const boost::json::value* FieldReader::find(std::string_view key) {
  const boost::json::value* value = object_.if_contains(key);
  if (value == nullptr) {
    fail(key, "is missing");
    return nullptr;
  }
  keys_read_.emplace_back(key);
  return value;
}

std::optional<int64_t> FieldReader::integer(std::string_view key, const boost::json::value& value) {
  if (const int64_t* v = value.if_int64()) return *v;
  if (const uint64_t* v = value.if_uint64()) {
    if (*v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(*v);
  }
  fail(key, "must be an integer in the range of int64");
  return std::nullopt;
}

void FieldReader::read(std::string_view key, std::string* out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return;
  if (const boost::json::string* s = value->if_string()) {
    out->assign(s->data(), s->size());
  } else {
    fail(key, "must be a string");
  }
}

void FieldReader::read(std::string_view key, int64_t* out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return;
  if (std::optional<int64_t> v = integer(key, *value)) *out = *v;
}

void FieldReader::read(std::string_view key, int* out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return;
  std::optional<int64_t> v = integer(key, *value);
  if (!v) return;
  if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
    fail(key, "is out of range");
    return;
  }
  *out = static_cast<int>(*v);
}

void FieldReader::read(std::string_view key, uint64_t* out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return;
  // Sizes are stored as SQLite INTEGER (int64), so the top half is refused.
  std::optional<int64_t> v = integer(key, *value);
  if (!v) return;
  if (*v < 0) {
    fail(key, "must not be negative");
    return;
  }
  *out = static_cast<uint64_t>(*v);
}

void FieldReader::read(std::string_view key, bool* out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return;
  if (const bool* b = value->if_bool()) {
    *out = *b;
  } else {
    fail(key, "must be a boolean");
  }
}

void FieldReader::read(std::string_view key, std::optional<double>* out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return;
  if (value->is_null()) {
    out->reset();
  } else if (value->is_number()) {
    *out = value->to_number<double>();  // cannot throw: is_number() holds
  } else {
    fail(key, "must be a number or null");
  }
}

void FieldReader::read(std::string_view key, std::vector<std::string>* out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return;
  const boost::json::array* array = value->if_array();
  if (array == nullptr) return fail(key, "must be an array of strings");
  out->clear();
  for (const boost::json::value& item : *array) {
    const boost::json::string* s = item.if_string();
    if (s == nullptr) return fail(key, "must be an array of strings");
    out->emplace_back(s->data(), s->size());
  }
}

void FieldReader::read(std::string_view key, std::vector<int64_t>* out) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return;
  const boost::json::array* array = value->if_array();
  if (array == nullptr) return fail(key, "must be an array of integers");
  out->clear();
  for (const boost::json::value& item : *array) {
    std::optional<int64_t> v = integer(key, item);
    if (!v) return;
    out->push_back(*v);
  }
}

const boost::json::object* FieldReader::object(std::string_view key) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return nullptr;
  const boost::json::object* nested = value->if_object();
  if (nested == nullptr) fail(key, "must be an object");
  return nested;
}

const boost::json::array* FieldReader::array(std::string_view key) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return nullptr;
  const boost::json::array* nested = value->if_array();
  if (nested == nullptr) fail(key, "must be an array");
  return nested;
}

Status FieldReader::finish() {
  if (error_) return *error_;
  for (const auto& [key, value] : object_) {
    bool known = false;
    for (const std::string& read_key : keys_read_) known = known || read_key == key;
    if (!known) return make_error(Errc::invalid_argument, "unknown field '" + name(key) + "'");
  }
  return ok_status();
}

}  // namespace dispotify::catalog
