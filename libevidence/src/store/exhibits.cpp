#include "exhibits.hpp"

#include <cstdio>

#include "status_macros.hpp"

namespace evidence {

Result<std::optional<std::string>> ExistingExhibit(sql::Database& db, const Sha256Digest& sha256) {
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT exhibit FROM items WHERE sha256 = ?"));
  st.Bind(1, DigestHex(sha256));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.ColumnText(0));
}

Result<std::int64_t> LastExhibitNumber(sql::Database& db, const std::string& prefix) {
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st,
      db.Prepare("SELECT coalesce(max(number), 0) FROM items WHERE substr(exhibit, 1, ?) = ?"));
  st.Bind(1, static_cast<std::int64_t>(prefix.size() + 1)).Bind(2, prefix + "-");
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  (void)row;  // an aggregate always gives one row
  return st.ColumnInt(0);
}

std::string ExhibitId(const std::string& prefix, std::int64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%04lld", static_cast<long long>(number));
  return prefix + buf;
}

}  // namespace evidence
