#include "evidence/merkle.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

#include "status_macros.hpp"

namespace evidence::merkle {

namespace {

std::string Num(std::uint64_t n) { return std::to_string(n); }

// The root of a tree whose leaves are covered, left to right, by perfect subtrees of strictly
// decreasing size (the set bits of the leaf count): RFC 6962 splits at the largest power of two
// below n, so the rightmost subtrees are joined first.
Hash FoldPeaks(std::span<const Hash> peaks) {
  if (peaks.empty()) return EmptyRoot();
  Hash root = peaks.back();
  for (auto it = peaks.rbegin() + 1; it != peaks.rend(); ++it) root = NodeHash(*it, root);
  return root;
}

// MTH(D[begin:end]) from the perfect subtrees that cover the range: at most 64 requests.
// Requires begin < end and begin a multiple of bit_floor(end - begin), which holds for every range
// the RFC recursion visits (the source rejects anything else).
Result<Hash> RangeRoot(const HashSource& source, std::uint64_t begin, std::uint64_t end) {
  std::vector<Hash> peaks;
  for (std::uint64_t pos = begin; pos < end;) {
    const unsigned level = std::bit_width(end - pos) - 1;
    EVIDENCE_ASSIGN_OR_RETURN(Hash h, source.PerfectSubtreeHash(pos, level));
    peaks.push_back(h);
    pos += std::uint64_t{1} << level;
  }
  return FoldPeaks(peaks);
}

// Length of PATH(index, D[0:size]): one hash per level where the leaf's ancestor has a sibling.
// `inner` levels lie below the point where the path to `index` leaves the path to the last leaf;
// above it, the ancestor has a (left) sibling wherever `index` has a set bit.
std::uint64_t InclusionProofLength(std::uint64_t index, std::uint64_t size) {
  const unsigned inner = std::bit_width(index ^ (size - 1));
  const unsigned border = inner >= 64 ? 0 : std::popcount(index >> inner);
  return inner + border;
}

// Length of PROOF(old_size, D[0:new_size]) for old_size < new_size: the inclusion path of leaf
// old_size - 1 without its lowest `shift` levels (they lie inside a perfect subtree of the old
// tree), plus that subtree's root unless it is the whole old tree.
std::uint64_t ConsistencyProofLength(std::uint64_t old_size, std::uint64_t new_size) {
  const unsigned shift = std::countr_zero(old_size);
  const std::uint64_t seed = std::has_single_bit(old_size) ? 0 : 1;
  return seed + InclusionProofLength(old_size - 1, new_size) - shift;
}

Status WrongLength(std::string_view what, std::size_t got, std::uint64_t want) {
  return Status::InvalidArgument(std::string(what) + ": has " + Num(got) + " hashes, needs " +
                                 Num(want));
}

Status RootMismatch(std::string_view what, const Hash& got, const Hash& want) {
  return Status::VerificationFailed(std::string(what) + " leads to root " + DigestHex(got) +
                                    ", expected " + DigestHex(want));
}

// RFC 9162: "right-shift both fn and sn equally until either LSB(fn) is set or fn is 0".
void SkipRightEdge(std::uint64_t& fn, std::uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

// ---- Hashing ----

Hash LeafHash(ByteView entry) {
  Sha256 h;
  const std::uint8_t prefix = 0x00;
  h.Update(ByteView(&prefix, 1));
  h.Update(entry);
  return h.Finish();
}

Hash NodeHash(const Hash& left, const Hash& right) {
  std::array<std::uint8_t, 1 + 2 * sizeof(Hash)> buf;
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf.begin() + 1);
  std::copy(right.begin(), right.end(), buf.begin() + 1 + left.size());
  return Sha256::Of(ByteView(buf));
}

Hash EmptyRoot() { return Sha256::Of(ByteView()); }

Hash RootFromLeafHashes(std::span<const Hash> leaf_hashes) {
  Accumulator acc;
  for (const Hash& h : leaf_hashes) acc.Append(h);
  return acc.Root();
}

// ---- Accumulator ----

void Accumulator::Append(const Hash& leaf_hash) {
  // Each trailing one bit of the old size is a perfect subtree of the size of the one just
  // completed; merging them is binary addition with carries.
  Hash carry = leaf_hash;
  for (std::uint64_t s = size_; (s & 1) != 0; s >>= 1) {
    carry = NodeHash(peaks_.back(), carry);
    peaks_.pop_back();
  }
  peaks_.push_back(carry);
  ++size_;
}

Hash Accumulator::Root() const { return FoldPeaks(peaks_); }

// ---- Sources ----

HashSource::~HashSource() = default;

Result<Hash> HashSource::PerfectSubtreeHash(std::uint64_t begin, unsigned level) const {
  const std::string where = "merkle: subtree of 2^" + Num(level) + " leaves at " + Num(begin);
  if (level >= 64) return Status::InvalidArgument(where + ": level too large");
  const std::uint64_t width = std::uint64_t{1} << level;
  if ((begin & (width - 1)) != 0) return Status::InvalidArgument(where + ": not aligned");
  if (begin > size() || size() - begin < width) {
    return Status::InvalidArgument(where + ": beyond the " + Num(size()) + " leaves available");
  }
  if (level == 0) return LeafHash(begin);
  Accumulator acc;
  for (std::uint64_t i = begin; i < begin + width; ++i) {
    EVIDENCE_ASSIGN_OR_RETURN(Hash h, LeafHash(i));
    acc.Append(h);
  }
  return acc.Root();
}

Result<Hash> SpanHashSource::LeafHash(std::uint64_t index) const {
  if (index >= leaves_.size()) {
    return Status::InvalidArgument("merkle: leaf index " + Num(index) + " is not below size " +
                                   Num(leaves_.size()));
  }
  return leaves_[index];
}

// ---- Proof generation ----

Result<Hash> RootAt(const HashSource& source, std::uint64_t size) {
  if (size > source.size()) {
    return Status::InvalidArgument("merkle root: tree size " + Num(size) + " exceeds the " +
                                   Num(source.size()) + " leaves available");
  }
  if (size == 0) return EmptyRoot();
  return RangeRoot(source, 0, size);
}

Result<std::vector<Hash>> InclusionProof(const HashSource& source, std::uint64_t index,
                                         std::uint64_t tree_size) {
  if (index >= tree_size) {
    return Status::InvalidArgument("inclusion proof: leaf index " + Num(index) +
                                   " is not below tree size " + Num(tree_size));
  }
  if (tree_size > source.size()) {
    return Status::InvalidArgument("inclusion proof: tree size " + Num(tree_size) +
                                   " exceeds the " + Num(source.size()) + " leaves available");
  }
  // PATH(m, D[lo:hi]) descends into the half that holds the leaf and records the other half's root;
  // the recorded roots are collected top-down and returned bottom-up.
  std::vector<Hash> proof;
  std::uint64_t lo = 0;
  std::uint64_t hi = tree_size;
  while (hi - lo > 1) {
    const std::uint64_t mid = lo + std::bit_floor(hi - lo - 1);
    if (index < mid) {
      EVIDENCE_ASSIGN_OR_RETURN(Hash right, RangeRoot(source, mid, hi));
      proof.push_back(right);
      hi = mid;
    } else {
      EVIDENCE_ASSIGN_OR_RETURN(Hash left, RangeRoot(source, lo, mid));
      proof.push_back(left);
      lo = mid;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash>> ConsistencyProof(const HashSource& source, std::uint64_t old_size,
                                           std::uint64_t new_size) {
  if (old_size == 0 || old_size > new_size) {
    return Status::InvalidArgument("consistency proof: needs 0 < old size <= new size, got " +
                                   Num(old_size) + " and " + Num(new_size));
  }
  if (new_size > source.size()) {
    return Status::InvalidArgument("consistency proof: tree size " + Num(new_size) +
                                   " exceeds the " + Num(source.size()) + " leaves available");
  }
  // SUBPROOF(m, D[lo:hi], b) descends towards the subtree that ends at old_size, recording the
  // sibling roots; once it has turned right (b false) the old tree's last subtree is not known to
  // the verifier, so its root is recorded too.
  std::vector<Hash> proof;
  std::uint64_t lo = 0;
  std::uint64_t hi = new_size;
  bool old_root_known = true;
  while (old_size != hi) {
    const std::uint64_t mid = lo + std::bit_floor(hi - lo - 1);
    if (old_size <= mid) {
      EVIDENCE_ASSIGN_OR_RETURN(Hash right, RangeRoot(source, mid, hi));
      proof.push_back(right);
      hi = mid;
    } else {
      EVIDENCE_ASSIGN_OR_RETURN(Hash left, RangeRoot(source, lo, mid));
      proof.push_back(left);
      lo = mid;
      old_root_known = false;
    }
  }
  if (!old_root_known) {
    EVIDENCE_ASSIGN_OR_RETURN(Hash subtree, RangeRoot(source, lo, hi));
    proof.push_back(subtree);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

// ---- Verification ----

Result<Hash> RootFromInclusionProof(std::uint64_t index, std::uint64_t tree_size,
                                    const Hash& leaf_hash, std::span<const Hash> proof) {
  if (index >= tree_size) {
    return Status::InvalidArgument("inclusion proof: leaf index " + Num(index) +
                                   " is not below tree size " + Num(tree_size));
  }
  const std::uint64_t want = InclusionProofLength(index, tree_size);
  if (proof.size() != want) return WrongLength("inclusion proof", proof.size(), want);

  // RFC 9162 section 2.1.3.2, step by step. With the length checked, steps 4a and 5 ("sn is 0")
  // cannot fail; they stay as the RFC writes them.
  std::uint64_t fn = index;
  std::uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return WrongLength("inclusion proof", proof.size(), want);
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      SkipRightEdge(fn, sn);
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return WrongLength("inclusion proof", proof.size(), want);
  return r;
}

Status VerifyInclusion(std::uint64_t index, std::uint64_t tree_size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  EVIDENCE_ASSIGN_OR_RETURN(Hash got, RootFromInclusionProof(index, tree_size, leaf_hash, proof));
  if (got != root) return RootMismatch("inclusion proof", got, root);
  return Status::Ok();
}

Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, std::span<const Hash> proof) {
  if (old_size == 0 || old_size > new_size) {
    return Status::InvalidArgument("consistency proof: needs 0 < old size <= new size, got " +
                                   Num(old_size) + " and " + Num(new_size));
  }
  if (old_size == new_size) {
    if (!proof.empty()) return WrongLength("consistency proof", proof.size(), 0);
    if (old_root != new_root) {
      return Status::VerificationFailed("consistency proof: two trees of size " + Num(old_size) +
                                        " have different roots " + DigestHex(old_root) + " and " +
                                        DigestHex(new_root));
    }
    return Status::Ok();
  }
  const std::uint64_t want = ConsistencyProofLength(old_size, new_size);
  if (proof.size() != want) return WrongLength("consistency proof", proof.size(), want);

  // RFC 9162 section 2.1.4.2, step by step (step 1, "the path is empty", is the length check).
  // Step 2: when the old tree is perfect its root is the starting point, else the proof's first.
  std::span<const Hash> path = proof;
  Hash fr = old_root;
  if (!std::has_single_bit(old_size)) {
    fr = path.front();
    path = path.subspan(1);
  }
  Hash sr = fr;
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  for (const Hash& c : path) {
    if (sn == 0) return WrongLength("consistency proof", proof.size(), want);
    if ((fn & 1) != 0 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      SkipRightEdge(fn, sn);
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return WrongLength("consistency proof", proof.size(), want);
  if (fr != old_root) return RootMismatch("consistency proof (old tree)", fr, old_root);
  if (sr != new_root) return RootMismatch("consistency proof (new tree)", sr, new_root);
  return Status::Ok();
}

}  // namespace evidence::merkle
