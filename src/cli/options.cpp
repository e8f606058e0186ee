#include "cli/options.h"

#include <cpptoml.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "base/fs.h"

namespace dispotify::cli {
namespace {

std::string env_name(const std::string& option) {
  std::string out = "DISPOTIFY_";
  for (char c : option)
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

const OptionSpec* find_spec(const std::vector<OptionSpec>& specs, std::string_view name) {
  for (const auto& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string toml_key_to_option(std::string key) {
  for (char& c : key) c = c == '_' ? '-' : c;
  return key;
}

// Reads every key of a flat TOML table as a string setting.
Status read_toml(const std::string& path, const std::vector<OptionSpec>& specs,
                 std::map<std::string, std::string>& out) {
  std::shared_ptr<cpptoml::table> table;
  try {
    table = cpptoml::parse_file(path);
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_argument, "config file " + path + ": " + e.what());
  }
  for (const auto& [key, value] : *table) {
    const std::string name = toml_key_to_option(key);
    const OptionSpec* spec = find_spec(specs, name);
    if (spec == nullptr || name == "config") {
      return make_error(Errc::invalid_argument, "config file " + path + ": unknown setting \"" + key + "\"");
    }
    if (auto s = table->get_as<std::string>(key))
      out[name] = *s;
    else if (auto i = table->get_as<int64_t>(key))
      out[name] = std::to_string(*i);
    else if (auto b = table->get_as<bool>(key))
      out[name] = *b ? "true" : "false";
    else
      return make_error(Errc::invalid_argument,
                        "config file " + path + ": \"" + key + "\" must be a string, integer or boolean");
  }
  return {};
}

}  // namespace

std::optional<std::string> Options::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Options::get_or(const std::string& name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

bool Options::get_switch(const std::string& name) const {
  const auto v = get(name);
  return v && (*v == "true" || *v == "1" || *v == "yes");
}

Result<std::string> Options::get_secret(const std::string& name) const {
  if (auto value = get(name); value && !value->empty()) return *value;
  const auto path = get(name + "-file");
  if (!path || path->empty()) return std::string();
  constexpr uint64_t kSecretBytesMax = 4096;
  auto content = fs::read_file(*path, kSecretBytesMax);
  if (!content.ok())
    return make_error(Errc::invalid_argument, "--" + name + "-file: " + content.error().message);
  std::string secret = std::move(*content);
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' '))
    secret.pop_back();
  return secret;
}

Result<uint64_t> Options::get_bytes(const std::string& name) const {
  const auto v = get(name);
  if (!v) return make_error(Errc::invalid_argument, "--" + name + " is required");
  auto bytes = parse_bytes(*v);
  if (!bytes.ok()) return make_error(Errc::invalid_argument, "--" + name + ": " + bytes.error().message);
  return bytes;
}

Result<int64_t> Options::get_int(const std::string& name, int64_t min, int64_t max) const {
  const auto v = get(name);
  if (!v) return make_error(Errc::invalid_argument, "--" + name + " is required");
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), value);
  if (ec != std::errc() || end != v->data() + v->size() || value < min || value > max) {
    return make_error(Errc::invalid_argument, "--" + name + " must be an integer from " +
                                                  std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Result<Options> parse_options(const std::vector<OptionSpec>& specs, const std::vector<std::string>& argv) {
  Options options;
  std::map<std::string, std::string> flags;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      options.help_requested = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      options.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* spec = find_spec(specs, name);
    if (spec == nullptr)
      return make_error(Errc::invalid_argument, "unknown option --" + name + " (see --help)");
    if (spec->is_switch) {
      flags[name] = value.value_or("true");
      continue;
    }
    if (!value) {
      if (i + 1 >= argv.size()) return make_error(Errc::invalid_argument, "--" + name + " needs a value");
      value = argv[++i];
    }
    flags[name] = *value;
  }
  std::map<std::string, std::string> from_file;
  const std::optional<std::string> config_path =
      flags.count("config") ? std::optional(flags["config"]) : std::nullopt;
  const char* config_env = std::getenv("DISPOTIFY_CONFIG");
  if (find_spec(specs, "config") != nullptr && (config_path || config_env)) {
    DISPOTIFY_TRY(read_toml(config_path ? *config_path : config_env, specs, from_file));
  }
  for (const auto& spec : specs) {
    if (auto it = flags.find(spec.name); it != flags.end()) {
      options.set(spec.name, it->second);
    } else if (const char* env = std::getenv(env_name(spec.name).c_str()); env != nullptr) {
      options.set(spec.name, env);
    } else if (auto f = from_file.find(spec.name); f != from_file.end()) {
      options.set(spec.name, f->second);
    } else if (!spec.default_value.empty()) {
      options.set(spec.name, spec.default_value);
    }
  }
  return options;
}

std::string usage_text(const std::string& synopsis, const std::string& description,
                       const std::vector<OptionSpec>& specs) {
  std::string out = "usage: " + synopsis + "\n\n" + description + "\n";
  if (!specs.empty()) out += "\noptions (flag, or env " + env_name("NAME") + ", or TOML key in --config):\n";
  for (const auto& s : specs) {
    std::string flag = "  --" + s.name + (s.is_switch ? "" : " VALUE");
    if (flag.size() < 28) flag.resize(28, ' ');
    out += flag + " " + s.help;
    if (!s.default_value.empty()) out += " (default: " + s.default_value + ")";
    out += "\n";
  }
  out += "  --help                     show this help\n";
  return out;
}

Result<uint64_t> parse_bytes(std::string_view text) {
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || number < 0 || !std::isfinite(number)) {
    return make_error(Errc::invalid_argument, "\"" + std::string(text) + "\" is not a size like 512MiB");
  }
  std::string unit(end, text.data() + text.size());
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  static const std::map<std::string, double> kUnits = {
      {"", 1},       {"B", 1},         {"KB", 1e3},        {"MB", 1e6},           {"GB", 1e9},
      {"TB", 1e12},  {"KiB", 1024.0},  {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
      {"K", 1024.0}, {"M", 1048576.0}, {"G", 1073741824.0}};
  const auto it = kUnits.find(unit);
  if (it == kUnits.end()) return make_error(Errc::invalid_argument, "unknown size unit \"" + unit + "\"");
  const double bytes = number * it->second;
  if (bytes > 9.2e18) return make_error(Errc::invalid_argument, "size too large");
  return static_cast<uint64_t>(bytes);
}

Result<HostPort> parse_host_port(std::string_view text, bool allow_zero) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return make_error(Errc::invalid_argument, "\"" + std::string(text) + "\" is not HOST:PORT");
  }
  HostPort hp;
  hp.host = std::string(text.substr(0, colon));
  if (hp.host.size() > 2 && hp.host.front() == '[' && hp.host.back() == ']')
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  unsigned port = 0;
  const auto digits = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port > 65535 ||
      (port == 0 && !allow_zero)) {
    return make_error(Errc::invalid_argument, "\"" + std::string(text) + "\" has no valid port");
  }
  hp.port = static_cast<uint16_t>(port);
  return hp;
}

}  // namespace dispotify::cli
