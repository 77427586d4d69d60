// A streaming AEAD for objects of any size (docs/case-format.md, "Encryption at rest"): AES-256-GCM
// over fixed-size chunks, in the manner of Tink's AES-GCM-HKDF streaming AEAD and age's STREAM.
//
//   header   = version (1 byte, 0x01) || salt (32 random bytes) || nonce prefix (7 random bytes)
//   key      = HKDF-SHA-256(ikm = content key, salt = header salt, info = "evidence object v1")
//   stream   = plaintext || identity (32 bytes), cut into chunks of kChunkSize bytes
//   chunk i  = AES-256-GCM(key, nonce = prefix || i as 4 bytes big-endian || last flag, no AAD)
//
// Every chunk holds kChunkSize bytes of the stream except the last, which holds 1 to kChunkSize;
// each carries a 16-byte tag. Every chunk is bound to its object by the object's own key (from a
// fresh 256-bit salt), so a chunk of another object never checks, and GCM nonces never need to be
// unique across objects. The object is bound to its identity (the caller's associated data, e.g.
// its keyed name) by the identity sealed at the end of the stream rather than by HKDF or AAD: the
// object store learns an object's name only from the plaintext's hash, at the end of the single
// pass that also encrypts it, and a file can only be appended to. Sealed under the last-chunk
// flag, the identity also lets a reader say "these are the bytes of object X", not just "invalid".
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include "evidence/bytes.hpp"
#include "evidence/status.hpp"
#include "gcm.hpp"
#include "openssl_util.hpp"
#include "secret_key.hpp"

namespace evidence {

namespace stream_aead {

// 64 KiB of plaintext per chunk: the tag overhead is 16 bytes in 65536 (0.02%), a reader buffers
// one chunk (flat memory whatever the object's size), and a damaged object is located to within
// 64 KiB. It is also what age and Tink use, so the trade-offs are well trodden.
inline constexpr std::size_t kChunkSize = 64 * 1024;
inline constexpr std::size_t kTagSize = gcm::kTagSize;
inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::size_t kSaltSize = 32;
inline constexpr std::size_t kNoncePrefixSize = 7;
inline constexpr std::size_t kHeaderSize = 1 + kSaltSize + kNoncePrefixSize;
inline constexpr std::size_t kIdentitySize = 32;
using Identity = std::array<std::uint8_t, kIdentitySize>;

// The exact ciphertext length for `plaintext_size` bytes of plaintext.
std::uint64_t CiphertextSize(std::uint64_t plaintext_size);

using Sink = std::function<Status(ByteView)>;

}  // namespace stream_aead

// Encrypts one object as it streams: Update with the plaintext in pieces of any size, then Finish
// with the object's identity. The ciphertext goes to `sink` in order (the header first, then whole
// chunks). Refuses calls after Finish or after an error (kInvalidArgument).
class StreamEncryptor {
 public:
  // `key` is the content key (read only here). kIoError when the RNG or OpenSSL fails.
  static Result<StreamEncryptor> Start(const SecretKey& key, stream_aead::Sink sink);

  StreamEncryptor(StreamEncryptor&&) noexcept;
  StreamEncryptor& operator=(StreamEncryptor&&) noexcept;
  ~StreamEncryptor();

  Status Update(ByteView plaintext);
  // Appends the identity and seals the last chunk.
  Status Finish(const stream_aead::Identity& identity);

 private:
  struct Impl;
  explicit StreamEncryptor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Decrypts one object as it streams: Update with the ciphertext in pieces of any size, then
// Finish. Plaintext reaches `sink` only after its chunk's tag has checked; the identity is
// compared at Finish, so a sink that has seen bytes and then gets an error must discard them.
// Errors (the message says which check failed; chunks count from 0):
//   kVerificationFailed "truncated header (N of 40 bytes)", "truncated: no chunk",
//                       "truncated: chunk N is shorter than its tag",
//                       "truncated: chunk N is not the last chunk (the rest is missing)",
//                       "extra bytes after the last chunk (chunk N)",
//                       "chunk N failed authentication (a changed byte, chunks reordered, a chunk
//                       of another object, or the wrong key)",
//                       "wrong identity: these are the bytes of <hex of the identity found>"
//                       (whole objects swapped; other_identity() then holds it);
//   kUnsupported        "format version V is not supported".
// After an error, further calls return it again.
class StreamDecryptor {
 public:
  // `key` must outlive the decryptor.
  StreamDecryptor(const SecretKey& key, const stream_aead::Identity& identity,
                  stream_aead::Sink sink);
  StreamDecryptor(StreamDecryptor&&) noexcept;
  StreamDecryptor& operator=(StreamDecryptor&&) noexcept;
  ~StreamDecryptor();

  Status Update(ByteView ciphertext);
  Status Finish();
  // After a "wrong identity" error: the identity the stream was sealed with.
  std::optional<stream_aead::Identity> other_identity() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace evidence
