// The case key: a random 256-bit key that encrypts a case's content at rest, and the file that
// keeps it wrapped under the passphrase (CASE/keys/case-key.sealed, docs/key-file.md "The case key
// file"). It is never used directly: HKDF-SHA-256 derives one subkey per purpose, so that a
// weakness in one use (say, the keyed object names) gives nothing about another.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/key_file.hpp"
#include "evidence/status.hpp"
#include "passphrase_seal.hpp"
#include "secret_key.hpp"

namespace evidence {

class CaseKey {
 public:
  // A fresh random case key (kIoError if the RNG fails).
  static Result<CaseKey> Generate();
  // The case key whose root bytes are `root` (derives the subkeys).
  static Result<CaseKey> FromRoot(SecretKey root);

  CaseKey(CaseKey&&) noexcept = default;
  CaseKey& operator=(CaseKey&&) noexcept = default;

  // Encrypts objects (the stream AEAD's content key).
  const SecretKey& object_encryption() const { return object_encryption_; }
  // Keys the HMAC-SHA-256 that names objects, so a file name does not reveal the plaintext hash.
  const SecretKey& object_naming() const { return object_naming_; }
  // Encrypts the ledger's evidence-carrying columns.
  const SecretKey& ledger_columns() const { return ledger_columns_; }
  // The root bytes, for sealing only.
  const SecretKey& root(SecretKeyAccess) const { return root_; }

 private:
  CaseKey(SecretKey root, SecretKey objects, SecretKey names, SecretKey columns)
      : root_(std::move(root)),
        object_encryption_(std::move(objects)),
        object_naming_(std::move(names)),
        ledger_columns_(std::move(columns)) {}
  SecretKey root_;
  SecretKey object_encryption_;
  SecretKey object_naming_;
  SecretKey ledger_columns_;
};

// The case key file text: `key` sealed under `kek` for the case `case_uuid`. Sealing the signing
// key with the same KEK is what lets one derivation open both. kInvalidArgument for a malformed
// case UUID; kIoError when OpenSSL or its RNG fails.
Result<std::string> SealCaseKey(const CaseKey& key, std::string_view case_uuid,
                                const seal::Kek& kek);

// The case key in `file_contents`, its KEK derived through `unlocker`. Errors as for
// OpenSigningKey, with "case key file" in the messages:
//   kCorruption      truncated, garbled, checksum mismatch (names the line or field);
//   kUnsupported     another format version or encryption, scrypt parameters beyond our limits;
//   kInvalidArgument "case key file belongs to case X, not Y"; "wrong passphrase".
// `*kek` (if given) is set to the KEK that opened it, which lives as long as `unlocker`: a signing
// key sealed with it opens with the same derivation.
Result<CaseKey> OpenCaseKey(std::string_view file_contents, std::string_view expected_case_uuid,
                            seal::Unlocker& unlocker, const seal::Kek** kek = nullptr);

// The key files of a case, re-wrapped under a new passphrase (`key passphrase`): every signing
// key file and the case key file are opened with `old_passphrase` and sealed again under one new
// KEK from `new_passphrase`, so they still open with one derivation. All or nothing: on any error
// (a wrong old passphrase is kInvalidArgument "wrong passphrase", naming the file) nothing is
// returned, and the caller writes nothing. The keys themselves do not change.
struct KeyFileTexts {
  std::vector<std::string> signing_keys;  // in the caller's order
  std::optional<std::string> case_key;    // absent for a case without one
};
Result<KeyFileTexts> RewrapKeyFiles(const KeyFileTexts& files, std::string_view case_uuid,
                                    const std::string& old_passphrase,
                                    const std::string& new_passphrase,
                                    const ScryptParams& params = ScryptParams::Default());

}  // namespace evidence
