// The ledger's Merkle tree on disk: a merkle::HashSource over a case's ledger that reads leaf
// hashes from `entries` and complete-subtree hashes from the `nodes` cache (schemas/ledger.sql), so
// that a root or a proof costs O(log n) reads; and the appender that keeps that cache up to date as
// entries are appended. In the library only LedgerWriter (ledger_writer.hpp), which checks the
// ledger against its signed checkpoint first, appends. The entries are the truth: a subtree missing
// from the cache is recomputed from them, and the cache can always be rebuilt from them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "evidence/merkle.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// Reads the ledger lazily; holds prepared statements on `db`, which must outlive it. Not
// thread-safe. Errors: kCorruption when an entry below size() is missing or its leaf hash is
// malformed.
class LedgerHashSource : public merkle::HashSource {
 public:
  // A source over entries [0, size) that uses every cached subtree. kCorruption when the ledger
  // holds fewer than `size` entries.
  static Result<LedgerHashSource> Load(sql::Database& db, std::uint64_t size);

  // Like Load, but trusts only cached subtrees that end at or below `cached_size` and recomputes
  // the others from the leaf hashes (0: never reads the cache). Sealing uses it so that the part
  // of the tree added since the last checkpoint comes from the entries themselves.
  static Result<LedgerHashSource> LoadTrustingCacheBelow(sql::Database& db, std::uint64_t size,
                                                         std::uint64_t cached_size);

  std::uint64_t size() const override { return size_; }
  Result<merkle::Hash> LeafHash(std::uint64_t index) const override;
  Result<merkle::Hash> PerfectSubtreeHash(std::uint64_t begin, unsigned level) const override;

 private:
  LedgerHashSource() = default;
  Result<merkle::Hash> Recompute(std::uint64_t begin, std::uint64_t end) const;

  sql::Database* db_ = nullptr;
  std::uint64_t size_ = 0;
  std::uint64_t cached_size_ = 0;
  mutable sql::Statement leaf_;
  mutable sql::Statement node_;
};

// PATH(index, D[0:source.size()]) from `source`, checked against `signed_root` (the root of a
// signed checkpoint of that size) before it is returned: if the cache led to a proof that does not
// verify, the proof is made again from the entries alone, so a damaged cache can never put a wrong
// proof in a bundle. kVerificationFailed when even the entries do not lead to `signed_root` (the
// ledger was altered: run `evidence verify`). O(log n) reads when the cache is sound.
Result<std::vector<merkle::Hash>> CheckedInclusionProof(sql::Database& db,
                                                        const LedgerHashSource& source,
                                                        std::uint64_t index,
                                                        const merkle::Hash& signed_root);

// The perfect subtrees of a tree that grows one leaf at a time (binary addition with carries), for
// the code that writes or checks the cache in one pass over the entries: O(log n) memory.
class NodeStack {
 public:
  // Adds the next leaf and calls on_node(size, level, hash) -> Status for each node of level >= 1
  // it completes, lowest first (the order of the cache's primary key).
  template <typename OnNode>
  Status Append(const merkle::Hash& leaf, OnNode&& on_node) {
    merkle::Hash carry = leaf;
    unsigned level = 0;
    while (!peaks_.empty() && peaks_.back().first == level) {
      carry = merkle::NodeHash(peaks_.back().second, carry);
      peaks_.pop_back();
      ++level;
      Status s = on_node(size_ + 1, level, carry);
      if (!s.ok()) return s;
    }
    peaks_.emplace_back(level, carry);
    ++size_;
    return Status::Ok();
  }
  // Starts from a tree of `size` leaves whose perfect subtrees (largest first) are `peaks`.
  void Reset(std::uint64_t size, std::vector<std::pair<unsigned, merkle::Hash>> peaks) {
    size_ = size;
    peaks_ = std::move(peaks);
  }
  std::uint64_t size() const { return size_; }
  // The perfect subtrees of the tree so far, largest first.
  const std::vector<std::pair<unsigned, merkle::Hash>>& peaks() const { return peaks_; }

 private:
  std::uint64_t size_ = 0;
  std::vector<std::pair<unsigned, merkle::Hash>> peaks_;
};

// The perfect subtrees of the first `size` leaves of `source`, largest first: the O(log n) hashes
// a root at `size`, and every append after it, is built from.
Result<std::vector<std::pair<unsigned, merkle::Hash>>> SubtreePeaks(
    const merkle::HashSource& source, std::uint64_t size);

// The root of a tree whose perfect subtrees, largest first, are `peaks` (the empty root for none).
merkle::Hash RootOfPeaks(const std::vector<std::pair<unsigned, merkle::Hash>>& peaks);

// Appends entries to the ledger inside the caller's open transaction and writes, in the same
// transaction, every cache node each entry completes. Valid only within that one transaction
// (another process may append once it ends): make a new one for each.
class LedgerAppender {
 public:
  // Reads the next seq and the O(log n) subtree roots the next append builds on.
  static Result<LedgerAppender> Begin(sql::Database& db);
  // Continues a tree of `size` leaves whose perfect subtrees (largest first) are `peaks`, hashes
  // the caller has already checked against a signed root.
  static Result<LedgerAppender> Resume(sql::Database& db, std::uint64_t size,
                                       std::vector<std::pair<unsigned, merkle::Hash>> peaks);
  // The perfect subtrees of the tree so far, largest first.
  const std::vector<std::pair<unsigned, merkle::Hash>>& peaks() const { return tree_.peaks(); }

  // Number of entries in the ledger, including those appended through this object.
  std::uint64_t size() const { return tree_.size(); }

  // Appends the entry whose canonical bytes are `entry` as seq size(); its other columns as in
  // schemas/ledger.sql. Returns the seq.
  Result<std::uint64_t> Append(ByteView entry, std::string_view time, std::string_view action,
                               const std::optional<std::string>& item,
                               const std::optional<std::string>& incident);

 private:
  LedgerAppender() = default;
  sql::Statement insert_entry_;
  sql::Statement insert_node_;
  NodeStack tree_;
};

// `verify`'s look at the cache: compares every cached node with the tree recomputed from the
// entries while they stream past in order (one merge of two ordered scans, O(log n) memory). The
// cache is never used to decide whether the ledger verifies; what is wrong with it is reported.
class NodeCacheCheck {
 public:
  static Result<NodeCacheCheck> Begin(sql::Database& db);
  // The next leaf, hashed from the entry's bytes (not the stored leaf_hash column).
  Status Add(const merkle::Hash& leaf);
  // One line per problem found (none when the cache agrees with the entries), after the last Add.
  Result<std::vector<std::string>> Finish();

 private:
  NodeCacheCheck() = default;
  struct Row {
    std::uint64_t size = 0;
    unsigned level = 0;
    std::optional<merkle::Hash> hash;
  };
  Status Next();  // moves row_ to the next stored node, or clears it
  Status Compare(std::uint64_t size, unsigned level, const merkle::Hash& hash);
  void Note(std::uint64_t& count, std::string& first, std::uint64_t size, unsigned level);

  bool has_table_ = false;
  sql::Statement scan_;
  std::optional<Row> row_;
  NodeStack tree_;
  std::uint64_t altered_ = 0, missing_ = 0, extra_ = 0;
  std::string first_altered_, first_missing_, first_extra_;
};

// Whether the cache holds the last node of every level for a ledger of `size` entries (O(log n)
// reads). A cache that was never built, or was dropped, fails this; damage inside it does not
// (only `verify` looks at every node).
Result<bool> NodeCacheLooksComplete(sql::Database& db, std::uint64_t size);

// Number of entries in the ledger (max(seq) + 1), O(log n).
Result<std::uint64_t> LedgerSize(sql::Database& db);

}  // namespace evidence
