// HTTPS on the public port: --tls-cert and --tls-key (PEM files), read at
// start and again on SIGHUP. A reload that fails keeps the old certificate
// (and says why); connections already open keep theirs, so a renewal drops
// no stream.
#pragma once

#include <memory>

#include "base/result.h"
#include "cli/options.h"
#include "net/http.h"
#include "net/tls.h"

namespace dispotify::cli {

// nullptr when neither option is set; Errc::invalid_argument when only one
// is, or the files are no valid certificate and key.
[[nodiscard]] Result<std::shared_ptr<net::TlsSlot>> load_public_tls(const Options& options);
void reload_public_tls(const Options& options, net::TlsSlot& slot);

// Over HTTPS, every answer tells browsers to use nothing else for a year
// (HSTS); over HTTP the handler is returned as it is.
net::Handler with_transport_security(net::Handler handler, bool https);

}  // namespace dispotify::cli
