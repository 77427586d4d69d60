#include "gcm.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <string>

#include "openssl_util.hpp"

namespace evidence::gcm {

namespace {
Status OpenSslError(std::string_view what) {
  return Status::IoError(std::string(what) + ": " + ossl::DrainErrors());
}
}  // namespace

Result<Bytes> Seal(ByteView key, ByteView nonce, ByteView aad, ByteView plain) {
  if (key.size() != 32 || nonce.size() != kNonceSize) {
    return Status::InvalidArgument("AES-256-GCM: wrong key or nonce size");
  }
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Bytes out(plain.size() + kTagSize);
  int len = 0;
  int fin = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, plain.data(),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1 ||
      static_cast<std::size_t>(len + fin) != plain.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                          out.data() + plain.size()) != 1) {
    return OpenSslError("AES-256-GCM encrypt");
  }
  return out;
}

Result<bool> Open(ByteView key, ByteView nonce, ByteView aad, ByteView sealed,
                  std::span<std::uint8_t> out) {
  if (key.size() != 32 || nonce.size() != kNonceSize) {
    return Status::InvalidArgument("AES-256-GCM: wrong key or nonce size");
  }
  if (sealed.size() != out.size() + kTagSize) return false;
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int fin = 0;
  const std::size_t body = out.size();
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out.data(), &len, sealed.data(), static_cast<int>(body)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                          const_cast<std::uint8_t*>(sealed.data() + body)) != 1) {
    return OpenSslError("AES-256-GCM decrypt");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1) {
    ERR_clear_error();
    OPENSSL_cleanse(out.data(), out.size());
    return false;
  }
  return true;
}

}  // namespace evidence::gcm
