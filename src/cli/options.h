// Command-line settings: flags, then DISPOTIFY_* environment variables, then
// a TOML file (--config), then defaults, in that order of strength.
//
// Each command declares its settings as a table of OptionSpec; parse_options
// resolves every setting to a string, and typed getters validate it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace dispotify::cli {

struct OptionSpec {
  std::string name;           // flag without dashes: "data-dir"; env DISPOTIFY_DATA_DIR; TOML data_dir
  std::string default_value;  // empty: no default
  std::string help;
  bool is_switch = false;  // takes no value: "--bootstrap"
};

class Options {
 public:
  std::optional<std::string> get(const std::string& name) const;
  std::string get_or(const std::string& name, const std::string& fallback) const;
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  [[nodiscard]] Result<uint64_t> get_bytes(const std::string& name) const;  // "512MiB", "2GB", "1000"
  [[nodiscard]] Result<int64_t> get_int(const std::string& name, int64_t min, int64_t max) const;
  bool get_switch(const std::string& name) const;
  // A secret: the setting `name` if set, else the content of the file named
  // by the setting `name`-file (trailing newlines and spaces dropped: how
  // Docker and Kubernetes secrets are mounted), else "".
  [[nodiscard]] Result<std::string> get_secret(const std::string& name) const;

  std::vector<std::string> positional;
  bool help_requested = false;

  void set(const std::string& name, std::string value) { values_[name] = std::move(value); }

 private:
  std::map<std::string, std::string> values_;
};

// argv excludes the program and command name. The "config" option, when
// declared and given, names a TOML file whose keys are the option names with
// '_' or '-'. Unknown flags and keys are errors.
[[nodiscard]] Result<Options> parse_options(const std::vector<OptionSpec>& specs,
                                            const std::vector<std::string>& argv);

std::string usage_text(const std::string& synopsis, const std::string& description,
                       const std::vector<OptionSpec>& specs);

// "1.5GiB" -> bytes; binary (KiB, MiB, GiB, TiB) and decimal (KB, MB, GB, TB) units.
[[nodiscard]] Result<uint64_t> parse_bytes(std::string_view text);

// "host:port" with a port 1..65535 (0 allowed when allow_zero).
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
[[nodiscard]] Result<HostPort> parse_host_port(std::string_view text, bool allow_zero = true);

}  // namespace dispotify::cli
