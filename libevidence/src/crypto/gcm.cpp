#include "gcm.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <string>

#include "openssl_util.hpp"
#include "status_macros.hpp"

namespace evidence::gcm {

namespace {
Status OpenSslError(std::string_view what) {
  return Status::IoError(std::string(what) + ": " + ossl::DrainErrors());
}

// Sets `ctx` up for AES-256-GCM under `key` in one direction, once; later calls leave it as it is.
// A context that failed half-way is dropped, so the next call starts again.
Status Keyed(ossl::CipherCtxPtr& ctx, ByteView key, int encrypt) {
  if (ctx) return Status::Ok();
  if (key.size() != 32) return Status::InvalidArgument("AES-256-GCM: wrong key or nonce size");
  ossl::CipherCtxPtr fresh(EVP_CIPHER_CTX_new());
  if (!fresh || EVP_CipherInit_ex(fresh.get(), EVP_aes_256_gcm(), nullptr, key.data(), nullptr,
                                  encrypt) != 1) {
    return OpenSslError(encrypt ? "AES-256-GCM encrypt" : "AES-256-GCM decrypt");
  }
  ctx = std::move(fresh);
  return Status::Ok();
}

}  // namespace

Result<Bytes> Cipher::Seal(ByteView nonce, ByteView aad, ByteView plain) {
  if (nonce.size() != kNonceSize) {
    return Status::InvalidArgument("AES-256-GCM: wrong key or nonce size");
  }
  EVIDENCE_RETURN_IF_ERROR(Keyed(seal_, key_, 1));
  Bytes out(plain.size() + kTagSize);
  int len = 0;
  int fin = 0;
  EVP_CIPHER_CTX* ctx = seal_.get();
  if (EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx, out.data(), &len, plain.data(), static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx, out.data() + len, &fin) != 1 ||
      static_cast<std::size_t>(len + fin) != plain.size() ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                          out.data() + plain.size()) != 1) {
    seal_.reset();
    return OpenSslError("AES-256-GCM encrypt");
  }
  return out;
}

Result<bool> Cipher::Open(ByteView nonce, ByteView aad, ByteView sealed,
                          std::span<std::uint8_t> out) {
  if (nonce.size() != kNonceSize) {
    return Status::InvalidArgument("AES-256-GCM: wrong key or nonce size");
  }
  EVIDENCE_RETURN_IF_ERROR(Keyed(open_, key_, 0));
  if (sealed.size() != out.size() + kTagSize) return false;
  int len = 0;
  int fin = 0;
  const std::size_t body = out.size();
  EVP_CIPHER_CTX* ctx = open_.get();
  if (EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()) != 1 ||
      EVP_DecryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx, out.data(), &len, sealed.data(), static_cast<int>(body)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                          const_cast<std::uint8_t*>(sealed.data() + body)) != 1) {
    open_.reset();
    return OpenSslError("AES-256-GCM decrypt");
  }
  if (EVP_DecryptFinal_ex(ctx, out.data() + len, &fin) != 1) {
    ERR_clear_error();
    OPENSSL_cleanse(out.data(), out.size());
    return false;
  }
  return true;
}

Result<Bytes> Seal(ByteView key, ByteView nonce, ByteView aad, ByteView plain) {
  return Cipher(key).Seal(nonce, aad, plain);
}

Result<bool> Open(ByteView key, ByteView nonce, ByteView aad, ByteView sealed,
                  std::span<std::uint8_t> out) {
  return Cipher(key).Open(nonce, aad, sealed, out);
}

}  // namespace evidence::gcm
