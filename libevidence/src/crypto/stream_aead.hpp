// A streaming AEAD for objects of any size (docs/case-format.md, "Encryption at rest"): AES-256-GCM
// over fixed-size chunks, in the manner of Tink's AES-GCM-HKDF streaming AEAD and age's STREAM.
//
//   header   = version (1 byte, 0x01) || salt (32 random bytes) || nonce prefix (7 random bytes)
//   key      = HKDF-SHA-256(ikm = content key, salt = header salt, info = identity)
//   chunk i  = AES-256-GCM(key, nonce = prefix || i as 4 bytes big-endian || last flag, no AAD)
//
// Every chunk holds kChunkSize bytes of plaintext except the last, which holds 1 to kChunkSize
// (0 only when the whole plaintext is empty); each carries a 16-byte tag. The object's identity
// (the caller's associated data) is bound through the per-object key rather than as each chunk's
// AAD: a chunk from another object, or the same bytes claimed under another identity, fails its
// tag all the same, and because every object gets its own key from a fresh 256-bit salt, GCM's
// 96-bit nonce never has to be unique across objects (only the counter within one), which a
// random 7-byte prefix alone would not guarantee over millions of objects.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "evidence/bytes.hpp"
#include "evidence/status.hpp"
#include "openssl_util.hpp"
#include "secret_key.hpp"

namespace evidence {

namespace stream_aead {

// 64 KiB of plaintext per chunk: the tag overhead is 16 bytes in 65536 (0.02%), a reader buffers
// one chunk (flat memory whatever the object's size), and a damaged object is located to within
// 64 KiB. It is also what age and Tink use, so the trade-offs are well trodden.
inline constexpr std::size_t kChunkSize = 64 * 1024;
inline constexpr std::size_t kTagSize = 16;
inline constexpr std::uint8_t kVersion = 1;
inline constexpr std::size_t kSaltSize = 32;
inline constexpr std::size_t kNoncePrefixSize = 7;
inline constexpr std::size_t kHeaderSize = 1 + kSaltSize + kNoncePrefixSize;

// The exact ciphertext length for `plaintext_size` bytes of plaintext.
std::uint64_t CiphertextSize(std::uint64_t plaintext_size);

using Sink = std::function<Status(ByteView)>;

}  // namespace stream_aead

// Encrypts one object as it streams: Update with the plaintext in pieces of any size, then Finish.
// The ciphertext goes to `sink` in order (the header first, then whole chunks). Refuses calls
// after Finish or after an error (kInvalidArgument).
class StreamEncryptor {
 public:
  // `key` is the content key (read only here); `identity` the object's associated data.
  // kIoError when the RNG or OpenSSL fails.
  static Result<StreamEncryptor> Start(const SecretKey& key, ByteView identity,
                                       stream_aead::Sink sink);

  StreamEncryptor(StreamEncryptor&&) noexcept;
  StreamEncryptor& operator=(StreamEncryptor&&) noexcept;
  ~StreamEncryptor();

  Status Update(ByteView plaintext);
  // Seals the last chunk (empty for an empty object).
  Status Finish();

 private:
  struct Impl;
  explicit StreamEncryptor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Decrypts one object as it streams: Update with the ciphertext in pieces of any size, then
// Finish. Plaintext reaches `sink` only a whole chunk at a time and only after that chunk's tag
// has checked. Errors (the message says which check failed; chunks count from 0):
//   kVerificationFailed "truncated header", "truncated: chunk N is not the last chunk (the rest
//                       is missing)", "extra bytes after the last chunk (chunk N)",
//                       "chunk N failed authentication (a changed byte, chunks reordered, a chunk
//                       of another object, or the wrong key or identity)";
//   kUnsupported        "format version V is not supported".
// After an error, further calls return it again.
class StreamDecryptor {
 public:
  // `key` must outlive the decryptor.
  StreamDecryptor(const SecretKey& key, ByteView identity, stream_aead::Sink sink);
  StreamDecryptor(StreamDecryptor&&) noexcept;
  StreamDecryptor& operator=(StreamDecryptor&&) noexcept;
  ~StreamDecryptor();

  Status Update(ByteView ciphertext);
  Status Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace evidence
