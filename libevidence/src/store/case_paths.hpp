// Where things live inside a case folder (docs/case-format.md "The case folder").
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace evidence {

namespace fs = std::filesystem;

// Paths inside a case.
inline fs::path CaseJsonPath(const fs::path& dir) { return dir / "case.json"; }
inline fs::path LedgerPath(const fs::path& dir) { return dir / "ledger.sqlite"; }
inline fs::path KeyFilePath(const fs::path& dir, std::string_view key_name) {
  return dir / "keys" / (std::string(key_name) + ".key");
}
inline fs::path PublicKeyPath(const fs::path& dir, std::string_view key_name) {
  return dir / "keys" / (std::string(key_name) + ".pub.pem");
}
// The case key, sealed under the passphrase (docs/key-file.md, "The case key file"). Not
// NAME.key: a key name may be "case", and a name ending in .sealed is never a signing key's.
inline fs::path CaseKeyPath(const fs::path& dir) { return dir / "keys" / "case-key.sealed"; }
// A key made by `key rotate` is stored beside the first, named by its fingerprint.
fs::path RotatedKeyFilePath(const fs::path& dir, std::string_view key_name,
                            std::string_view fingerprint, std::string_view extension);

}  // namespace evidence
