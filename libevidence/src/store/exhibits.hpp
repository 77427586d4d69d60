// Exhibit ids (docs/case-format.md): "<PREFIX>-<NNNN>", numbered per prefix, never reused.
// Shared by the single-file ingest (ingest.cpp) and the batched one (ingest_batch.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "evidence/hash.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// The exhibit that already holds these bytes, if any.
Result<std::optional<std::string>> ExistingExhibit(sql::Database& db, const Sha256Digest& sha256);

// The highest exhibit number in use for `prefix` (0 when none). Numbers count per prefix, so
// exhibits received from another case keep that case's ids without taking ours.
Result<std::int64_t> LastExhibitNumber(sql::Database& db, const std::string& prefix);

// "EX-0042" for ("EX", 42).
std::string ExhibitId(const std::string& prefix, std::int64_t number);

}  // namespace evidence
