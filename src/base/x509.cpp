#include "base/x509.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "base/hex.h"

namespace dispotify::x509 {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

Error openssl_error(std::string_view what) { return make_error(Errc::invalid_argument, std::string(what)); }

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(length));
}

Bio read_bio(const std::string& pem) {
  return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

Result<Key> private_key(const std::string& pem) {
  Bio bio = read_bio(pem);
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return openssl_error("not a PEM private key");
  return key;
}

Result<Key> public_key(const std::string& pem) {
  Bio bio = read_bio(pem);
  Key key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return openssl_error("not a PEM public key");
  return key;
}

Result<Cert> certificate(const std::string& pem) {
  Bio bio = read_bio(pem);
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return openssl_error("not a PEM certificate");
  return cert;
}

Result<std::string> public_pem(EVP_PKEY* key) {
  Bio out(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(out.get(), key) != 1) return openssl_error("cannot write a public key");
  return bio_text(out.get());
}

// 16 random bytes, first one 0x01..0x7f: positive, and no leading zero
// byte, so its DER bytes are exactly these (and so is serial_hex).
Result<std::string> set_random_serial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return make_error(Errc::internal, "no randomness for a serial");
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x01);
  Bignum bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    return make_error(Errc::internal, "cannot set a serial");
  }
  return to_hex(std::span<const unsigned char>(bytes));
}

Status add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return make_error(Errc::internal, "cannot add an extension");
  return ok_status();
}

// The fields both kinds of certificate share.
Result<Cert> new_certificate(EVP_PKEY* subject_key, const std::string& common_name, int64_t now_unix,
                             int64_t days) {
  Cert cert(X509_new());
  if (!cert) return make_error(Errc::internal, "X509_new failed");
  X509_set_version(cert.get(), 2);
  constexpr int64_t kSkewSeconds = 3600;
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(now_unix - kSkewSeconds));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(now_unix + days * 86400));
  X509_set_pubkey(cert.get(), subject_key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (common_name.empty() || common_name.size() > 64 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1) {
    return make_error(Errc::invalid_argument, "bad certificate name '" + common_name + "'");
  }
  return cert;
}

Result<std::string> pem_of(X509* cert) {
  Bio out(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(out.get(), cert) != 1)
    return make_error(Errc::internal, "cannot write a certificate");
  return bio_text(out.get());
}

int64_t unix_of(const ASN1_TIME* time) {
  struct tm parts {};
  if (ASN1_TIME_to_tm(time, &parts) != 1) return 0;
  return static_cast<int64_t>(timegm(&parts));
}

}  // namespace

Result<KeyPair> generate_key() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) return make_error(Errc::internal, "cannot generate a P-256 key");
  Bio out(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return make_error(Errc::internal, "cannot write a private key");
  }
  KeyPair pair;
  pair.private_key_pem = bio_text(out.get());
  DISPOTIFY_ASSIGN_OR_RETURN(pair.public_key_pem, public_pem(key.get()));
  return pair;
}

Result<std::string> public_key_of(const std::string& private_key_pem) {
  DISPOTIFY_ASSIGN_OR_RETURN(Key key, private_key(private_key_pem));
  return public_pem(key.get());
}

Result<Issued> self_signed_ca(const KeyPair& ca_key, const std::string& common_name, int64_t now_unix,
                              int64_t days) {
  DISPOTIFY_ASSIGN_OR_RETURN(Key key, private_key(ca_key.private_key_pem));
  DISPOTIFY_ASSIGN_OR_RETURN(Cert cert, new_certificate(key.get(), common_name, now_unix, days));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  Issued out;
  DISPOTIFY_ASSIGN_OR_RETURN(out.serial_hex, set_random_serial(cert.get()));
  DISPOTIFY_TRY(add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  DISPOTIFY_TRY(add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  DISPOTIFY_TRY(add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return make_error(Errc::internal, "cannot sign");
  DISPOTIFY_ASSIGN_OR_RETURN(out.certificate_pem, pem_of(cert.get()));
  return out;
}

Result<Issued> issue(const std::string& ca_certificate_pem, const std::string& ca_private_key_pem,
                     const std::string& public_key_pem, const std::string& common_name, int64_t now_unix,
                     int64_t days) {
  DISPOTIFY_ASSIGN_OR_RETURN(Cert ca, certificate(ca_certificate_pem));
  DISPOTIFY_ASSIGN_OR_RETURN(Key ca_key, private_key(ca_private_key_pem));
  if (X509_check_private_key(ca.get(), ca_key.get()) != 1) {
    return make_error(Errc::invalid_argument, "the CA key does not match the CA certificate");
  }
  DISPOTIFY_ASSIGN_OR_RETURN(Key subject, public_key(public_key_pem));
  DISPOTIFY_ASSIGN_OR_RETURN(Cert cert, new_certificate(subject.get(), common_name, now_unix, days));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
  Issued out;
  DISPOTIFY_ASSIGN_OR_RETURN(out.serial_hex, set_random_serial(cert.get()));
  DISPOTIFY_TRY(add_extension(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE"));
  DISPOTIFY_TRY(add_extension(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature"));
  DISPOTIFY_TRY(add_extension(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth,clientAuth"));
  DISPOTIFY_TRY(add_extension(cert.get(), ca.get(), NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0)
    return make_error(Errc::internal, "cannot sign");
  DISPOTIFY_ASSIGN_OR_RETURN(out.certificate_pem, pem_of(cert.get()));
  return out;
}

Result<CertificateInfo> inspect(const std::string& certificate_pem) {
  DISPOTIFY_ASSIGN_OR_RETURN(Cert cert, certificate(certificate_pem));
  CertificateInfo info;
  char name[256] = {};
  const int length =
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, name, sizeof name);
  if (length > 0) info.common_name.assign(name, static_cast<size_t>(length));
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  info.serial_hex = to_hex(std::span<const unsigned char>(serial->data, static_cast<size_t>(serial->length)));
  info.not_before_unix = unix_of(X509_get0_notBefore(cert.get()));
  info.not_after_unix = unix_of(X509_get0_notAfter(cert.get()));
  info.is_ca = X509_check_ca(cert.get()) != 0;
  return info;
}

Result<std::string> certified_public_key(const std::string& certificate_pem) {
  DISPOTIFY_ASSIGN_OR_RETURN(Cert cert, certificate(certificate_pem));
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (key == nullptr) return openssl_error("the certificate has no public key");
  return public_pem(key);
}

}  // namespace dispotify::x509
