// The encryption of one value of a ledger column in an encrypted case (docs/case-format.md
// "Encryption at rest"): AES-256-GCM under the case key's ledger-column subkey, a fresh random
// nonce for every value, and the column's and the row's names as associated data, so that a value
// copied into another row or another column no longer opens. Values are small and held whole;
// objects, which stream, use stream_aead.
#pragma once

#include <optional>
#include <string_view>

#include "evidence/bytes.hpp"
#include "evidence/status.hpp"
#include "gcm.hpp"
#include "secret_key.hpp"

namespace evidence {

class ColumnCipher {
 public:
  // The bytes a sealed value adds to its plaintext: the nonce and the tag.
  static constexpr std::size_t kOverhead = gcm::kNonceSize + gcm::kTagSize;

  // `key` (the ledger-column subkey) must outlive the cipher. Seal and Open reuse one keyed
  // OpenSSL context each (gcm::Cipher), so a cipher is used by one thread at a time: the ledger's
  // SQL functions hold one per connection, which is opened without SQLite's own mutex
  // (SQLITE_OPEN_NOMUTEX) and so is used by one thread at a time already.
  explicit ColumnCipher(const SecretKey& key)
      : cipher_(key.bytes(InsecureSecretKeyAccess::Get())) {}

  // nonce || ciphertext || tag of `plain`, for the value of `column` in the row `row`. kIoError
  // when OpenSSL or its RNG fails.
  Result<Bytes> Seal(std::string_view column, std::string_view row, ByteView plain) const;
  // The plaintext of a value Seal made for this column and row; nullopt when `sealed` does not
  // open (altered, truncated, moved from another row or column, or another case's). kIoError
  // when OpenSSL fails.
  Result<std::optional<Bytes>> Open(std::string_view column, std::string_view row,
                                    ByteView sealed) const;

 private:
  // Its contexts change with every call, not the values the cipher stands for; hence mutable.
  mutable gcm::Cipher cipher_;
};

}  // namespace evidence
