// The keyring: the case's signing keys in ledger order, which key is in force, and which key must
// have signed a checkpoint of a given size. Read from the key.added entries alone, so a forged
// case.json or key file cannot choose the key (docs/case-format.md "Keys and rotation").
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "case_paths.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/status.hpp"
#include "key_history.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// The case's keys in ledger order, from its key.added entries. An entry that does not read, or a
// rotation whose endorsement does not verify, is described in `problems` and skipped.
struct KeyHistory {
  std::vector<KeyEpoch> epochs;
  std::vector<std::string> problems;
};
Result<KeyHistory> LoadKeyHistory(sql::Database& db, const std::string& case_uuid);

// The private key file of the key in force: the last key.added entry's (case.json names the key,
// `key_name`; the ledger says which of its keys is current).
Result<fs::path> CurrentKeyFile(sql::Database& db, const fs::path& dir, std::string_view key_name);

// Verifies a checkpoint note of this case: it must be signed by the key in force at its size.
// kVerificationFailed naming the key that signed it and the key that should have.
Result<SignedCheckpoint> VerifyCaseCheckpoint(const KeyHistory& keys, std::string_view note);

}  // namespace evidence
