// Sealing a small secret under a passphrase: scrypt derives a key-encryption key (KEK) from the
// passphrase and a salt, and AES-256-GCM seals the secret with the file's clear header as
// associated data. The signing key file (key_file.cpp, docs/key-file.md) and the case key file
// (case_key.cpp) share this code and the text conventions of their headers, so there is one
// scrypt/GCM sealing in the library.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "evidence/bytes.hpp"
#include "evidence/key_file.hpp"
#include "evidence/status.hpp"
#include "gcm.hpp"
#include "secret_key.hpp"

namespace evidence::seal {

inline constexpr std::size_t kSaltSize = 16;
inline constexpr std::string_view kEncrypted = "scrypt-aes-256-gcm";

using Salt = std::array<std::uint8_t, kSaltSize>;
using Nonce = std::array<std::uint8_t, gcm::kNonceSize>;

// Why `params` are out of range, or an empty string. Sealing (the caller's mistake) and opening (a
// file we do not support) pick their own code.
std::string ScryptParamsProblem(const ScryptParams& params);

// 1-64 characters of [0-9A-Za-z-].
bool ValidCaseUuid(std::string_view uuid);

// A fresh random nonce (kIoError if the RNG fails).
Result<Nonce> RandomNonce();

// scrypt(passphrase, salt, params) as an AES-256-GCM key, with the salt and parameters it came
// from (a sealed file records them).
class Kek {
 public:
  // A KEK with a fresh random salt, for sealing. kInvalidArgument for an empty passphrase or
  // params out of range.
  static Result<Kek> ForSealing(std::string_view passphrase, const ScryptParams& params);
  // The KEK a file's salt and parameters give (already checked by the file's parser).
  static Result<Kek> Derive(std::string_view passphrase, const Salt& salt,
                            const ScryptParams& params);

  const Salt& salt() const { return salt_; }
  const ScryptParams& params() const { return params_; }

  // AES-256-GCM of `secret` with `aad`; returns ciphertext || tag.
  Result<Bytes> Seal(const Nonce& nonce, std::string_view aad, ByteView secret) const;
  // Opens `sealed` (ciphertext || tag) into `out` (exactly the ciphertext's size). A tag mismatch
  // is kInvalidArgument "wrong passphrase": the headers are checksummed before this, so a wrong
  // passphrase is by far the likeliest cause.
  Status Open(const Nonce& nonce, std::string_view aad, ByteView sealed,
              std::span<std::uint8_t> out) const;

 private:
  Kek(SecretKey key, const Salt& salt, const ScryptParams& params)
      : key_(std::move(key)), salt_(salt), params_(params) {}
  SecretKey key_;
  Salt salt_{};
  ScryptParams params_;
};

// One passphrase, typed once, and the KEKs derived from it so far by salt and parameters: the key
// files sealed together (the signing key and the case key share a salt) open with a single
// scrypt derivation, the expensive step. The passphrase is wiped when the unlocker ends.
class Unlocker {
 public:
  explicit Unlocker(std::string passphrase) : passphrase_(std::move(passphrase)) {}
  ~Unlocker();
  Unlocker(const Unlocker&) = delete;
  Unlocker& operator=(const Unlocker&) = delete;

  // The KEK for `salt` and `params`, derived on first use. The pointer lives as long as the
  // unlocker.
  Result<const Kek*> KekFor(const Salt& salt, const ScryptParams& params);
  // A KEK with a fresh random salt, for sealing new key files (Kek::ForSealing, with its
  // errors), kept like the ones KekFor derives: a case created in this process seals and later
  // re-seals (`key rotate`) with one derivation. The pointer lives as long as the unlocker.
  Result<const Kek*> KekForSealing(const ScryptParams& params);
  // How many scrypt derivations were made (a test's view of "one unlock").
  int derivations() const { return derivations_; }

 private:
  std::string passphrase_;
  std::map<std::string, std::unique_ptr<Kek>> keks_;  // by salt and parameters
  int derivations_ = 0;
};

// Reads "field: value" lines one at a time, in a fixed order, naming what is wrong. `file` starts
// every message ("key file", "case key file").
class LineReader {
 public:
  LineReader(std::string_view file, std::string_view text) : file_(file), text_(text) {}

  std::size_t offset() const { return pos_; }
  Result<std::string_view> Next(std::string_view what);
  Result<std::string_view> Field(std::string_view name);
  // The first line, which must be `magic` ("<kind> v1"): kUnsupported naming another version of
  // the same kind (a line that starts with `magic` up to its last space), kCorruption for
  // anything else, "<file>: not an evidence <kind> file" with `kind` as given.
  Status ExpectFormat(std::string_view magic, std::string_view kind);

 private:
  std::string file_;
  std::string_view text_;
  std::size_t pos_ = 0;
  int number_ = 0;
};

// The "checksum: <hex SHA-256 of text>\n" line.
std::string ChecksumLine(std::string_view text);

// The scrypt, salt and nonce lines of an encrypted header, in their fixed order.
std::string KdfLines(const ScryptParams& params, const Salt& salt, const Nonce& nonce);

struct KdfFields {
  ScryptParams params;
  Salt salt{};
  Nonce nonce{};
};
// Reads the lines KdfLines writes (kCorruption naming the field).
Result<KdfFields> ReadKdfLines(std::string_view file, LineReader& in);

// Decodes base64 of exactly N bytes (kCorruption naming `file` and `field`).
Status DecodeFixed(std::string_view file, std::string_view field, std::string_view b64,
                   std::span<std::uint8_t> out);

}  // namespace evidence::seal
