// The RFC 6962 test vectors published with transparency-dev/merkle (testonly/constants.go,
// proof/verify_test.go, rfc6962/rfc6962_test.go), and negative cases named after the mutation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evidence/merkle.hpp"

namespace evidence::merkle {
namespace {

Hash H(std::string_view hex) {
  auto d = DigestFromHex(hex);
  EXPECT_TRUE(d.ok()) << hex;
  return d.ok() ? *d : Hash{};
}

Bytes Unhex(std::string_view hex) {
  auto b = HexDecode(hex);
  EXPECT_TRUE(b.ok()) << hex;
  return b.ok() ? *b : Bytes{};
}

const std::vector<std::string> kLeafInputs = {"",
                                              "00",
                                              "10",
                                              "2021",
                                              "3031",
                                              "40414243",
                                              "5051525354555657",
                                              "606162636465666768696a6b6c6d6e6f"};

// kRoots[n] is the root of the tree of the first n leaf inputs.
const std::vector<Hash> kRoots = {
    H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    H("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    H("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    H("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    H("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    H("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
};

// kNodes[level][i] is the root of the perfect subtree over leaves [i * 2^level, (i + 1) * 2^level).
const std::vector<std::vector<Hash>> kNodes = {
    {H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
     H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
     H("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
     H("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
     H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
     H("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
     H("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
     H("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1")},
    {H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
     H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
     H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
     H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0")},
    {H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
     H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")},
    {H("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")},
};

struct InclusionVector {
  std::uint64_t index;
  std::uint64_t size;
  std::vector<Hash> proof;
};

// Published with 1-based leaf numbers; stored here as 0-based indices.
const std::vector<InclusionVector> kInclusion = {
    {0, 1, {}},
    {0,
     8,
     {H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
      H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
      H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")}},
    {5,
     8,
     {H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
      H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
      H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
    {2, 3, {H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")}},
    {1,
     5,
     {H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
      H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
      H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")}},
};

struct ConsistencyVector {
  std::uint64_t old_size;
  std::uint64_t new_size;
  std::vector<Hash> proof;
};

const std::vector<ConsistencyVector> kConsistency = {
    {1, 1, {}},
    {1,
     8,
     {H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
      H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
      H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")}},
    {6,
     8,
     {H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
      H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
      H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
    {2,
     5,
     {H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
      H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")}},
    {6,
     7,
     {H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
      H("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
      H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
};

// An arbitrary hash that is no node of the test tree.
const Hash kSomeHash = H("abacaba000000000000000000000000000000000000000000060061e00123456");

std::vector<Hash> LeafHashes() {
  std::vector<Hash> out;
  for (const auto& hex : kLeafInputs) out.push_back(LeafHash(Unhex(hex)));
  return out;
}

Hash LeafOf(std::uint64_t index) { return LeafHashes()[index]; }

std::string Describe(const InclusionVector& v) {
  return "index " + std::to_string(v.index) + " size " + std::to_string(v.size);
}
std::string Describe(const ConsistencyVector& v) {
  return "sizes " + std::to_string(v.old_size) + " -> " + std::to_string(v.new_size);
}

// ---- Hashing ----

TEST(MerkleHashing, EmptyRoot) {
  EXPECT_EQ(EmptyRoot(), H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

TEST(MerkleHashing, EmptyLeafDiffersFromEmptyRoot) {
  EXPECT_EQ(LeafHash(ByteView()),
            H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"));
}

TEST(MerkleHashing, Leaf) {
  EXPECT_EQ(LeafHash(AsBytes("L123456")),
            H("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"));
}

TEST(MerkleHashing, NodeIsPrefixedConcatenation) {
  Hash l = LeafHash(AsBytes("Hello"));
  Hash r = LeafHash(AsBytes("World"));
  Bytes preimage = {0x01};
  preimage.insert(preimage.end(), l.begin(), l.end());
  preimage.insert(preimage.end(), r.begin(), r.end());
  EXPECT_EQ(NodeHash(l, r), Sha256::Of(ByteView(preimage)));
  EXPECT_NE(NodeHash(l, r), NodeHash(r, l));
  // Domain separation: a node is not the leaf of its children's concatenation.
  EXPECT_NE(NodeHash(l, r), LeafHash(ByteView(preimage).subspan(1)));
}

TEST(MerkleHashing, RootsOfEveryPrefix) {
  const auto leaves = LeafHashes();
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    EXPECT_EQ(RootFromLeafHashes(std::span(leaves).first(n)), kRoots[n]) << "n=" << n;
  }
}

TEST(MerkleHashing, AccumulatorRootsOfEveryPrefix) {
  Accumulator acc;
  EXPECT_EQ(acc.size(), 0u);
  EXPECT_EQ(acc.Root(), kRoots[0]);
  for (const Hash& h : LeafHashes()) {
    acc.Append(h);
    EXPECT_EQ(acc.Root(), kRoots[acc.size()]) << "n=" << acc.size();
  }
}

TEST(MerkleHashing, PerfectSubtreeHashes) {
  const auto leaves = LeafHashes();
  SpanHashSource source(leaves);
  for (unsigned level = 0; level < kNodes.size(); ++level) {
    for (std::size_t i = 0; i < kNodes[level].size(); ++i) {
      auto got = source.PerfectSubtreeHash(i << level, level);
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(*got, kNodes[level][i]) << "level " << level << " index " << i;
    }
  }
}

TEST(MerkleHashing, RootAtEverySize) {
  const auto leaves = LeafHashes();
  SpanHashSource source(leaves);
  for (std::uint64_t n = 0; n <= leaves.size(); ++n) {
    auto got = RootAt(source, n);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, kRoots[n]) << "n=" << n;
  }
  EXPECT_EQ(RootAt(source, 9).status().code(), StatusCode::kInvalidArgument);
}

// ---- Inclusion: the published proofs ----

TEST(InclusionVectors, GeneratedProofsMatch) {
  const auto leaves = LeafHashes();
  SpanHashSource source(leaves);
  for (const auto& v : kInclusion) {
    auto got = InclusionProof(source, v.index, v.size);
    ASSERT_TRUE(got.ok()) << Describe(v) << ": " << got.status().ToString();
    EXPECT_EQ(*got, v.proof) << Describe(v);
  }
}

TEST(InclusionVectors, Verify) {
  for (const auto& v : kInclusion) {
    Status s = VerifyInclusion(v.index, v.size, LeafOf(v.index), v.proof, kRoots[v.size]);
    EXPECT_TRUE(s.ok()) << Describe(v) << ": " << s.ToString();
    auto root = RootFromInclusionProof(v.index, v.size, LeafOf(v.index), v.proof);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(*root, kRoots[v.size]);
  }
}

TEST(InclusionVectors, ModifiedProofBit3) {
  for (const auto& v : kInclusion) {
    for (std::size_t i = 0; i < v.proof.size(); ++i) {
      auto proof = v.proof;
      proof[i][0] ^= 8;
      Status s = VerifyInclusion(v.index, v.size, LeafOf(v.index), proof, kRoots[v.size]);
      EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << Describe(v) << " element " << i;
    }
  }
}

TEST(InclusionVectors, TrailingGarbage) {
  for (const auto& v : kInclusion) {
    for (const Hash& extra : {kSomeHash, kRoots[v.size]}) {
      auto proof = v.proof;
      proof.push_back(extra);
      Status s = VerifyInclusion(v.index, v.size, LeafOf(v.index), proof, kRoots[v.size]);
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << Describe(v);
    }
  }
}

TEST(InclusionVectors, PrecedingGarbage) {
  for (const auto& v : kInclusion) {
    auto proof = v.proof;
    proof.insert(proof.begin(), kRoots[v.size]);
    Status s = VerifyInclusion(v.index, v.size, LeafOf(v.index), proof, kRoots[v.size]);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << Describe(v);
  }
}

TEST(InclusionVectors, MissingHash) {
  for (const auto& v : kInclusion) {
    for (std::size_t i = 0; i < v.proof.size(); ++i) {
      auto proof = v.proof;
      proof.erase(proof.begin() + static_cast<std::ptrdiff_t>(i));
      Status s = VerifyInclusion(v.index, v.size, LeafOf(v.index), proof, kRoots[v.size]);
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << Describe(v) << " without " << i;
    }
  }
}

TEST(InclusionVectors, InsertedHash) {
  for (const auto& v : kInclusion) {
    if (v.proof.size() < 2) continue;
    auto proof = v.proof;
    proof.insert(proof.begin() + 1, kSomeHash);
    proof.pop_back();  // Same length, so this is a wrong proof rather than a malformed one.
    Status s = VerifyInclusion(v.index, v.size, LeafOf(v.index), proof, kRoots[v.size]);
    EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << Describe(v);
  }
}

TEST(InclusionVectors, SwappedProofElements) {
  for (const auto& v : kInclusion) {
    for (std::size_t i = 0; i + 1 < v.proof.size(); ++i) {
      auto proof = v.proof;
      std::swap(proof[i], proof[i + 1]);
      Status s = VerifyInclusion(v.index, v.size, LeafOf(v.index), proof, kRoots[v.size]);
      EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << Describe(v) << " swap " << i;
    }
  }
}

TEST(InclusionVectors, WrongLeaf) {
  for (const auto& v : kInclusion) {
    for (const Hash& leaf : {kSomeHash, LeafHash(AsBytes("WrongLeaf")), EmptyRoot()}) {
      Status s = VerifyInclusion(v.index, v.size, leaf, v.proof, kRoots[v.size]);
      EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << Describe(v);
    }
  }
}

TEST(InclusionVectors, LeafDataInsteadOfLeafHash) {
  // A classic misuse: passing SHA-256(entry) rather than SHA-256(0x00 || entry).
  for (const auto& v : kInclusion) {
    Hash plain = Sha256::Of(ByteView(Unhex(kLeafInputs[v.index])));
    Status s = VerifyInclusion(v.index, v.size, plain, v.proof, kRoots[v.size]);
    EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << Describe(v);
  }
}

TEST(InclusionVectors, WrongIndex) {
  for (const auto& v : kInclusion) {
    for (std::uint64_t index : {v.index - 1, v.index + 1, v.index ^ 2}) {
      if (index == v.index) continue;
      Status s = VerifyInclusion(index, v.size, LeafOf(v.index), v.proof, kRoots[v.size]);
      EXPECT_FALSE(s.ok()) << Describe(v) << " as index " << index;
    }
  }
}

// Sizes that change the path's shape (twice, half). A neighbouring size is no mutation at all for
// some vectors: index 1 has paths of the same shape in trees of 5 and 6 leaves, so the verifier
// computes the same root from the same hashes, and the claimed root is what is being checked.
TEST(InclusionVectors, WrongTreeSize) {
  for (const auto& v : kInclusion) {
    for (std::uint64_t size : {v.size * 2, v.size / 2}) {
      if (size == v.size) continue;
      Status s = VerifyInclusion(v.index, size, LeafOf(v.index), v.proof, kRoots[v.size]);
      EXPECT_FALSE(s.ok()) << Describe(v) << " as size " << size;
    }
  }
}

TEST(InclusionVectors, WrongRoot) {
  for (const auto& v : kInclusion) {
    for (const Hash& root : {kSomeHash, EmptyRoot(), kRoots[v.size - 1]}) {
      Status s = VerifyInclusion(v.index, v.size, LeafOf(v.index), v.proof, root);
      EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << Describe(v);
    }
  }
}

TEST(InclusionVectors, MismatchMessageNamesBothRoots) {
  const auto& v = kInclusion[1];
  Status s = VerifyInclusion(v.index, v.size, LeafOf(v.index), v.proof, kSomeHash);
  EXPECT_EQ(s.message(), "inclusion proof leads to root " + DigestHex(kRoots[v.size]) +
                             ", expected " + DigestHex(kSomeHash));
}

TEST(InclusionVectors, IndexNotBelowSize) {
  for (auto [index, size] :
       {std::pair<std::uint64_t, std::uint64_t>{0, 0}, {1, 0}, {1, 1}, {2, 1}, {8, 8}}) {
    Status s = VerifyInclusion(index, size, kSomeHash, {}, EmptyRoot());
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << index << "/" << size;
  }
}

TEST(InclusionVectors, SingleLeafTree) {
  Hash leaf = LeafHash(AsBytes("data"));
  EXPECT_TRUE(VerifyInclusion(0, 1, leaf, {}, leaf).ok());
  EXPECT_EQ(VerifyInclusion(0, 1, leaf, {}, EmptyRoot()).code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(VerifyInclusion(0, 1, EmptyRoot(), {}, leaf).code(), StatusCode::kVerificationFailed);
}

TEST(InclusionVectors, GenerationRejectsBadArguments) {
  const auto leaves = LeafHashes();
  SpanHashSource source(leaves);
  EXPECT_EQ(InclusionProof(source, 0, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(InclusionProof(source, 8, 8).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(InclusionProof(source, 0, 9).status().code(), StatusCode::kInvalidArgument);
}

// ---- Consistency: the published proofs ----

TEST(ConsistencyVectors, GeneratedProofsMatch) {
  const auto leaves = LeafHashes();
  SpanHashSource source(leaves);
  for (const auto& v : kConsistency) {
    auto got = ConsistencyProof(source, v.old_size, v.new_size);
    ASSERT_TRUE(got.ok()) << Describe(v) << ": " << got.status().ToString();
    EXPECT_EQ(*got, v.proof) << Describe(v);
  }
}

TEST(ConsistencyVectors, Verify) {
  for (const auto& v : kConsistency) {
    Status s =
        VerifyConsistency(v.old_size, v.new_size, kRoots[v.old_size], kRoots[v.new_size], v.proof);
    EXPECT_TRUE(s.ok()) << Describe(v) << ": " << s.ToString();
  }
}

// The mutations below apply to the non-trivial vectors (old size below new size).
template <typename Fn>
void ForEachGrowth(Fn fn) {
  for (const auto& v : kConsistency) {
    if (v.old_size != v.new_size) fn(v);
  }
}

Status VerifyVector(const ConsistencyVector& v, const std::vector<Hash>& proof) {
  return VerifyConsistency(v.old_size, v.new_size, kRoots[v.old_size], kRoots[v.new_size], proof);
}

TEST(ConsistencyVectors, ModifiedProofBit4) {
  ForEachGrowth([](const ConsistencyVector& v) {
    for (std::size_t i = 0; i < v.proof.size(); ++i) {
      auto proof = v.proof;
      proof[i][0] ^= 16;
      EXPECT_EQ(VerifyVector(v, proof).code(), StatusCode::kVerificationFailed)
          << Describe(v) << " element " << i;
    }
  });
}

TEST(ConsistencyVectors, EmptyProof) {
  ForEachGrowth([](const ConsistencyVector& v) {
    EXPECT_EQ(VerifyVector(v, {}).code(), StatusCode::kInvalidArgument) << Describe(v);
  });
}

TEST(ConsistencyVectors, TrailingGarbage) {
  ForEachGrowth([](const ConsistencyVector& v) {
    for (const Hash& extra : {kSomeHash, kRoots[v.old_size], kRoots[v.new_size]}) {
      auto proof = v.proof;
      proof.push_back(extra);
      EXPECT_EQ(VerifyVector(v, proof).code(), StatusCode::kInvalidArgument) << Describe(v);
    }
  });
}

TEST(ConsistencyVectors, PrecedingGarbage) {
  ForEachGrowth([](const ConsistencyVector& v) {
    for (const Hash& extra : {kSomeHash, kRoots[v.old_size], kRoots[v.new_size], v.proof[0]}) {
      auto proof = v.proof;
      proof.insert(proof.begin(), extra);
      EXPECT_EQ(VerifyVector(v, proof).code(), StatusCode::kInvalidArgument) << Describe(v);
    }
  });
}

TEST(ConsistencyVectors, MissingHash) {
  ForEachGrowth([](const ConsistencyVector& v) {
    for (std::size_t i = 0; i < v.proof.size(); ++i) {
      auto proof = v.proof;
      proof.erase(proof.begin() + static_cast<std::ptrdiff_t>(i));
      EXPECT_EQ(VerifyVector(v, proof).code(), StatusCode::kInvalidArgument)
          << Describe(v) << " without " << i;
    }
  });
}

TEST(ConsistencyVectors, SwappedProofElements) {
  ForEachGrowth([](const ConsistencyVector& v) {
    for (std::size_t i = 0; i + 1 < v.proof.size(); ++i) {
      auto proof = v.proof;
      std::swap(proof[i], proof[i + 1]);
      EXPECT_EQ(VerifyVector(v, proof).code(), StatusCode::kVerificationFailed)
          << Describe(v) << " swap " << i;
    }
  });
}

TEST(ConsistencyVectors, WrongOldRoot) {
  ForEachGrowth([](const ConsistencyVector& v) {
    for (const Hash& root : {kSomeHash, EmptyRoot(), kRoots[v.old_size - 1]}) {
      Status s = VerifyConsistency(v.old_size, v.new_size, root, kRoots[v.new_size], v.proof);
      EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << Describe(v);
    }
  });
}

TEST(ConsistencyVectors, WrongNewRoot) {
  ForEachGrowth([](const ConsistencyVector& v) {
    for (const Hash& root : {kSomeHash, EmptyRoot(), kRoots[v.new_size - 1]}) {
      Status s = VerifyConsistency(v.old_size, v.new_size, kRoots[v.old_size], root, v.proof);
      EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << Describe(v);
    }
  });
}

TEST(ConsistencyVectors, SwappedRoots) {
  ForEachGrowth([](const ConsistencyVector& v) {
    Status s =
        VerifyConsistency(v.old_size, v.new_size, kRoots[v.new_size], kRoots[v.old_size], v.proof);
    EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << Describe(v);
  });
}

TEST(ConsistencyVectors, WrongOldSize) {
  ForEachGrowth([](const ConsistencyVector& v) {
    for (std::uint64_t size : {v.old_size - 1, v.old_size + 1, v.old_size ^ 2}) {
      if (size == v.old_size) continue;
      Status s =
          VerifyConsistency(size, v.new_size, kRoots[v.old_size], kRoots[v.new_size], v.proof);
      EXPECT_FALSE(s.ok()) << Describe(v) << " as old size " << size;
    }
  });
}

TEST(ConsistencyVectors, WrongNewSize) {
  ForEachGrowth([](const ConsistencyVector& v) {
    for (std::uint64_t size : {v.new_size * 2, v.new_size / 2}) {
      if (size == v.new_size) continue;
      Status s =
          VerifyConsistency(v.old_size, size, kRoots[v.old_size], kRoots[v.new_size], v.proof);
      EXPECT_FALSE(s.ok()) << Describe(v) << " as new size " << size;
    }
  });
}

TEST(ConsistencyVectors, OldSizeAboveNewSize) {
  EXPECT_EQ(VerifyConsistency(2, 1, kRoots[2], kRoots[1], {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(8, 6, kRoots[8], kRoots[6], kConsistency[2].proof).code(),
            StatusCode::kInvalidArgument);
}

TEST(ConsistencyVectors, OldSizeZero) {
  EXPECT_EQ(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(0, 3, EmptyRoot(), kRoots[3], {}).code(),
            StatusCode::kInvalidArgument);
}

TEST(ConsistencyVectors, EqualSizesNeedEqualRoots) {
  EXPECT_TRUE(VerifyConsistency(5, 5, kRoots[5], kRoots[5], {}).ok());
  EXPECT_EQ(VerifyConsistency(5, 5, kRoots[5], kSomeHash, {}).code(),
            StatusCode::kVerificationFailed);
}

TEST(ConsistencyVectors, EqualSizesNeedEmptyProof) {
  EXPECT_EQ(VerifyConsistency(5, 5, kRoots[5], kRoots[5], std::vector<Hash>{EmptyRoot()}).code(),
            StatusCode::kInvalidArgument);
}

TEST(ConsistencyVectors, GenerationRejectsBadArguments) {
  const auto leaves = LeafHashes();
  SpanHashSource source(leaves);
  EXPECT_EQ(ConsistencyProof(source, 0, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(source, 6, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(source, 3, 9).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evidence::merkle
