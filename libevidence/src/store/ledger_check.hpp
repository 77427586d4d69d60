// The readers' side of the rule that the signed ledger is the only truth (docs/threat-model.md):
// before a command shows, exports or proves anything from a case, the whole ledger is hashed from
// its entries' bytes and must give the root of the newest signed checkpoint. LedgerWriter's guard
// (ledger_writer.hpp) is the writers' O(log n) counterpart; it trusts the stored tree, which is
// enough to keep a forgery from being signed but not to notice one in an entry nobody reads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/status.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// Checks, in one pass over the entries (O(n) hashes, O(log n) memory):
//  - the newest checkpoint's signature (key in force at its size, the case's origin);
//  - the ledger holds exactly the entries it covers, numbered without gaps;
//  - the root of the leaves hashed from the entries' bytes (never the stored leaf_hash column,
//  never
//    the cache) is its root.
// kVerificationFailed on any failure: "the case does not verify: <what, naming the entry where
// LocateAlteredEntries can>; nothing is shown from it (run `evidence verify`)". I/O errors as met.
Status CheckSignedLedger(sql::Database& db, const std::string& case_uuid, std::string_view origin);

// Names the entries a forgery changed, for a ledger whose entries no longer give a signed root.
// Every signed checkpoint is checked in size order: entries below the largest one that still
// matches are genuine, so the forgery lies between it and the first that does not. Within that
// range the stored tree's lowest nodes (the `nodes` cache, which a forger who recomputed only the
// leaf hash left as signed) single out the pair, and the genuine half of a pair below the range
// clears it. One line per finding, each starting "entry N (action)" or "entries N to M"; empty
// when every signed root still matches.
Result<std::vector<std::string>> LocateAlteredEntries(sql::Database& db,
                                                      const std::string& case_uuid,
                                                      std::string_view origin);

}  // namespace evidence
