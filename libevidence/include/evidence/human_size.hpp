// Sizes as people read them, for the CLI and for the ledger's one-line descriptions.
#pragma once

#include <cstdint>
#include <string>

#include "evidence/export.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// A byte count for people: "512 B", "1.5 KiB", "3.2 GiB" (binary units, one decimal).
std::string HumanSize(std::uint64_t bytes);

}  // namespace evidence
EVIDENCE_PUBLIC_END
