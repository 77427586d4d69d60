#include "ledger_source.hpp"

#include "status_macros.hpp"

namespace evidence {

Result<LedgerHashSource> LedgerHashSource::Load(sql::Database& db, std::uint64_t size) {
  LedgerHashSource src;
  src.leaves_.reserve(size);
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st, db.Prepare("SELECT seq, leaf_hash FROM entries WHERE seq < ? ORDER BY seq"));
  st.Bind(1, static_cast<std::int64_t>(size));
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Bytes b = st.ColumnBlob(1);
    merkle::Hash h{};
    if (static_cast<std::uint64_t>(st.ColumnInt(0)) != src.leaves_.size() || b.size() != h.size()) {
      return Status::Corruption(
          "ledger: entries are not contiguous or a leaf hash is malformed "
          "(run `evidence verify`)");
    }
    std::copy(b.begin(), b.end(), h.begin());
    src.leaves_.push_back(h);
  }
  if (src.leaves_.size() != size) {
    return Status::Corruption(
        "ledger: holds fewer entries than its checkpoint (run `evidence verify`)");
  }
  return src;
}

Result<merkle::Hash> LedgerHashSource::LeafHash(std::uint64_t index) const {
  if (index >= leaves_.size()) return Status::InvalidArgument("leaf index out of range");
  return leaves_[index];
}

}  // namespace evidence
