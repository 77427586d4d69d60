// The ledger's Merkle tree, exactly as RFC 6962 / RFC 9162 section 2.1 define it: tree hashes,
// inclusion and consistency proofs, and their verifiers. Pure functions over hashes: no I/O, no
// database. A caller that stores the ledger supplies leaf hashes through a HashSource.
//
// Sizes and indices are uint64_t leaf counts; a tree of size n holds leaves [0, n). Proofs are
// ordered as in RFC 9162: from the hash next to the leaf (or the old subtree) up to the root.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "evidence/bytes.hpp"
#include "evidence/export.hpp"
#include "evidence/hash.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence::merkle {

using Hash = Sha256Digest;

// ---- Hashing (RFC 9162 section 2.1.1) ----

// SHA-256(0x00 || entry): the hash of one leaf, given the leaf's exact bytes.
Hash LeafHash(ByteView entry);

// SHA-256(0x01 || left || right): the hash of an interior node.
Hash NodeHash(const Hash& left, const Hash& right);

// SHA-256(""): the root of the empty tree.
Hash EmptyRoot();

// MTH(D[0:n]) of the given leaf hashes, EmptyRoot() when there are none. O(n) time, O(log n)
// memory.
Hash RootFromLeafHashes(std::span<const Hash> leaf_hashes);

// ---- Streaming roots ----

// The roots of the perfect subtrees that make up the tree of the leaves appended so far (a "compact
// range" starting at index 0), so that the root at every size can be taken while entries stream
// past in one pass, in O(log n) memory. Root() after n appends equals RootFromLeafHashes of those n
// leaves. Not thread-safe; copyable, so a caller may fork the state.
class Accumulator {
 public:
  // Adds the next leaf (index size()). Amortised O(1) node hashes, at most O(log n).
  void Append(const Hash& leaf_hash);

  // Number of leaves appended so far.
  std::uint64_t size() const { return size_; }

  // The root of the tree of the leaves appended so far; EmptyRoot() before any. O(log n).
  Hash Root() const;

 private:
  std::uint64_t size_ = 0;
  // One hash per set bit of size_, largest (leftmost) subtree first.
  std::vector<Hash> peaks_;
};

// ---- Sources of hashes for proof generation ----

// Read-only access to the leaf hashes of a log of size() leaves. Proof generation asks only for
// O(log n) perfect subtrees; a source that caches complete-subtree hashes overrides
// PerfectSubtreeHash to make proofs O(log n) in time as well. Errors the source returns (an I/O
// error, corruption) are passed through unchanged by the functions below. Inside a subclass the
// member LeafHash hides the free function; call that one as merkle::LeafHash.
class HashSource {
 public:
  virtual ~HashSource();

  // Number of leaves available.
  virtual std::uint64_t size() const = 0;

  // The hash of leaf `index`. Requires index < size(); kInvalidArgument otherwise.
  virtual Result<Hash> LeafHash(std::uint64_t index) const = 0;

  // The root of the perfect subtree covering leaves [begin, begin + 2^level). Requires begin to be
  // a multiple of 2^level and begin + 2^level <= size(); kInvalidArgument otherwise. The default
  // computes it from the 2^level leaf hashes (O(2^level) time, O(level) memory).
  virtual Result<Hash> PerfectSubtreeHash(std::uint64_t begin, unsigned level) const;
};

// A HashSource over leaf hashes held in memory. Does not own them: the span must outlive the
// source.
class SpanHashSource : public HashSource {
 public:
  explicit SpanHashSource(std::span<const Hash> leaf_hashes) : leaves_(leaf_hashes) {}

  std::uint64_t size() const override { return leaves_.size(); }
  Result<Hash> LeafHash(std::uint64_t index) const override;

 private:
  std::span<const Hash> leaves_;
};

// ---- Proof generation (RFC 9162 sections 2.1.3.1 and 2.1.4.1) ----

// The root of the tree made of the first `size` leaves of `source`; EmptyRoot() for size 0.
// Requires size <= source.size(); kInvalidArgument otherwise. O(log n) subtree requests.
Result<Hash> RootAt(const HashSource& source, std::uint64_t size);

// PATH(index, D[0:tree_size]): the audit path of leaf `index` in the tree of size `tree_size`.
// Requires index < tree_size <= source.size(); kInvalidArgument otherwise. O(log n) subtree
// requests.
Result<std::vector<Hash>> InclusionProof(const HashSource& source, std::uint64_t index,
                                         std::uint64_t tree_size);

// PROOF(old_size, D[0:new_size]): shows that the tree of size old_size is a prefix of the tree of
// size new_size. Empty when old_size == new_size. Requires 0 < old_size <= new_size <=
// source.size(); kInvalidArgument otherwise. O(log n) subtree requests.
Result<std::vector<Hash>> ConsistencyProof(const HashSource& source, std::uint64_t old_size,
                                           std::uint64_t new_size);

// ---- Verification (RFC 9162 sections 2.1.3.2 and 2.1.4.2) ----
// Malformed input (a size or index out of range, a proof of the wrong length) is kInvalidArgument;
// a well-formed proof that does not lead to the expected root is kVerificationFailed.

// The root that `proof` leads to from `leaf_hash` at `index` in a tree of size `tree_size`, for
// callers that want to report it. Requires index < tree_size and proof.size() equal to the length
// of PATH(index, D[0:tree_size]); kInvalidArgument otherwise.
Result<Hash> RootFromInclusionProof(std::uint64_t index, std::uint64_t tree_size,
                                    const Hash& leaf_hash, std::span<const Hash> proof);

// OK when `proof` shows that `leaf_hash` is leaf `index` of the tree of size `tree_size` whose root
// is `root`. Requires index < tree_size and a proof of the right length (else kInvalidArgument);
// kVerificationFailed ("inclusion proof leads to root X, expected Y") when the roots differ.
Status VerifyInclusion(std::uint64_t index, std::uint64_t tree_size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root);

// OK when `proof` shows that the tree of size old_size with root old_root is a prefix of the tree
// of size new_size with root new_root. Requires 0 < old_size <= new_size and a proof of the right
// length (empty when the sizes are equal); kInvalidArgument otherwise. kVerificationFailed when
// the proof leads to a different old or new root (for equal sizes: when the roots differ).
Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, std::span<const Hash> proof);

}  // namespace evidence::merkle
EVIDENCE_PUBLIC_END
