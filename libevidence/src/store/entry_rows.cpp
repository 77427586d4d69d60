#include "entry_rows.hpp"

#include <string>

#include "status_macros.hpp"

namespace evidence {

Status ForEachEntryRow(sql::Statement& st, const EntryRowVisitor& visit) {
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    const auto seq = static_cast<std::uint64_t>(st.ColumnInt(0));
    // The column is NOT NULL: NULL is the view's word for a ciphertext that does not open
    // (ledger_views.hpp).
    if (st.ColumnIsNull(1)) {
      EVIDENCE_RETURN_IF_ERROR(visit(seq, {}, Status::Corruption(kDoesNotDecrypt)));
      continue;
    }
    const Bytes bytes = st.ColumnBlob(1);
    EVIDENCE_RETURN_IF_ERROR(visit(seq, bytes, ParseLedgerEntry(AsChars(bytes))));
  }
}

Status ForEachEntry(sql::Statement& st, const EntryVisitor& visit) {
  return ForEachEntryRow(
      st, [&](std::uint64_t seq, ByteView bytes, const Result<LedgerEntry>& entry) {
        if (!entry.ok()) {
          return Status::Corruption("ledger: entry " + std::to_string(seq) + ": " +
                                    entry.status().message() + " (run `evidence verify`)");
        }
        return visit(seq, *entry, bytes);
      });
}

}  // namespace evidence
