// The few X.509 operations a cluster's certificate authority needs, over
// PEM text: an ECDSA P-256 key, a self-signed CA certificate, a leaf
// certificate issued for a public key, and reading a certificate back.
// Pure functions of their inputs except for the key and serial randomness;
// files and policy (who gets a certificate) belong to the caller.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"

namespace dispotify::x509 {

struct KeyPair {
  std::string private_key_pem;  // PKCS#8
  std::string public_key_pem;   // SubjectPublicKeyInfo
};

struct Issued {
  std::string certificate_pem;
  std::string serial_hex;  // lower-case hex of the serial's bytes, as net::PeerCertificate reports it
};

struct CertificateInfo {
  std::string common_name;
  std::string serial_hex;
  int64_t not_before_unix = 0;
  int64_t not_after_unix = 0;
  bool is_ca = false;
};

[[nodiscard]] Result<KeyPair> generate_key();
// The public half of a private key (to check that a key and a certificate match).
[[nodiscard]] Result<std::string> public_key_of(const std::string& private_key_pem);

// A CA certificate valid from now_unix - 1 h (clock skew) for `days`.
[[nodiscard]] Result<Issued> self_signed_ca(const KeyPair& ca_key, const std::string& common_name,
                                            int64_t now_unix, int64_t days);

// A leaf certificate (client and server authentication) for `public_key_pem`
// naming `common_name`, signed by the CA. Errc::invalid_argument for a
// malformed key or CA.
[[nodiscard]] Result<Issued> issue(const std::string& ca_certificate_pem,
                                   const std::string& ca_private_key_pem, const std::string& public_key_pem,
                                   const std::string& common_name, int64_t now_unix, int64_t days);

[[nodiscard]] Result<CertificateInfo> inspect(const std::string& certificate_pem);

// The public key a certificate certifies, as PEM.
[[nodiscard]] Result<std::string> certified_public_key(const std::string& certificate_pem);

}  // namespace dispotify::x509
