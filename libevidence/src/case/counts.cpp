// Case::Counts: how much the case holds, from the columns that are stored in the clear.
#include "case_state.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

// The count a one-row `SELECT count(*) ...` gives.
Result<std::uint64_t> CountOf(sql::Database& db, const char* sql) {
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db.Prepare(sql));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Corruption(std::string("ledger.sqlite: no count from: ") + sql);
  return static_cast<std::uint64_t>(st.ColumnInt(0));
}

// `main.` names the stored tables rather than the TEMP views that decrypt every column: a count
// needs none of the encrypted ones. A message of an export of kind "calls" is a call; the view's
// `kind` is decrypted once per item, never per message.
constexpr const char* kCountItems = "SELECT count(*) FROM main.items";
constexpr const char* kCountIncidents =
    "SELECT count(*) FROM main.entries WHERE action = 'incident.recorded'";
constexpr const char* kCountCalls =
    "SELECT count(*) FROM main.messages WHERE item IN (SELECT exhibit FROM items WHERE kind = "
    "'calls')";
constexpr const char* kCountMessages = "SELECT count(*) FROM main.messages";

}  // namespace

Result<CaseCounts> Case::Counts() const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  CaseCounts out;
  EVIDENCE_ASSIGN_OR_RETURN(out.items, CountOf(s_->db, kCountItems));
  EVIDENCE_ASSIGN_OR_RETURN(out.incidents, CountOf(s_->db, kCountIncidents));
  EVIDENCE_ASSIGN_OR_RETURN(out.calls, CountOf(s_->db, kCountCalls));
  EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t all, CountOf(s_->db, kCountMessages));
  out.messages = all - out.calls;
  return out;
}

}  // namespace evidence
