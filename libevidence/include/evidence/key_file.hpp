// The owner's signing key at rest (CASE/keys/): a small text file with a clear header (format
// version, key name, case UUID, public key, scrypt parameters, salt, nonce) and the Ed25519 seed,
// encrypted with AES-256-GCM under a key derived from a passphrase by scrypt. The header is the
// GCM associated data, so a file edited or moved to another case does not open. The format is
// described in docs/key-file.md. Pure code: callers read and write the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "evidence/export.hpp"
#include "evidence/signing.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// scrypt cost parameters (RFC 7914). Deriving a key takes about 128 * r * n bytes of memory.
struct ScryptParams {
  std::uint64_t n = std::uint64_t{1} << 17;  // CPU/memory cost; a power of two, 2^10 to 2^20
  std::uint32_t r = 8;                       // block size, 1 to 32
  std::uint32_t p = 1;                       // parallelism, 1 to 16

  // N = 2^17, r = 8, p = 1: about 128 MiB and a fraction of a second per derivation.
  static ScryptParams Default() { return ScryptParams{}; }
};

// scrypt may use at most this much memory (256 MiB), when sealing and when opening: a key file
// cannot make us allocate more, whatever parameters it names.
inline constexpr std::uint64_t kMaxScryptMemory = std::uint64_t{256} << 20;

// What a key file says about itself, readable without the passphrase.
struct KeyFileInfo {
  std::string key_name;
  std::string case_uuid;
  bool encrypted = false;
  PublicKey public_key;
};

// The key file text for `key`. With a passphrase, the seed is encrypted (scrypt with `params`,
// fresh random salt and nonce, AES-256-GCM); with std::nullopt it is stored in clear under the
// same header (for `init --no-passphrase`). kInvalidArgument for an invalid key name (see
// ValidKeyName), a case UUID that is not 1-64 characters of [0-9A-Za-z-], an empty passphrase,
// or params out of range or above kMaxScryptMemory; kIoError when OpenSSL or its RNG fails.
Result<std::string> SealSigningKey(const SigningKey& key, std::string_view key_name,
                                   std::string_view case_uuid,
                                   const std::optional<std::string>& passphrase,
                                   const ScryptParams& params = ScryptParams::Default());

// The signing key in `file_contents`. Errors:
//   kCorruption      the file is truncated, garbled or its checksum does not match (the message
//                    names the line or the field);
//   kUnsupported     another format version, or scrypt parameters beyond our limits;
//   kInvalidArgument "key file belongs to case X, not Y" when `expected_case_uuid` differs;
//                    "key file is encrypted: a passphrase is needed" when `passphrase` is nullopt;
//                    "wrong passphrase" when decryption fails (a wrong passphrase, or a header
//                    altered together with its checksum).
// A passphrase given for an unencrypted file is ignored.
Result<SigningKey> OpenSigningKey(std::string_view file_contents,
                                  std::string_view expected_case_uuid,
                                  const std::optional<std::string>& passphrase);

// The clear header of a key file, checked for form and checksum but not decrypted
// (kCorruption / kUnsupported as for OpenSigningKey). Enough for `key show`.
Result<KeyFileInfo> InspectKeyFile(std::string_view file_contents);

}  // namespace evidence
EVIDENCE_PUBLIC_END
