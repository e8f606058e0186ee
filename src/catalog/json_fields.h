// Strict reading of JSON objects for the command codec.
//
// A FieldReader reads named fields of one object and remembers the first
// problem (missing field, wrong type, out of range), naming the field by
// its path ("track.title"). finish() also rejects fields nobody read, so a
// misspelled or unknown field is an error instead of a silent default.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace dispotify::catalog {

class FieldReader {
 public:
  FieldReader(const boost::json::object& object, std::string path)
      : object_(object), path_(std::move(path)) {}

  void read(std::string_view key, std::string* out);
  void read(std::string_view key, int64_t* out);
  void read(std::string_view key, int* out);
  void read(std::string_view key, uint64_t* out);
  void read(std::string_view key, bool* out);
  void read(std::string_view key, std::optional<double>* out);  // number or null
  void read(std::string_view key, std::vector<std::string>* out);
  void read(std::string_view key, std::vector<int64_t>* out);
  // The nested object at `key`, or nullptr (and an error) if it is not one.
  const boost::json::object* object(std::string_view key);
  // The array at `key`, or nullptr (and an error) if it is not one.
  const boost::json::array* array(std::string_view key);
  // Whether the object has `key` (for fields that older entries lack).
  bool has(std::string_view key) const { return object_.contains(key); }
  // Records an error found by the caller about `key`.
  void fail(std::string_view key, std::string_view problem);
  // Records an error found in a nested object (it already names its path).
  void fail(Error error);

  // OK when every field was present, well typed, and no other field exists.
  [[nodiscard]] Status finish();

 private:
  const boost::json::value* find(std::string_view key);
  std::optional<int64_t> integer(std::string_view key, const boost::json::value& value);
  std::string name(std::string_view key) const;

  const boost::json::object& object_;
  std::string path_;
  std::vector<std::string> keys_read_;
  std::optional<Error> error_;
};

}  // namespace dispotify::catalog
