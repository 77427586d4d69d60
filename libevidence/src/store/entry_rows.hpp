// Reading rows of `entries`: every query selects seq and entry first (columns 0 and 1). The
// signed bytes are parsed here, once, so that every reader names a malformed entry the same way.
#pragma once

#include <cstdint>
#include <functional>

#include "evidence/bytes.hpp"
#include "evidence/ledger.hpp"
#include "evidence/status.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// Why an encrypted case's entry reads as NULL: its ciphertext does not open under the case key
// with its own seq as associated data.
inline constexpr const char* kDoesNotDecrypt =
    "does not decrypt with the case key (its ciphertext was altered, truncated, or copied from "
    "another entry)";

// Each row of `st` with its seq, its signed bytes as stored, and their parse, which may have
// failed: for readers that record a malformed entry as a problem and go on (the keyring).
using EntryRowVisitor =
    std::function<Status(std::uint64_t seq, ByteView bytes, const Result<LedgerEntry>& entry)>;
Status ForEachEntryRow(sql::Statement& st, const EntryRowVisitor& visit);

// Each row's seq, entry and signed bytes, for readers that believe well-formed entries only: a
// malformed one stops the read with kCorruption "ledger: entry N: <why> (run `evidence verify`)".
using EntryVisitor =
    std::function<Status(std::uint64_t seq, const LedgerEntry& entry, ByteView bytes)>;
Status ForEachEntry(sql::Statement& st, const EntryVisitor& visit);

}  // namespace evidence
