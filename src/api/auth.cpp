#include "api/auth.h"

#include "base/clock.h"
#include "base/random.h"
#include "base/sha256.h"

namespace dispotify::api {
namespace {

constexpr std::string_view kBearerPrefix = "Bearer ";
constexpr size_t kTokenSecretBytes = 24;

std::optional<std::string_view> presented_token(const net::Request& request) {
  if (auto h = request.header("Authorization")) {
    if (h->size() > kBearerPrefix.size() && h->substr(0, kBearerPrefix.size()) == kBearerPrefix) {
      return h->substr(kBearerPrefix.size());
    }
    return std::nullopt;
  }
  if (request.method == "GET" || request.method == "HEAD") return request.query_param("access_token");
  return std::nullopt;
}

}  // namespace

Result<std::pair<catalog::User, catalog::Token>> authenticate(ApiContext& ctx, const net::Request& request) {
  const auto secret = presented_token(request);
  if (!secret || secret->empty()) {
    return make_error(Errc::unauthenticated, "missing credentials: send Authorization: Bearer <token>");
  }
  const std::string hash = sha256_hex(*secret);
  // Read the epoch before the lookups: the answer is at least this fresh.
  const uint64_t index = ctx.catalog.auth_epoch();
  auto who = ctx.auth_cache.find(hash, index);
  if (!who) {
    DISPOTIFY_ASSIGN_OR_RETURN(auto token, ctx.catalog.token_by_hash(hash));
    if (!token) return make_error(Errc::unauthenticated, "invalid or revoked token");
    DISPOTIFY_ASSIGN_OR_RETURN(auto user, ctx.catalog.user_by_id(token->user_id));
    if (!user) return make_error(Errc::unauthenticated, "the token's user no longer exists");
    who.emplace(std::move(*user), std::move(*token));
    ctx.auth_cache.insert(hash, index, *who);
  }
  if (who->second.expires_at_ms != 0 && who->second.expires_at_ms <= now_unix_ms()) {
    return make_error(Errc::unauthenticated, "token expired: log in again");
  }
  return std::move(*who);
}

Result<IssuedToken> issue_token(ApiContext& ctx, const std::string& user_id, std::string kind,
                                std::string name, const catalog::Origin& origin) {
  IssuedToken issued;
  issued.secret = "dsp_" + random_hex(kTokenSecretBytes);
  catalog::Token& t = issued.token;
  t.id = random_id();
  t.user_id = user_id;
  t.token_hash = sha256_hex(issued.secret);
  t.name = std::move(name);
  t.created_at_ms = origin.at_ms;
  t.expires_at_ms = kind == "session" ? t.created_at_ms + ctx.options.session_ttl_ms : 0;
  t.kind = std::move(kind);
  DISPOTIFY_TRY(ctx.proposer.propose(catalog::CreateToken{t, origin}));
  return issued;
}

}  // namespace dispotify::api
