// A custody record kept in CASE/custody/<k>/<path>: the earlier custodians' ledgers and items
// files that a received bundle carried. They tell what the evidence is (names, notes, messages),
// so an encrypted case seals each file as it seals a ledger column (docs/case-format.md,
// "Encryption at rest"): column "custody", row "<k>/<path>", so a file moved to another place
// does not open. A plaintext case keeps the bytes as they came.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "case_key.hpp"
#include "evidence/status.hpp"

namespace evidence {

// The bytes to store for `content` at custody/<k>/<path>. `key` null: a plaintext case.
Result<std::string> SealCustodyFile(const CaseKey* key, std::uint64_t k, std::string_view path,
                                    std::string_view content);

// The content of the file stored at custody/<k>/<path>. kVerificationFailed naming the file when
// it does not open.
Result<std::string> OpenCustodyFile(const CaseKey* key, std::uint64_t k, std::string_view path,
                                    std::string stored);

}  // namespace evidence
