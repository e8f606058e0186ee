#include "base/log.h"

#include <unistd.h>

#include <atomic>
#include <mutex>

#include "base/clock.h"
#include "base/json_escape.h"

namespace dispotify::log {
namespace {

std::atomic<Format> g_format{Format::text};
std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;

const char* level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

std::string timestamp_utc() { return format_rfc3339_ms(now_unix_ms()); }

}  // namespace

void set_format(Format format) { g_format = format; }
void set_level(Level level) { g_level = level; }
Level level() { return g_level; }

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (level < g_level.load()) return;
  std::string line;
  line.reserve(128);
  if (g_format.load() == Format::json) {
    line += "{\"ts\":\"" + timestamp_utc() + "\",\"level\":\"" + level_name(level) + "\",\"msg\":";
    append_json_string(line, message);
    for (const auto& f : fields) {
      line += ',';
      append_json_string(line, f.key);
      line += ':';
      append_json_string(line, f.value);
    }
    line += "}\n";
  } else {
    line += timestamp_utc();
    line += ' ';
    line += level_name(level);
    line += ' ';
    line += message;
    for (const auto& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      const bool quote = f.value.find(' ') != std::string::npos || f.value.empty();
      if (quote) line += '"';
      line += f.value;
      if (quote) line += '"';
    }
    line += '\n';
  }
  std::lock_guard lock(g_mutex);
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;  // logging must never take the process down
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace dispotify::log
