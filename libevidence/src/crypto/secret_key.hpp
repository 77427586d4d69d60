// A 256-bit secret key in memory: the case key and the subkeys derived from it. The bytes live in
// one heap block that is wiped with OPENSSL_cleanse when the key is destroyed and, where
// the system allows, locked out of swap with mlock. Move-only, so a copy of key bytes is never
// made by accident; the bytes are reachable only through an InsecureSecretKeyAccess token.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "evidence/bytes.hpp"
#include "evidence/signing.hpp"
#include "evidence/status.hpp"

namespace evidence {

class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;

  // A fresh key from OpenSSL's RNG. kIoError if the RNG fails.
  static Result<SecretKey> Random();
  // A key holding `bytes`, which must be kSize bytes long (kInvalidArgument otherwise). The caller
  // wipes its own copy.
  static Result<SecretKey> FromBytes(ByteView bytes, SecretKeyAccess);

  SecretKey(SecretKey&&) noexcept = default;
  SecretKey& operator=(SecretKey&&) noexcept = default;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey() = default;

  ByteView bytes(SecretKeyAccess) const { return ByteView(block_->key.data(), kSize); }
  // Whether mlock succeeded. Failure (RLIMIT_MEMLOCK, no privilege) is not an error: the key still
  // works, it may only reach swap.
  bool locked() const { return block_->locked; }

 private:
  // A page of its own: mlock does not count, so one munlock unlocks the whole page, and a key
  // destroyed beside a live one on a shared page would leave the live one swappable.
  struct alignas(4096) Block {
    std::array<std::uint8_t, kSize> key{};
    bool locked = false;
    Block();
    ~Block();
    Block(const Block&) = delete;
    Block& operator=(const Block&) = delete;
  };
  SecretKey() : block_(std::make_unique<Block>()) {}
  std::array<std::uint8_t, kSize>& mutable_bytes() { return block_->key; }

  // Heap-held so that moving a key moves the pointer, never the bytes: no stale copy is left
  // behind in a moved-from object, and the locked page stays the one holding the key.
  std::unique_ptr<Block> block_;
};

// HKDF-SHA-256 (RFC 5869) of `ikm` with `salt` and `info`, giving a new SecretKey. kIoError when
// OpenSSL fails.
Result<SecretKey> HkdfSha256(ByteView ikm, ByteView salt, ByteView info);

// HMAC-SHA-256 of `data` under `key`.
Result<std::array<std::uint8_t, 32>> HmacSha256(const SecretKey& key, ByteView data);

}  // namespace evidence
