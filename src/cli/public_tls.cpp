#include "cli/public_tls.h"

#include "base/fs.h"
#include "base/log.h"

namespace dispotify::cli {
namespace {

constexpr uint64_t kPemFileBytesMax = 1 << 20;

Result<std::shared_ptr<net::TlsContext>> read_context(const Options& options) {
  const std::string cert = options.get_or("tls-cert", "");
  const std::string key = options.get_or("tls-key", "");
  auto chain = fs::read_file(cert, kPemFileBytesMax);
  if (!chain.ok())
    return make_error(Errc::invalid_argument, "--tls-cert " + cert + ": " + chain.error().message);
  auto private_key = fs::read_file(key, kPemFileBytesMax);
  if (!private_key.ok())
    return make_error(Errc::invalid_argument, "--tls-key " + key + ": " + private_key.error().message);
  net::TlsServerSettings settings;
  settings.certificate_chain_pem = std::move(*chain);
  settings.private_key_pem = std::move(*private_key);
  settings.tls13_only = false;  // TLS 1.2 too: older phones' Subsonic apps
  return net::make_server_tls(settings);
}

}  // namespace

Result<std::shared_ptr<net::TlsSlot>> load_public_tls(const Options& options) {
  const bool cert = !options.get_or("tls-cert", "").empty();
  const bool key = !options.get_or("tls-key", "").empty();
  if (!cert && !key) return std::shared_ptr<net::TlsSlot>();
  if (cert != key) return make_error(Errc::invalid_argument, "--tls-cert and --tls-key go together");
  DISPOTIFY_ASSIGN_OR_RETURN(std::shared_ptr<net::TlsContext> context, read_context(options));
  return std::make_shared<net::TlsSlot>(std::move(context));
}

void reload_public_tls(const Options& options, net::TlsSlot& slot) {
  auto context = read_context(options);
  if (!context.ok()) {
    log::error("SIGHUP: the TLS certificate was not reloaded; keeping the old one",
               {{"error", context.error().message}});
    return;
  }
  slot.set(std::move(*context));
  log::info("SIGHUP: reloaded the TLS certificate", {{"cert", options.get_or("tls-cert", "")}});
}

net::Handler with_transport_security(net::Handler handler, bool https) {
  if (!https) return handler;
  return [handler = std::move(handler)](net::Request& request) {
    net::Response response = handler(request);
    response.set_header("Strict-Transport-Security", "max-age=31536000");
    return response;
  };
}

}  // namespace dispotify::cli
