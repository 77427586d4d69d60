#include "ledger_source.hpp"

#include <algorithm>
#include <bit>

#include "ledger_views.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

constexpr const char* kRunVerify = " (run `evidence verify`)";

std::string Num(std::uint64_t n) { return std::to_string(n); }

// The 32-byte hash in column `col`, or nullopt when the column is not exactly that.
std::optional<merkle::Hash> ColumnHash(const sql::Statement& st, int col) {
  Bytes b = st.ColumnBlob(col);
  merkle::Hash h{};
  if (b.size() != h.size()) return std::nullopt;
  std::copy(b.begin(), b.end(), h.begin());
  return h;
}

Status MissingEntries(std::uint64_t size) {
  return Status::Corruption("ledger: holds fewer than the " + Num(size) +
                            " entries its checkpoint covers" + kRunVerify);
}

}  // namespace

Result<std::uint64_t> LedgerSize(sql::Database& db) {
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT max(seq) FROM entries"));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row || st.ColumnIsNull(0)) return std::uint64_t{0};
  return static_cast<std::uint64_t>(st.ColumnInt(0)) + 1;
}

// ---- LedgerHashSource ----

Result<LedgerHashSource> LedgerHashSource::Load(sql::Database& db, std::uint64_t size) {
  return LoadTrustingCacheBelow(db, size, size);
}

Result<LedgerHashSource> LedgerHashSource::LoadTrustingCacheBelow(sql::Database& db,
                                                                  std::uint64_t size,
                                                                  std::uint64_t cached_size) {
  LedgerHashSource src;
  src.db_ = &db;
  src.size_ = size;
  src.cached_size_ = std::min(size, cached_size);
  EVIDENCE_ASSIGN_OR_RETURN(src.leaf_, db.Prepare("SELECT leaf_hash FROM entries WHERE seq = ?"));
  if (src.cached_size_ > 0) {
    auto node = db.Prepare("SELECT hash FROM nodes WHERE size = ? AND level = ?");
    // A case made before the cache existed, opened where it could not be added: recompute.
    if (node.ok()) {
      src.node_ = std::move(node).value();
    } else {
      src.cached_size_ = 0;
    }
  }
  if (size > 0) {
    // Entries are never deleted through SQLite; a missing last entry means the file was edited.
    EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t stored, LedgerSize(db));
    if (stored < size) return MissingEntries(size);
  }
  return src;
}

Result<merkle::Hash> LedgerHashSource::LeafHash(std::uint64_t index) const {
  if (index >= size_) {
    return Status::InvalidArgument("ledger: leaf index " + Num(index) + " is not below size " +
                                   Num(size_));
  }
  (void)leaf_.Reset();
  leaf_.Bind(1, static_cast<std::int64_t>(index));
  EVIDENCE_ASSIGN_OR_RETURN(bool row, leaf_.Step());
  std::optional<merkle::Hash> h;
  if (row) h = ColumnHash(leaf_, 0);
  (void)leaf_.Reset();
  if (!row) return Status::Corruption("ledger: entry " + Num(index) + " is missing" + kRunVerify);
  if (!h) {
    return Status::Corruption("ledger: the leaf hash of entry " + Num(index) + " is malformed" +
                              kRunVerify);
  }
  return *h;
}

Result<merkle::Hash> LedgerHashSource::PerfectSubtreeHash(std::uint64_t begin,
                                                          unsigned level) const {
  if (level == 0 || level >= 64) return HashSource::PerfectSubtreeHash(begin, level);
  const std::uint64_t width = std::uint64_t{1} << level;
  if ((begin & (width - 1)) != 0 || begin > size_ || size_ - begin < width) {
    return HashSource::PerfectSubtreeHash(begin, level);  // reports the bad argument
  }
  const std::uint64_t end = begin + width;
  if (end <= cached_size_) {
    (void)node_.Reset();
    node_.Bind(1, static_cast<std::int64_t>(end)).Bind(2, static_cast<std::int64_t>(level));
    EVIDENCE_ASSIGN_OR_RETURN(bool row, node_.Step());
    std::optional<merkle::Hash> h;
    if (row) h = ColumnHash(node_, 0);
    (void)node_.Reset();
    if (h) return *h;
  }
  return Recompute(begin, end);
}

// MTH(D[begin:end]) from the leaf hashes, streamed in one range query with O(log n) memory.
Result<merkle::Hash> LedgerHashSource::Recompute(std::uint64_t begin, std::uint64_t end) const {
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st, db_->Prepare("SELECT seq, leaf_hash FROM entries WHERE seq >= ? AND seq < ? "
                            "ORDER BY seq"));
  st.Bind(1, static_cast<std::int64_t>(begin)).Bind(2, static_cast<std::int64_t>(end));
  merkle::Accumulator acc;
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const std::uint64_t seq = static_cast<std::uint64_t>(st.ColumnInt(0));
    if (seq != begin + acc.size()) {
      return Status::Corruption("ledger: entry " + Num(begin + acc.size()) + " is missing" +
                                kRunVerify);
    }
    auto h = ColumnHash(st, 1);
    if (!h) {
      return Status::Corruption("ledger: the leaf hash of entry " + Num(seq) + " is malformed" +
                                kRunVerify);
    }
    acc.Append(*h);
  }
  if (acc.size() != end - begin) {
    return Status::Corruption("ledger: entry " + Num(begin + acc.size()) + " is missing" +
                              kRunVerify);
  }
  return acc.Root();
}

Result<std::vector<merkle::Hash>> CheckedInclusionProof(sql::Database& db,
                                                        const LedgerHashSource& source,
                                                        std::uint64_t index,
                                                        const merkle::Hash& signed_root) {
  const std::uint64_t tree_size = source.size();
  EVIDENCE_ASSIGN_OR_RETURN(merkle::Hash leaf, source.LeafHash(index));
  EVIDENCE_ASSIGN_OR_RETURN(auto proof, merkle::InclusionProof(source, index, tree_size));
  if (merkle::VerifyInclusion(index, tree_size, leaf, proof, signed_root).ok()) return proof;
  EVIDENCE_ASSIGN_OR_RETURN(LedgerHashSource entries_only,
                            LedgerHashSource::LoadTrustingCacheBelow(db, tree_size, 0));
  EVIDENCE_ASSIGN_OR_RETURN(proof, merkle::InclusionProof(entries_only, index, tree_size));
  Status check = merkle::VerifyInclusion(index, tree_size, leaf, proof, signed_root);
  if (!check.ok()) {
    return Status::VerificationFailed("ledger: entry " + Num(index) +
                                      " is not in the signed tree of size " + Num(tree_size) +
                                      ": " + check.message() + kRunVerify);
  }
  return proof;
}

// ---- LedgerAppender ----

Result<LedgerAppender> LedgerAppender::Resume(
    sql::Database& db, std::uint64_t size, std::vector<std::pair<unsigned, merkle::Hash>> peaks) {
  LedgerAppender a;
  EVIDENCE_ASSIGN_OR_RETURN(a.insert_entry_, db.Prepare(kInsertEntry));
  // REPLACE: a damaged row left in the cache is overwritten by the value from the entries.
  EVIDENCE_ASSIGN_OR_RETURN(
      a.insert_node_,
      db.Prepare("INSERT OR REPLACE INTO nodes(size, level, hash) VALUES (?, ?, ?)"));
  a.tree_.Reset(size, std::move(peaks));
  return a;
}

merkle::Hash RootOfPeaks(const std::vector<std::pair<unsigned, merkle::Hash>>& peaks) {
  if (peaks.empty()) return merkle::EmptyRoot();
  merkle::Hash root = peaks.back().second;
  for (auto it = peaks.rbegin() + 1; it != peaks.rend(); ++it) {
    root = merkle::NodeHash(it->second, root);
  }
  return root;
}

Result<std::vector<std::pair<unsigned, merkle::Hash>>> SubtreePeaks(
    const merkle::HashSource& source, std::uint64_t size) {
  std::vector<std::pair<unsigned, merkle::Hash>> peaks;
  std::uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    const std::uint64_t width = std::uint64_t{1} << level;
    if ((size & width) == 0) continue;
    EVIDENCE_ASSIGN_OR_RETURN(merkle::Hash h,
                              source.PerfectSubtreeHash(begin, static_cast<unsigned>(level)));
    peaks.emplace_back(static_cast<unsigned>(level), h);
    begin += width;
  }
  return peaks;
}

Result<LedgerAppender> LedgerAppender::Begin(sql::Database& db) {
  EVIDENCE_ASSIGN_OR_RETURN(std::uint64_t size, LedgerSize(db));
  EVIDENCE_ASSIGN_OR_RETURN(LedgerHashSource source, LedgerHashSource::Load(db, size));
  EVIDENCE_ASSIGN_OR_RETURN(auto peaks, SubtreePeaks(source, size));
  return Resume(db, size, std::move(peaks));
}

Result<std::uint64_t> LedgerAppender::Append(ByteView entry, std::string_view time,
                                             std::string_view action,
                                             const std::optional<std::string>& item,
                                             const std::optional<std::string>& incident) {
  const std::uint64_t seq = tree_.size();
  const merkle::Hash leaf = merkle::LeafHash(entry);
  insert_entry_.Bind(1, static_cast<std::int64_t>(seq))
      .BindBlob(2, entry)
      .BindBlob(3, leaf)
      .Bind(4, time)
      .Bind(5, action)
      .BindOptional(6, item)
      .BindOptional(7, incident);
  EVIDENCE_RETURN_IF_ERROR(insert_entry_.Run());
  EVIDENCE_RETURN_IF_ERROR(
      tree_.Append(leaf, [&](std::uint64_t size, unsigned level, const merkle::Hash& h) {
        return insert_node_.Bind(1, static_cast<std::int64_t>(size))
            .Bind(2, static_cast<std::int64_t>(level))
            .BindBlob(3, h)
            .Run();
      }));
  return seq;
}

// ---- NodeCacheCheck ----

Result<NodeCacheCheck> NodeCacheCheck::Begin(sql::Database& db) {
  NodeCacheCheck c;
  EVIDENCE_ASSIGN_OR_RETURN(auto exists,
                            db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                       "name = 'nodes'"));
  EVIDENCE_ASSIGN_OR_RETURN(c.has_table_, exists.Step());
  if (c.has_table_) {
    EVIDENCE_ASSIGN_OR_RETURN(
        c.scan_, db.Prepare("SELECT size, level, hash FROM nodes ORDER BY size, level"));
    EVIDENCE_RETURN_IF_ERROR(c.Next());
  }
  return c;
}

Status NodeCacheCheck::Next() {
  EVIDENCE_ASSIGN_OR_RETURN(bool row, scan_.Step());
  if (!row) {
    row_.reset();
    return Status::Ok();
  }
  const std::int64_t size = scan_.ColumnInt(0);
  const std::int64_t level = scan_.ColumnInt(1);
  // Rows outside any possible tree are kept as size 0, which sorts them as extra.
  row_ = Row{size > 0 ? static_cast<std::uint64_t>(size) : 0,
             level > 0 && level < 64 ? static_cast<unsigned>(level) : 0, ColumnHash(scan_, 2)};
  return Status::Ok();
}

void NodeCacheCheck::Note(std::uint64_t& count, std::string& first, std::uint64_t size,
                          unsigned level) {
  if (count++ > 0) return;
  if (level == 0 || level >= 64 || size < (std::uint64_t{1} << level)) {
    first = "a row for level " + Num(level) + " at size " + Num(size);
  } else {
    first = "the subtree of entries " + Num(size - (std::uint64_t{1} << level)) + " to " +
            Num(size - 1);
  }
}

Status NodeCacheCheck::Compare(std::uint64_t size, unsigned level, const merkle::Hash& hash) {
  auto before = [&](const Row& r) { return r.size < size || (r.size == size && r.level < level); };
  while (row_ && before(*row_)) {
    Note(extra_, first_extra_, row_->size, row_->level);
    EVIDENCE_RETURN_IF_ERROR(Next());
  }
  if (row_ && row_->size == size && row_->level == level) {
    if (!row_->hash || *row_->hash != hash) Note(altered_, first_altered_, size, level);
    return Next();
  }
  Note(missing_, first_missing_, size, level);
  return Status::Ok();
}

Status NodeCacheCheck::Add(const merkle::Hash& leaf) {
  if (!has_table_) return Status::Ok();
  return tree_.Append(leaf, [&](std::uint64_t size, unsigned level, const merkle::Hash& h) {
    return Compare(size, level, h);
  });
}

Result<std::vector<std::string>> NodeCacheCheck::Finish() {
  std::vector<std::string> out;
  const std::string what = "ledger.sqlite: Merkle node cache: ";
  const std::string harmless =
      " (the cache is derived from the entries and never trusted: verify recomputes the tree, "
      "and proofs are checked against the signed root before use)";
  if (!has_table_) {
    out.push_back(what + "missing; proofs recompute subtrees from the entries" + harmless);
    return out;
  }
  while (row_) {
    Note(extra_, first_extra_, row_->size, row_->level);
    EVIDENCE_RETURN_IF_ERROR(Next());
  }
  if (altered_ > 0) {
    out.push_back(what + Num(altered_) + " cached subtree hash" +
                  (altered_ == 1 ? " differs" : "es differ") + " from the entries (first: " +
                  first_altered_ + "): ledger.sqlite was edited outside evidence" + harmless);
  }
  if (extra_ > 0) {
    out.push_back(what + Num(extra_) + " row" + (extra_ == 1 ? "" : "s") +
                  " for subtrees the ledger does not have (first: " + first_extra_ + ")" +
                  harmless);
  }
  if (missing_ > 0) {
    out.push_back(what + Num(missing_) + " subtree hash" + (missing_ == 1 ? " is" : "es are") +
                  " missing (first: " + first_missing_ +
                  "); proofs recompute them from the entries" + harmless);
  }
  return out;
}

// ---- Cache upkeep ----

Result<bool> NodeCacheLooksComplete(sql::Database& db, std::uint64_t size) {
  EVIDENCE_ASSIGN_OR_RETURN(auto exists,
                            db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                       "name = 'nodes'"));
  EVIDENCE_ASSIGN_OR_RETURN(bool has_table, exists.Step());
  if (!has_table) return false;
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT length(hash) FROM nodes WHERE size = ? AND "
                                                "level = ?"));
  for (unsigned level = 1; level < 64 && (size >> level) != 0; ++level) {
    const std::uint64_t last_end = (size >> level) << level;
    (void)st.Reset();
    st.Bind(1, static_cast<std::int64_t>(last_end)).Bind(2, static_cast<std::int64_t>(level));
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || st.ColumnInt(0) != static_cast<std::int64_t>(sizeof(merkle::Hash))) return false;
  }
  return true;
}

}  // namespace evidence
