// Properties over many tree shapes: generated proofs equal the RFC's recursive definitions and
// verify, every single-bit flip is caught, streaming roots equal batch roots, and a source with
// cached subtrees answers proofs with O(log n) requests.
#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <vector>

#include "evidence/merkle.hpp"

namespace evidence::merkle {
namespace {

constexpr std::uint64_t kMaxSize = 70;

std::vector<Hash> MakeLeaves(std::uint64_t n) {
  std::vector<Hash> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i)
    out.push_back(LeafHash(AsBytes("entry " + std::to_string(i))));
  return out;
}

// Distinct stand-in leaf hashes for large trees, cheaper than hashing entries.
std::vector<Hash> SyntheticLeaves(std::uint64_t n) {
  std::vector<Hash> out(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    out[i].fill(0xA5);
    for (int b = 0; b < 8; ++b) out[i][b] = static_cast<std::uint8_t>(i >> (8 * b));
  }
  return out;
}

// ---- The RFC 9162 section 2.1 definitions, transcribed recursively, as the reference ----

std::uint64_t SplitPoint(std::uint64_t n) {  // The largest power of two smaller than n (n > 1).
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash RefRoot(std::span<const Hash> d) {
  if (d.empty()) return EmptyRoot();
  if (d.size() == 1) return d[0];
  const std::uint64_t k = SplitPoint(d.size());
  return NodeHash(RefRoot(d.first(k)), RefRoot(d.subspan(k)));
}

std::vector<Hash> RefPath(std::uint64_t m, std::span<const Hash> d) {
  if (d.size() <= 1) return {};
  const std::uint64_t k = SplitPoint(d.size());
  std::vector<Hash> out;
  if (m < k) {
    out = RefPath(m, d.first(k));
    out.push_back(RefRoot(d.subspan(k)));
  } else {
    out = RefPath(m - k, d.subspan(k));
    out.push_back(RefRoot(d.first(k)));
  }
  return out;
}

std::vector<Hash> RefSubproof(std::uint64_t m, std::span<const Hash> d, bool b) {
  if (m == d.size()) return b ? std::vector<Hash>{} : std::vector<Hash>{RefRoot(d)};
  const std::uint64_t k = SplitPoint(d.size());
  std::vector<Hash> out;
  if (m <= k) {
    out = RefSubproof(m, d.first(k), b);
    out.push_back(RefRoot(d.subspan(k)));
  } else {
    out = RefSubproof(m - k, d.subspan(k), false);
    out.push_back(RefRoot(d.first(k)));
  }
  return out;
}

// ---- Streaming roots ----

TEST(MerkleProperties, AccumulatorEqualsBatchRootForEveryPrefix) {
  const auto leaves = MakeLeaves(300);
  Accumulator acc;
  EXPECT_EQ(acc.Root(), RefRoot({}));
  for (std::size_t n = 1; n <= leaves.size(); ++n) {
    acc.Append(leaves[n - 1]);
    const auto prefix = std::span(leaves).first(n);
    ASSERT_EQ(acc.size(), n);
    ASSERT_EQ(acc.Root(), RefRoot(prefix)) << "n=" << n;
    ASSERT_EQ(RootFromLeafHashes(prefix), acc.Root()) << "n=" << n;
  }
}

TEST(MerkleProperties, AccumulatorCopiesAreIndependent) {
  const auto leaves = MakeLeaves(12);
  Accumulator a;
  for (std::size_t i = 0; i < 7; ++i) a.Append(leaves[i]);
  Accumulator b = a;
  for (std::size_t i = 7; i < 12; ++i) b.Append(leaves[i]);
  EXPECT_EQ(a.size(), 7u);
  EXPECT_EQ(a.Root(), RefRoot(std::span(leaves).first(7)));
  EXPECT_EQ(b.Root(), RefRoot(leaves));
}

// ---- Inclusion ----

TEST(MerkleProperties, InclusionProofsMatchRfcAndVerify) {
  const auto leaves = MakeLeaves(kMaxSize);
  SpanHashSource source(leaves);
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    const auto tree = std::span(leaves).first(n);
    const Hash root = RefRoot(tree);
    for (std::uint64_t i = 0; i < n; ++i) {
      auto proof = InclusionProof(source, i, n);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      ASSERT_EQ(*proof, RefPath(i, tree)) << "index " << i << " size " << n;
      Status s = VerifyInclusion(i, n, leaves[i], *proof, root);
      ASSERT_TRUE(s.ok()) << "index " << i << " size " << n << ": " << s.ToString();
    }
  }
}

TEST(MerkleProperties, InclusionProofOfWrongLengthIsMalformed) {
  const auto leaves = MakeLeaves(kMaxSize);
  SpanHashSource source(leaves);
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    const Hash root = RefRoot(std::span(leaves).first(n));
    for (std::uint64_t i = 0; i < n; ++i) {
      auto proof = *InclusionProof(source, i, n);
      proof.push_back(root);
      EXPECT_EQ(VerifyInclusion(i, n, leaves[i], proof, root).code(), StatusCode::kInvalidArgument);
      proof.pop_back();
      if (proof.empty()) continue;
      proof.pop_back();
      EXPECT_EQ(VerifyInclusion(i, n, leaves[i], proof, root).code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(MerkleProperties, OtherLeavesDoNotVerify) {
  const auto leaves = MakeLeaves(kMaxSize);
  SpanHashSource source(leaves);
  for (std::uint64_t n = 2; n <= kMaxSize; ++n) {
    const Hash root = RefRoot(std::span(leaves).first(n));
    for (std::uint64_t i = 0; i < n; ++i) {
      auto proof = *InclusionProof(source, i, n);
      Status s = VerifyInclusion(i, n, leaves[(i + 1) % n], proof, root);
      EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << "index " << i << " size " << n;
    }
  }
}

// Every bit of every proof element for small trees; for the rest, to keep the test fast, three
// bits spread over the element (first, middle and last byte).
std::vector<int> BitsToFlip(std::uint64_t n) {
  std::vector<int> bits;
  if (n <= 10) {
    for (int b = 0; b < 256; ++b) bits.push_back(b);
  } else {
    bits = {3, 8 * 13 + 5, 8 * 31 + 7};
  }
  return bits;
}

void Flip(Hash& h, int bit) {
  h[static_cast<std::size_t>(bit / 8)] ^= std::uint8_t(1u << (bit % 8));
}

TEST(MerkleProperties, EveryBitFlipInAnInclusionProofFails) {
  const auto leaves = MakeLeaves(kMaxSize);
  SpanHashSource source(leaves);
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    const Hash root = RefRoot(std::span(leaves).first(n));
    const auto bits = BitsToFlip(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      auto proof = *InclusionProof(source, i, n);
      for (std::size_t e = 0; e < proof.size(); ++e) {
        for (int bit : bits) {
          Flip(proof[e], bit);
          ASSERT_EQ(VerifyInclusion(i, n, leaves[i], proof, root).code(),
                    StatusCode::kVerificationFailed)
              << "index " << i << " size " << n << " element " << e << " bit " << bit;
          Flip(proof[e], bit);
        }
      }
      Hash leaf = leaves[i];
      Hash bad_root = root;
      Flip(leaf, static_cast<int>(i % 256));
      Flip(bad_root, static_cast<int>(n % 256));
      EXPECT_FALSE(VerifyInclusion(i, n, leaf, proof, root).ok());
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], proof, bad_root).ok());
    }
  }
}

// ---- Consistency ----

TEST(MerkleProperties, ConsistencyProofsMatchRfcAndVerify) {
  const auto leaves = MakeLeaves(kMaxSize);
  SpanHashSource source(leaves);
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    const auto tree = std::span(leaves).first(n);
    const Hash new_root = RefRoot(tree);
    for (std::uint64_t m = 1; m <= n; ++m) {
      auto proof = ConsistencyProof(source, m, n);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      ASSERT_EQ(*proof, RefSubproof(m, tree, true)) << "sizes " << m << " -> " << n;
      const Hash old_root = RefRoot(tree.first(m));
      Status s = VerifyConsistency(m, n, old_root, new_root, *proof);
      ASSERT_TRUE(s.ok()) << "sizes " << m << " -> " << n << ": " << s.ToString();
    }
  }
}

TEST(MerkleProperties, ConsistencyProofOfWrongLengthIsMalformed) {
  const auto leaves = MakeLeaves(kMaxSize);
  SpanHashSource source(leaves);
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    const Hash new_root = RefRoot(std::span(leaves).first(n));
    for (std::uint64_t m = 1; m <= n; ++m) {
      const Hash old_root = RefRoot(std::span(leaves).first(m));
      auto proof = *ConsistencyProof(source, m, n);
      proof.push_back(new_root);
      EXPECT_EQ(VerifyConsistency(m, n, old_root, new_root, proof).code(),
                StatusCode::kInvalidArgument);
      proof.pop_back();
      if (proof.empty()) continue;
      proof.pop_back();
      EXPECT_EQ(VerifyConsistency(m, n, old_root, new_root, proof).code(),
                StatusCode::kInvalidArgument);
    }
  }
}

TEST(MerkleProperties, EveryBitFlipInAConsistencyProofFails) {
  const auto leaves = MakeLeaves(kMaxSize);
  SpanHashSource source(leaves);
  for (std::uint64_t n = 2; n <= kMaxSize; ++n) {
    const Hash new_root = RefRoot(std::span(leaves).first(n));
    const auto bits = BitsToFlip(n);
    for (std::uint64_t m = 1; m < n; ++m) {
      const Hash old_root = RefRoot(std::span(leaves).first(m));
      auto proof = *ConsistencyProof(source, m, n);
      for (std::size_t e = 0; e < proof.size(); ++e) {
        for (int bit : bits) {
          Flip(proof[e], bit);
          ASSERT_EQ(VerifyConsistency(m, n, old_root, new_root, proof).code(),
                    StatusCode::kVerificationFailed)
              << "sizes " << m << " -> " << n << " element " << e << " bit " << bit;
          Flip(proof[e], bit);
        }
      }
      Hash bad_old = old_root;
      Hash bad_new = new_root;
      Flip(bad_old, static_cast<int>(m % 256));
      Flip(bad_new, static_cast<int>(n % 256));
      EXPECT_EQ(VerifyConsistency(m, n, bad_old, new_root, proof).code(),
                StatusCode::kVerificationFailed);
      EXPECT_EQ(VerifyConsistency(m, n, old_root, bad_new, proof).code(),
                StatusCode::kVerificationFailed);
    }
  }
}

TEST(MerkleProperties, ConsistencyWithATamperedPrefixFails) {
  // The point of a consistency proof: rewriting any old entry breaks it against the old root.
  auto leaves = MakeLeaves(40);
  const std::uint64_t m = 23;
  const std::uint64_t n = 40;
  const Hash old_root = RefRoot(std::span(leaves).first(m));
  for (std::uint64_t victim = 0; victim < m; ++victim) {
    auto tampered = leaves;
    tampered[victim] = LeafHash(AsBytes("rewritten"));
    SpanHashSource source(tampered);
    auto proof = *ConsistencyProof(source, m, n);
    Status s = VerifyConsistency(m, n, old_root, RefRoot(tampered), proof);
    EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << "victim " << victim;
  }
}

// ---- Sources ----

// A source holding every perfect subtree hash, as a ledger with a subtree cache would: it counts
// requests so the O(log n) bound of proof generation is visible.
class CachedSource : public HashSource {
 public:
  explicit CachedSource(std::vector<Hash> leaves) {
    levels_.push_back(std::move(leaves));
    while (levels_.back().size() > 1) {
      const auto& below = levels_.back();
      std::vector<Hash> level;
      for (std::size_t i = 0; i + 1 < below.size(); i += 2) {
        level.push_back(NodeHash(below[i], below[i + 1]));
      }
      levels_.push_back(std::move(level));
    }
  }
  std::uint64_t size() const override { return levels_[0].size(); }
  Result<Hash> LeafHash(std::uint64_t index) const override {
    ++leaf_requests;
    return levels_[0].at(index);
  }
  Result<Hash> PerfectSubtreeHash(std::uint64_t begin, unsigned level) const override {
    ++subtree_requests;
    EXPECT_EQ(begin % (std::uint64_t{1} << level), 0u);
    return levels_.at(level).at(begin >> level);
  }

  mutable std::uint64_t leaf_requests = 0;
  mutable std::uint64_t subtree_requests = 0;

 private:
  std::vector<std::vector<Hash>> levels_;
};

TEST(MerkleSources, ProofsNeedLogarithmicSubtreeRequests) {
  const std::uint64_t kLeaves = 200'003;
  CachedSource source(SyntheticLeaves(kLeaves));
  const std::uint64_t bound = 2 * std::bit_width(kLeaves) + 2;
  for (std::uint64_t n : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{1000},
                          std::uint64_t{131'072}, std::uint64_t{199'999}, kLeaves}) {
    source.subtree_requests = 0;
    auto root = RootAt(source, n);
    ASSERT_TRUE(root.ok());
    EXPECT_LE(source.subtree_requests, bound);
    for (std::uint64_t i : {std::uint64_t{0}, n / 3, n / 2, n - 1}) {
      source.subtree_requests = 0;
      auto proof = InclusionProof(source, i, n);
      ASSERT_TRUE(proof.ok());
      EXPECT_LE(source.subtree_requests, bound) << "index " << i << " size " << n;
      auto leaf = source.LeafHash(i);
      EXPECT_TRUE(VerifyInclusion(i, n, *leaf, *proof, *root).ok());
    }
    for (std::uint64_t m : {std::uint64_t{1}, n / 3 + 1, n / 2 + 1, n}) {
      source.subtree_requests = 0;
      auto proof = ConsistencyProof(source, m, n);
      ASSERT_TRUE(proof.ok());
      EXPECT_LE(source.subtree_requests, bound) << "sizes " << m << " -> " << n;
      auto old_root = RootAt(source, m);
      EXPECT_TRUE(VerifyConsistency(m, n, *old_root, *root, *proof).ok());
    }
  }
}

TEST(MerkleSources, AccumulatorStreamsAMillionEntries) {
  // One pass over a 1,000,000-entry ledger gives the final root and every intermediate root; they
  // agree with the roots a subtree cache gives for the same sizes.
  const std::uint64_t kLeaves = 1'000'000;
  const auto leaves = SyntheticLeaves(kLeaves);
  Accumulator acc;
  std::vector<std::pair<std::uint64_t, Hash>> checkpoints;
  for (const Hash& h : leaves) {
    acc.Append(h);
    if (acc.size() % 99'991 == 0 || acc.size() == kLeaves)
      checkpoints.emplace_back(acc.size(), acc.Root());
  }
  CachedSource source(leaves);
  for (const auto& [size, root] : checkpoints) {
    auto want = RootAt(source, size);
    ASSERT_TRUE(want.ok());
    EXPECT_EQ(root, *want) << "size " << size;
  }
  EXPECT_EQ(source.leaf_requests, 0u);
}

TEST(MerkleSources, DefaultSubtreeHashRejectsBadRanges) {
  const auto leaves = MakeLeaves(10);
  SpanHashSource source(leaves);
  EXPECT_EQ(source.PerfectSubtreeHash(2, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(source.PerfectSubtreeHash(8, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(source.PerfectSubtreeHash(16, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(source.PerfectSubtreeHash(0, 64).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(source.LeafHash(10).status().code(), StatusCode::kInvalidArgument);
  auto ok = source.PerfectSubtreeHash(4, 2);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, RefRoot(std::span(leaves).subspan(4, 4)));
}

// A source whose storage fails: its error reaches the caller unchanged.
class FailingSource : public HashSource {
 public:
  std::uint64_t size() const override { return 16; }
  Result<Hash> LeafHash(std::uint64_t) const override {
    return Status::IoError("ledger: read failed");
  }
};

TEST(MerkleSources, SourceErrorsPassThrough) {
  FailingSource source;
  EXPECT_EQ(RootAt(source, 5).status().code(), StatusCode::kIoError);
  EXPECT_EQ(InclusionProof(source, 3, 9).status().code(), StatusCode::kIoError);
  auto consistency = ConsistencyProof(source, 3, 9);
  EXPECT_EQ(consistency.status().code(), StatusCode::kIoError);
  EXPECT_EQ(consistency.status().message(), "ledger: read failed");
  // Nothing to read: the empty tree's root and a single-leaf proof need no hashes.
  EXPECT_EQ(*RootAt(source, 0), EmptyRoot());
  EXPECT_TRUE(InclusionProof(source, 0, 1)->empty());
  EXPECT_TRUE(ConsistencyProof(source, 4, 4)->empty());
}

}  // namespace
}  // namespace evidence::merkle
