#include "api/subsonic/auth.h"

#include <openssl/evp.h>

#include "api/origin.h"
#include "api/subsonic/secret.h"
#include "base/clock.h"
#include "base/hex.h"
#include "base/log.h"
#include "base/password.h"
#include "base/sha256.h"

namespace dispotify::api::subsonic {
namespace {

constexpr size_t kSaltBytesMin = 6;

// Compares without an early exit, so timing does not tell how much matched.
bool same_text(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

AuthOutcome fail(Code code, std::string message) {
  return AuthOutcome{std::nullopt, code, std::move(message)};
}

AuthOutcome by_api_key(ApiContext& ctx, std::string_view key) {
  auto token = ctx.catalog.token_by_hash(sha256_hex(key));
  if (!token.ok()) return fail(Code::generic, token.error().message);
  if (!*token) return fail(Code::bad_api_key, "invalid API key");
  if ((*token)->expires_at_ms != 0 && (*token)->expires_at_ms <= now_unix_ms()) {
    return fail(Code::bad_api_key, "the API key has expired");
  }
  auto user = ctx.catalog.user_by_id((*token)->user_id);
  if (!user.ok()) return fail(Code::generic, user.error().message);
  if (!*user) return fail(Code::bad_api_key, "the API key's user no longer exists");
  return AuthOutcome{std::move(**user), Code::generic, {}};
}

AuthOutcome by_password(ApiContext& ctx, PasswordCache& cache, const Params& params) {
  const std::string username(*params.get("u"));
  const auto token = params.get("t");
  const auto salt = params.get("s");
  const auto password = params.get("p");
  if (!token && !password) return fail(Code::missing_parameter, "required parameter 't' or 'p' is missing");
  if (token && (!salt || salt->size() < kSaltBytesMin)) {
    return fail(Code::missing_parameter, "required parameter 's' (6 or more characters) is missing");
  }
  const uint64_t epoch = ctx.catalog.auth_epoch();
  auto user = ctx.catalog.user_by_name(username);
  if (!user.ok()) return fail(Code::generic, user.error().message);
  if (!*user) return fail(Code::wrong_credentials, "wrong username or password");
  auto stored = subsonic_password(ctx, (*user)->id);
  // A box that does not open (another key, a changed row) counts as no
  // Subsonic password: token logins fail with 40 (subsonic_password() logs
  // why), the account password still works. Never a crash or a 500.
  if (!stored.ok() && stored.error().code != Errc::corrupt)
    return fail(Code::generic, stored.error().message);
  const std::optional<std::string> secret = stored.ok() ? *stored : std::nullopt;
  if (token) {
    if (!secret) {
      return fail(
          Code::wrong_credentials,
          "token authentication needs a Subsonic password: set one with PUT /api/v1/me/subsonic-password");
    }
    if (!same_text(md5_hex(*secret + std::string(*salt)), lower(*token))) {
      return fail(Code::wrong_credentials, "wrong username or password");
    }
    return AuthOutcome{std::move(**user), Code::generic, {}};
  }
  const auto plain = decode_password(*password);
  if (!plain) return fail(Code::wrong_credentials, "wrong username or password");
  if (secret && same_text(*secret, *plain)) return AuthOutcome{std::move(**user), Code::generic, {}};
  const std::string key = (*user)->id + ":" + sha256_hex(*plain);
  if (!cache.contains(key, epoch)) {
    if (!verify_password((*user)->password_hash, *plain)) {
      return fail(Code::wrong_credentials, "wrong username or password");
    }
    cache.insert(key, epoch);
  }
  return AuthOutcome{std::move(**user), Code::generic, {}};
}

AuthOutcome attempt(ApiContext& ctx, PasswordCache& cache, const Params& params) {
  const bool has_key = params.has("apiKey");
  if (has_key && (params.has("u") || params.has("p") || params.has("t"))) {
    return fail(Code::conflicting_auth, "multiple conflicting authentication mechanisms provided");
  }
  if (has_key) return by_api_key(ctx, *params.get("apiKey"));
  if (params.has("p") && params.has("t")) {
    return fail(Code::conflicting_auth, "multiple conflicting authentication mechanisms provided");
  }
  if (!params.has("u") || params.get("u")->empty())
    return fail(Code::missing_parameter, "required parameter 'u' is missing");
  return by_password(ctx, cache, params);
}

}  // namespace

bool PasswordCache::contains(const std::string& key, uint64_t epoch) {
  std::lock_guard lock(mutex_);
  return epoch_ == epoch && verified_.contains(key);
}

void PasswordCache::insert(const std::string& key, uint64_t epoch) {
  std::lock_guard lock(mutex_);
  if (epoch != epoch_ || verified_.size() >= kEntriesMax) {
    verified_.clear();
    epoch_ = epoch;
  }
  verified_[key] = true;
}

AuthOutcome authenticate(ApiContext& ctx, PasswordCache& cache, const Params& params,
                         std::string_view client_address) {
  const std::string user = params.has("apiKey") ? std::string() : std::string(params.get("u").value_or(""));
  if (!user.empty()) {
    if (const int64_t wait_ms = ctx.login_limiter.wait_ms(user, client_address, now_unix_ms()); wait_ms > 0) {
      return fail(Code::generic,
                  "too many failed logins: try again in " + std::to_string((wait_ms + 999) / 1000) + " s");
    }
  }
  AuthOutcome outcome = attempt(ctx, cache, params);
  const bool retry = outcome.code == Code::wrong_credentials || outcome.code == Code::bad_api_key;
  if (!outcome.user && retry) {
    // The user, password or key may have been created through another node
    // a moment ago: catch up with the cluster once before refusing.
    if (Status fresh = ctx.proposer.read_barrier(); !fresh.ok())
      return fail(Code::generic, fresh.error().message);
    outcome = attempt(ctx, cache, params);
  }
  if (!user.empty() && outcome.code == Code::wrong_credentials && !outcome.user) {
    ctx.login_limiter.record_failure(user, client_address, now_unix_ms());
    // Into the audit log, like a REST login; the limiter bounds how often.
    catalog::RecordLoginFailure failure{client_text(user, kFailedUsernameBytesMax),
                                        {.at_ms = now_unix_ms(), .address = std::string(client_address)}};
    if (auto recorded = ctx.proposer.propose(failure); !recorded.ok()) {
      log::warn("failed Subsonic login not recorded in the audit log", {{"error", recorded.error().message}});
    }
  }
  return outcome;
}

std::string md5_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const int ok = EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
  DISPOTIFY_CHECK(ok == 1 && length == 16);
  return to_hex(std::span<const unsigned char>(digest, length));
}

std::optional<std::string> decode_password(std::string_view p) {
  if (!p.starts_with("enc:")) return std::string(p);
  p.remove_prefix(4);
  return from_hex(p);
}

}  // namespace dispotify::api::subsonic
