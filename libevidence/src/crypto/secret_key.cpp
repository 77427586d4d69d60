#include "secret_key.hpp"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sys/mman.h>

#include <string>

#include "openssl_util.hpp"

namespace evidence {

SecretKey::Block::Block() { locked = ::mlock(key.data(), key.size()) == 0; }

SecretKey::Block::~Block() {
  OPENSSL_cleanse(key.data(), key.size());
  if (locked) ::munlock(key.data(), key.size());
}

Result<SecretKey> SecretKey::Random() {
  SecretKey k;
  if (RAND_bytes(k.mutable_bytes().data(), static_cast<int>(kSize)) != 1) {
    return Status::IoError("random key: " + ossl::DrainErrors());
  }
  return k;
}

Result<SecretKey> SecretKey::FromBytes(ByteView bytes, SecretKeyAccess) {
  if (bytes.size() != kSize) {
    return Status::InvalidArgument("secret key: " + std::to_string(bytes.size()) + " bytes, not " +
                                   std::to_string(kSize));
  }
  SecretKey k;
  std::copy(bytes.begin(), bytes.end(), k.mutable_bytes().begin());
  return k;
}

Result<SecretKey> HkdfSha256(ByteView ikm, ByteView salt, ByteView info) {
  ossl::KdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  ossl::KdfCtxPtr ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  if (!ctx) return Status::IoError("hkdf: " + ossl::DrainErrors());
  char digest[] = "SHA256";
  // An empty salt is left out rather than passed empty: OpenSSL refuses a zero-length salt
  // parameter, and RFC 5869 defines the absent salt as HashLen zero bytes.
  OSSL_PARAM ps[5];
  OSSL_PARAM* p = ps;
  *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                           const_cast<std::uint8_t*>(ikm.data()), ikm.size());
  if (!salt.empty()) {
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                             const_cast<std::uint8_t*>(salt.data()), salt.size());
  }
  *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                           const_cast<std::uint8_t*>(info.data()), info.size());
  *p = OSSL_PARAM_construct_end();
  std::array<std::uint8_t, SecretKey::kSize> out{};
  ossl::ScopedCleanse wipe(out.data(), out.size());
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), ps) != 1) {
    return Status::IoError("hkdf: " + ossl::DrainErrors());
  }
  return SecretKey::FromBytes(out, InsecureSecretKeyAccess::Get());
}

Result<std::array<std::uint8_t, 32>> HmacSha256(const SecretKey& key, ByteView data) {
  std::array<std::uint8_t, 32> mac{};
  unsigned int len = 0;
  ByteView k = key.bytes(InsecureSecretKeyAccess::Get());
  if (HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()), data.data(), data.size(), mac.data(),
           &len) == nullptr ||
      len != mac.size()) {
    return Status::IoError("hmac: " + ossl::DrainErrors());
  }
  return mac;
}

}  // namespace evidence
