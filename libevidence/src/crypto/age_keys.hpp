// age recipients and identities (docs/age.md "Recipients"): the key material behind the public
// AgeRecipient and AgeIdentity, and wrapping / unwrapping the file key in X25519 and scrypt
// stanzas.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "age_crypto.hpp"
#include "age_header.hpp"
#include "evidence/age.hpp"

namespace evidence {

struct AgeRecipient::Data {
  bool passphrase = false;
  age_internal::Key32 public_key{};  // X25519
  std::string secret;                // the passphrase
  int work_factor = kAgeScryptWorkFactor;
  ~Data();
  static AgeRecipient Wrap(std::shared_ptr<const Data> data) {
    return AgeRecipient(std::move(data));
  }
};

struct AgeIdentity::Data {
  bool passphrase = false;
  age_internal::Key32 secret_key{};  // X25519 scalar
  age_internal::Key32 public_key{};
  std::string secret;  // the passphrase
  ~Data();
  static AgeIdentity Wrap(std::shared_ptr<const Data> data) { return AgeIdentity(std::move(data)); }
};

namespace age_internal {

using FileKey = std::array<std::uint8_t, 16>;

Result<Stanza> WrapFileKey(const AgeRecipient::Data& recipient, const FileKey& file_key);

enum class Unwrap { kNoMatch, kMatched };
// kNoMatch when the stanza is of another type or its body does not open with this identity;
// kCorruption / kUnsupported ("stanza N: ...") when it is of this identity's type but malformed,
// which stops decryption as the spec requires.
Result<Unwrap> UnwrapFileKey(const AgeIdentity::Data& identity, const Stanza& stanza,
                             std::size_t index, FileKey* file_key);

}  // namespace age_internal
}  // namespace evidence
