// The case's signing identity: Ed25519 (RFC 8032) keys. A PublicKey verifies; a SigningKey signs.
// Keys come only from validating factories, and the secret half is reachable only through a
// SecretKeyAccess token, so every place that handles raw private key bytes can be found with
// `grep InsecureSecretKeyAccess`.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "evidence/bytes.hpp"
#include "evidence/export.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

class InsecureSecretKeyAccess;

// A token that proves, at compile time, that the caller asked for secret key bytes on purpose.
// It can only be obtained from InsecureSecretKeyAccess::Get().
class SecretKeyAccess {
 private:
  SecretKeyAccess() = default;
  friend class InsecureSecretKeyAccess;
};

// The one way to obtain a SecretKeyAccess. Call it only where raw private key bytes must cross a
// boundary (sealing the key file, opening it); every call site is a place to review.
class InsecureSecretKeyAccess {
 public:
  static SecretKeyAccess Get() { return SecretKeyAccess(); }
};

// An Ed25519 public key. A plain value: cheap to copy, immutable, safe to share between threads.
class PublicKey {
 public:
  static constexpr std::size_t kRawSize = 32;
  static constexpr std::size_t kSignatureSize = 64;

  // The 32-byte RFC 8032 encoding. kInvalidArgument when `raw` is not 32 bytes.
  static Result<PublicKey> FromRaw(ByteView raw);
  // A PEM "PUBLIC KEY" block (SubjectPublicKeyInfo, RFC 8410). kInvalidArgument when the text is
  // not such a block; kUnsupported when it holds a key of another algorithm.
  static Result<PublicKey> FromPem(std::string_view pem);

  // The same key as a PEM "PUBLIC KEY" block ending in a newline, readable by `openssl pkey
  // -pubin`.
  std::string ToPem() const;
  // The DER SubjectPublicKeyInfo (44 bytes) that ToPem() wraps.
  Bytes ToDer() const;
  const std::array<std::uint8_t, kRawSize>& raw() const { return raw_; }

  // OK when `signature` is a valid Ed25519 signature of `message` by this key.
  // kInvalidArgument when the signature is not 64 bytes; kVerificationFailed when it is wrong.
  Status Verify(ByteView message, ByteView signature) const;

  // "SHA256:" + lower-case hex SHA-256 of ToDer(), i.e. what
  // `openssl pkey -pubin -in key.pem -outform DER | sha256sum` prints. For out-of-band comparison.
  std::string Fingerprint() const;

  friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.raw_ == b.raw_; }

 private:
  explicit PublicKey(const std::array<std::uint8_t, kRawSize>& raw) : raw_(raw) {}
  std::array<std::uint8_t, kRawSize> raw_;
};

// An Ed25519 private key. Move-only, so the secret is never duplicated by accident; the secret
// lives in OpenSSL's key object and is wiped when the SigningKey is destroyed. Signing is const
// and may be called from several threads at once. A moved-from SigningKey may only be destroyed
// or assigned to (Sign on it returns kInvalidArgument).
class SigningKey {
 public:
  static constexpr std::size_t kSeedSize = 32;

  // A fresh key from OpenSSL's CSPRNG. kIoError if the random generator or OpenSSL fails.
  static Result<SigningKey> Generate();
  // The key whose RFC 8032 32-byte private seed is `seed`. kInvalidArgument unless 32 bytes.
  static Result<SigningKey> FromRawPrivateKey(ByteView seed, SecretKeyAccess access);

  ~SigningKey();
  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  // The 64-byte Ed25519 signature of `message` (deterministic: same key and message, same bytes).
  Result<std::array<std::uint8_t, PublicKey::kSignatureSize>> Sign(ByteView message) const;

  PublicKey public_key() const { return public_key_; }

  // The 32-byte private seed. The caller owns the copy and should wipe it (OPENSSL_cleanse) after
  // use.
  Bytes RawPrivateKey(SecretKeyAccess access) const;

 private:
  struct Impl;
  SigningKey(std::unique_ptr<Impl> impl, PublicKey public_key);
  std::unique_ptr<Impl> impl_;
  PublicKey public_key_;
};

// OK when `name` can be a signed-note key name: non-empty valid UTF-8 with no Unicode space, no
// '+' and no control character. kInvalidArgument otherwise, saying which rule failed.
Status ValidKeyName(std::string_view name);

}  // namespace evidence
EVIDENCE_PUBLIC_END
