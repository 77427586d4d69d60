// Ledger entries (docs/case-format.md). An entry is a canonical JSON object with the fields v, seq,
// time, actor, action and data; its exact bytes are a Merkle leaf. Entries are only ever appended.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "evidence/export.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// The actions of docs/case-format.md. Anything else in a ledger is corruption.
inline constexpr std::string_view kLedgerActions[] = {
    "case.created",       "key.added",      "item.ingested",   "item.metadata",
    "item.annotated",     "item.linked",    "item.accessed",   "incident.recorded",
    "incident.amended",   "export.created", "bundle.verified", "bundle.received",
    "timestamp.attached", "case.encrypted"};

bool IsLedgerAction(std::string_view action);

struct LedgerEntry {
  std::uint64_t seq = 0;
  std::string time;    // RFC 3339 UTC with milliseconds, e.g. "2026-03-14T18:20:00.000Z"
  std::string actor;   // signing key name of whoever appended it
  std::string action;  // one of kLedgerActions
  nlohmann::json data = nlohmann::json::object();  // action-specific; never holds floats

  // The canonical bytes (the Merkle leaf). kInvalidArgument if data holds a float or bad UTF-8.
  Result<std::string> Encode() const;
};

// Parses the canonical bytes of one entry and checks its shape: v == 1, every field present with
// its type, a known action, nothing else, and a `data` that is well-formed for that action (the
// fields, types and ranges of docs/case-format.md). kCorruption naming the first problem; a bad
// payload names the entry and the field, e.g.
//   entry 7 (item.ingested): field "size": expected an unsigned integer
Result<LedgerEntry> ParseLedgerEntry(std::string_view bytes);

// One line for people, e.g. "EX-0001 photo.jpg (photo, 1.2 MiB, sha256 3a7bd3e2360a…)".
// kCorruption, naming the entry and the field, when e's data is not well-formed for its action.
Result<std::string> DescribeLedgerEntry(const LedgerEntry& e);

// RFC 3339 UTC with milliseconds, for the current time.
std::string NowRfc3339();

}  // namespace evidence
EVIDENCE_PUBLIC_END
