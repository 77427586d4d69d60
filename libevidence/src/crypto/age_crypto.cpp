#include "age_crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <string>

#include "evidence/key_file.hpp"
#include "openssl_util.hpp"
#include "scrypt.hpp"

namespace evidence::age_internal {
namespace {

Status OpenSslError(std::string_view what) {
  return Status::IoError("age: " + std::string(what) + ": " + ossl::DrainErrors());
}

Result<ossl::PkeyPtr> X25519Key(const Key32& scalar) {
  ossl::PkeyPtr key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, scalar.data(), scalar.size()));
  if (!key) return OpenSslError("X25519 key");
  return key;
}

}  // namespace

Status Hkdf(ByteView ikm, ByteView salt, std::string_view info, Key32* out) {
  ossl::KdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) return OpenSslError("HKDF");
  ossl::KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return OpenSslError("HKDF");
  char digest[] = "SHA256";
  OSSL_PARAM ps[5];
  int i = 0;
  ps[i++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  ps[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                              const_cast<std::uint8_t*>(ikm.data()), ikm.size());
  // An absent salt is HashLen zero bytes (RFC 5869), which is what an empty salt means too.
  if (!salt.empty()) {
    ps[i++] = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()), salt.size());
  }
  ps[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()),
                                              info.size());
  ps[i] = OSSL_PARAM_construct_end();
  if (EVP_KDF_derive(ctx.get(), out->data(), out->size(), ps) != 1) return OpenSslError("HKDF");
  return Status::Ok();
}

Status HmacSha256(ByteView key, ByteView data, Key32* out) {
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
           out->data(), &len) == nullptr ||
      len != out->size()) {
    return OpenSslError("HMAC");
  }
  return Status::Ok();
}

Result<Bytes> ChaChaSeal(const Key32& key, const Nonce12& nonce, ByteView plaintext) {
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Bytes out(plaintext.size() + kTagSize);
  int len = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, key.data(), nonce.data()) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kTagSize,
                          out.data() + plaintext.size()) != 1) {
    return OpenSslError("ChaCha20-Poly1305");
  }
  return out;
}

Result<bool> ChaChaOpen(const Key32& key, const Nonce12& nonce, ByteView ciphertext,
                        std::uint8_t* out) {
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  const std::size_t n = ciphertext.size() - kTagSize;
  int len = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_chacha20_poly1305(), nullptr, key.data(), nonce.data()) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), out, &len, ciphertext.data(), static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kTagSize,
                          const_cast<std::uint8_t*>(ciphertext.data() + n)) != 1) {
    return OpenSslError("ChaCha20-Poly1305");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), out + len, &len) != 1) {
    ERR_clear_error();
    OPENSSL_cleanse(out, n);
    return false;
  }
  return true;
}

Result<std::optional<Key32>> X25519(const Key32& scalar, const Key32& point) {
  auto priv = X25519Key(scalar);
  if (!priv.ok()) return priv.status();
  ossl::PkeyPtr peer(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, point.data(), point.size()));
  if (!peer) return OpenSslError("X25519 point");
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(priv->get(), nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) return OpenSslError("X25519");
  // OpenSSL checks the peer key while setting it; a low-order point is refused there or by the
  // all-zero check in derive.
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 0) != 1) {
    ERR_clear_error();
    return std::optional<Key32>();
  }
  Key32 shared{};
  std::size_t len = shared.size();
  if (EVP_PKEY_derive(ctx.get(), shared.data(), &len) != 1) {
    ERR_clear_error();
    return std::optional<Key32>();
  }
  Key32 zero{};
  if (len != shared.size() || CRYPTO_memcmp(shared.data(), zero.data(), zero.size()) == 0) {
    return std::optional<Key32>();
  }
  return std::optional<Key32>(shared);
}

Result<Key32> X25519Public(const Key32& scalar) {
  auto priv = X25519Key(scalar);
  if (!priv.ok()) return priv.status();
  Key32 pub{};
  std::size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(priv->get(), pub.data(), &len) != 1 || len != pub.size()) {
    return OpenSslError("X25519 public key");
  }
  return pub;
}

Status Scrypt(std::string_view passphrase, ByteView salt, int log_n, Key32* out) {
  ScryptParams params;
  params.n = std::uint64_t{1} << log_n;
  params.r = 8;
  params.p = 1;
  return DeriveScrypt(passphrase, salt, params, *out).WithContext("age");
}

Status RandomBytes(std::uint8_t* out, std::size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) return OpenSslError("random bytes");
  return Status::Ok();
}

}  // namespace evidence::age_internal
