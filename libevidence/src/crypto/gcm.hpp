// One-shot AES-256-GCM over a small value held whole in memory: the sealed key files
// (passphrase_seal) and the ledger's encrypted columns (column_cipher). Objects, which stream, use
// stream_aead instead.
#pragma once

#include <cstddef>
#include <span>

#include "evidence/bytes.hpp"
#include "evidence/status.hpp"
#include "openssl_util.hpp"
#include "secret_key.hpp"

namespace evidence::gcm {

inline constexpr std::size_t kNonceSize = 12;
inline constexpr std::size_t kTagSize = 16;

// AES-256-GCM of `plain` under `key` (32 bytes) with a 12-byte `nonce` and `aad`: the ciphertext
// followed by the tag. kIoError when OpenSSL fails.
Result<Bytes> Seal(ByteView key, ByteView nonce, ByteView aad, ByteView plain);

// Opens `sealed` (ciphertext || tag) into `out`, which must be exactly the ciphertext's size.
// false when it does not open (a wrong key, a changed byte, another `aad`): `out` is then wiped.
// kIoError when OpenSSL fails.
Result<bool> Open(ByteView key, ByteView nonce, ByteView aad, ByteView sealed,
                  std::span<std::uint8_t> out);

// Seal and Open under one key for many values: each direction's context is set up with the key
// once, on first use, and every value after that only sets its nonce, where the functions above
// set up a context per value (the ledger opens a value for every encrypted column of every row
// it reads). Same results and errors as Seal and Open. Not safe for concurrent use: the contexts
// are state, so one thread at a time. `key` must outlive the cipher.
class Cipher {
 public:
  explicit Cipher(ByteView key) : key_(key) {}

  Result<Bytes> Seal(ByteView nonce, ByteView aad, ByteView plain);
  Result<bool> Open(ByteView nonce, ByteView aad, ByteView sealed, std::span<std::uint8_t> out);

 private:
  ByteView key_;
  ossl::CipherCtxPtr seal_;  // keyed for encryption, or null until the first Seal
  ossl::CipherCtxPtr open_;  // keyed for decryption, or null until the first Open
};

}  // namespace evidence::gcm
