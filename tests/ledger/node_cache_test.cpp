// The Merkle node cache of the ledger (schemas/ledger.sql `nodes`): roots and proofs read from it
// equal those recomputed from the leaves for every size up to 300 and for random larger sizes; a
// case whose cache is missing gets it back on open; a damaged cache never changes what is signed or
// proved, and `verify` names the damage.
#include <gtest/gtest.h>

#include <bit>
#include <random>
#include <string>
#include <vector>

#include "evidence/case.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/merkle.hpp"
#include "fixtures.hpp"
#include "ledger_schema.hpp"
#include "ledger_source.hpp"
#include "ledger_views.hpp"
#include "ledger_writer.hpp"
#include "sqlite_util.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using merkle::Hash;
using testing::TempDir;

// A bare ledger database (the case schema, no case around it) with `appended` leaves.
class Ledger {
 public:
  explicit Ledger(const std::filesystem::path& path) {
    auto db = sql::Database::Open(path, true, 1000);
    EXPECT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    EXPECT_TRUE(db_.Exec(internal::kLedgerSchemaSql).ok());
    // A plaintext ledger, read and written through the same views as a case's.
    EXPECT_TRUE(InstallLedgerViews(db_, nullptr).ok());
    // These ledgers are scratch: no need to wait for the disk at every commit.
    EXPECT_TRUE(db_.Exec("PRAGMA synchronous = OFF").ok());
  }

  // Appends `n` entries in one transaction through the library's append path.
  void Append(std::uint64_t n) {
    auto txn = sql::Transaction::Begin(db_);
    ASSERT_TRUE(txn.ok());
    auto appender = LedgerAppender::Begin(db_);
    ASSERT_TRUE(appender.ok()) << appender.status().message();
    for (std::uint64_t i = 0; i < n; ++i) {
      std::string entry = "{\"entry\":" + std::to_string(leaves_.size()) + "}";
      auto seq = appender->Append(AsBytes(entry), "2026-01-01T00:00:00.000Z", "item.annotated",
                                  std::nullopt, std::nullopt);
      ASSERT_TRUE(seq.ok()) << seq.status().message();
      ASSERT_EQ(*seq, leaves_.size());
      leaves_.push_back(merkle::LeafHash(AsBytes(entry)));
    }
    ASSERT_TRUE(txn->Commit().ok());
  }

  sql::Database& db() { return db_; }
  const std::vector<Hash>& leaves() const { return leaves_; }

 private:
  sql::Database db_;
  std::vector<Hash> leaves_;
};

// Checks, for the tree of `size` leaves, the root, the inclusion proof of every leaf in `indices`
// and the consistency proof from every size in `old_sizes`: cached source against recomputation.
void ExpectSameAsRecomputed(Ledger& ledger, std::uint64_t size,
                            const std::vector<std::uint64_t>& indices,
                            const std::vector<std::uint64_t>& old_sizes) {
  auto cached = LedgerHashSource::Load(ledger.db(), size);
  ASSERT_TRUE(cached.ok()) << cached.status().message();
  merkle::SpanHashSource reference(std::span(ledger.leaves()).first(size));
  auto root = merkle::RootAt(*cached, size);
  ASSERT_TRUE(root.ok());
  ASSERT_EQ(*root, *merkle::RootAt(reference, size)) << "size " << size;
  for (std::uint64_t i : indices) {
    auto got = merkle::InclusionProof(*cached, i, size);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(*got, *merkle::InclusionProof(reference, i, size)) << i << " in " << size;
  }
  for (std::uint64_t m : old_sizes) {
    auto got = merkle::ConsistencyProof(*cached, m, size);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(*got, *merkle::ConsistencyProof(reference, m, size)) << m << " to " << size;
  }
}

std::vector<std::uint64_t> Range(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t i = from; i < to; ++i) out.push_back(i);
  return out;
}

// Every index (or old size) below 128; above, a stride that shifts with the size, both ends, and
// both sides of every power of two, so that every shape is still covered without O(n^3) work.
std::vector<std::uint64_t> Sample(std::uint64_t from, std::uint64_t to) {
  if (to <= 128) return Range(from, to);
  std::vector<std::uint64_t> out;
  for (std::uint64_t i = from; i < to; ++i) {
    const bool edge =
        i == from || i + 1 == to || std::has_single_bit(i) || std::has_single_bit(i + 1);
    if (edge || i % 11 == to % 11) out.push_back(i);
  }
  return out;
}

TEST(NodeCache, ProofsForEverySizeUpTo300EqualTheRecomputedOnes) {
  TempDir dir;
  Ledger ledger(dir / "ledger.sqlite");
  for (std::uint64_t size = 1; size <= 300; ++size) {
    ledger.Append(1);
    ExpectSameAsRecomputed(ledger, size, Sample(0, size), Sample(1, size + 1));
    if (HasFatalFailure()) return;
  }
  // Smaller trees are still answered from the same cache.
  for (std::uint64_t size : {1, 2, 3, 7, 8, 9, 100, 255, 256, 257}) {
    ExpectSameAsRecomputed(ledger, size, Range(0, size), Range(1, size + 1));
  }
}

TEST(NodeCache, RandomLargeSizesAppendedInBatches) {
  TempDir dir;
  Ledger ledger(dir / "ledger.sqlite");
  std::mt19937_64 rng(8);
  for (int round = 0; round < 12; ++round) {
    ledger.Append(1 + rng() % 1500);
    const std::uint64_t size = ledger.leaves().size();
    std::vector<std::uint64_t> indices, old_sizes;
    for (int k = 0; k < 40; ++k) {
      indices.push_back(rng() % size);
      old_sizes.push_back(1 + rng() % size);
    }
    ExpectSameAsRecomputed(ledger, size, indices, old_sizes);
    const std::uint64_t smaller = 1 + rng() % size;
    ExpectSameAsRecomputed(ledger, smaller, {0, smaller - 1, rng() % smaller}, {1, smaller});
  }
}

TEST(NodeCache, ProofsReadLogarithmicallyManyNodes) {
  TempDir dir;
  Ledger ledger(dir / "ledger.sqlite");
  ledger.Append(5000);
  auto looks = NodeCacheLooksComplete(ledger.db(), 5000);
  ASSERT_TRUE(looks.ok());
  EXPECT_TRUE(*looks);
  // Every node a 5000-leaf tree has: n - popcount(n).
  auto count = ledger.db().Prepare("SELECT count(*) FROM nodes");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE(*count->Step());
  EXPECT_EQ(count->ColumnInt(0), 5000 - std::popcount(5000u));
}

TEST(NodeCache, RebuildWritesTheSameNodesAsAppending) {
  TempDir dir;
  Ledger ledger(dir / "ledger.sqlite");
  ledger.Append(777);
  auto dump = [&] {
    std::vector<std::string> rows;
    auto st = ledger.db().Prepare("SELECT size, level, hex(hash) FROM nodes ORDER BY size, level");
    EXPECT_TRUE(st.ok());
    while (*st->Step()) {
      rows.push_back(st->ColumnText(0) + "/" + st->ColumnText(1) + "/" + st->ColumnText(2));
    }
    return rows;
  };
  auto before = dump();
  ASSERT_TRUE(ledger.db().Exec("UPDATE nodes SET hash = zeroblob(32) WHERE level = 3").ok());
  ASSERT_TRUE(ledger.db().Exec("DELETE FROM nodes WHERE size > 500").ok());
  ASSERT_TRUE(RebuildNodeCache(ledger.db()).ok());
  EXPECT_EQ(dump(), before);
}

TEST(NodeCache, CheckedProofFallsBackToTheEntriesWhenTheCacheIsDamaged) {
  TempDir dir;
  Ledger ledger(dir / "ledger.sqlite");
  ledger.Append(100);
  const Hash root = merkle::RootFromLeafHashes(ledger.leaves());
  merkle::SpanHashSource reference(ledger.leaves());
  ASSERT_TRUE(ledger.db().Exec("UPDATE nodes SET hash = zeroblob(32)").ok());
  auto source = LedgerHashSource::Load(ledger.db(), 100);
  ASSERT_TRUE(source.ok());
  for (std::uint64_t i : {0, 5, 63, 64, 99}) {
    auto proof = CheckedInclusionProof(ledger.db(), *source, i, root);
    ASSERT_TRUE(proof.ok()) << proof.status().message();
    EXPECT_EQ(*proof, *merkle::InclusionProof(reference, i, 100));
  }
  Hash wrong = root;
  wrong[0] ^= 1;
  auto refused = CheckedInclusionProof(ledger.db(), *source, 5, wrong);
  EXPECT_EQ(refused.status().code(), StatusCode::kVerificationFailed);
}

// ---- Through a real case ----

class CaseWithEntries : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = testing::CreateTestCase(dir_ / "case", "node cache");
    ASSERT_TRUE(c.ok()) << c.status().message();
    for (int i = 0; i < 20; ++i) AddFile(*c, i);
    ASSERT_TRUE(c->Seal().ok());
  }

  void AddFile(Case& c, int i) {
    auto file = dir_ / ("note-" + std::to_string(i) + ".txt");
    testing::WriteFile(file, "note " + std::to_string(i) + "\n");
    auto out = c.Ingest(file, {});
    ASSERT_TRUE(out.ok()) << out.status().message();
  }

  // Runs SQL on the case's ledger behind the library's back.
  void Tamper(const std::string& sql) {
    auto db = sql::Database::Open(dir_ / "case" / "ledger.sqlite", false, 1000);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec(sql).ok()) << sql;
  }

  Case Open() {
    auto c = Case::Open(dir_ / "case");
    EXPECT_TRUE(c.ok()) << c.status().message();
    return std::move(c).value();
  }

  static std::string Joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

  TempDir dir_;
};

TEST_F(CaseWithEntries, AnIntactCacheGivesNoWarning) {
  auto report = Open().Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << Joined(report->failures);
  EXPECT_EQ(Joined(report->warnings).find("node cache"), std::string::npos)
      << Joined(report->warnings);
}

TEST_F(CaseWithEntries, AMissingCacheIsRebuiltOnOpen) {
  // As a case made before the cache existed.
  Tamper("DROP TABLE nodes");
  Case c = Open();
  auto report = c.Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << Joined(report->failures);
  EXPECT_EQ(Joined(report->warnings).find("node cache"), std::string::npos)
      << Joined(report->warnings);
  AddFile(c, 100);
  ASSERT_TRUE(c.Seal().ok());
  report = c.Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << Joined(report->failures);
}

TEST_F(CaseWithEntries, VerifyRecomputesAndNamesADamagedCache) {
  Tamper("UPDATE nodes SET hash = zeroblob(32) WHERE size = 16 AND level = 2");
  auto report = Open().Verify();
  ASSERT_TRUE(report.ok());
  // The entries and checkpoints are intact, so the case verifies; the damage is reported.
  EXPECT_TRUE(report->ok()) << Joined(report->failures);
  EXPECT_NE(Joined(report->warnings)
                .find("Merkle node cache: 1 cached subtree hash differs from the entries (first: "
                      "the subtree of entries 12 to 15)"),
            std::string::npos)
      << Joined(report->warnings);
}

TEST_F(CaseWithEntries, ADamagedCacheNeverReachesASignedCheckpoint) {
  // Every node, including the ones the next checkpoint's root is built from.
  Tamper("UPDATE nodes SET hash = zeroblob(32)");
  Case c = Open();
  AddFile(c, 100);
  ASSERT_TRUE(c.Seal().ok());
  auto report = c.Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << Joined(report->failures);
  // Sealing found the cache disagreeing with the previous signed root and rebuilt it.
  EXPECT_EQ(Joined(report->warnings).find("node cache"), std::string::npos)
      << Joined(report->warnings);
}

TEST_F(CaseWithEntries, RowsForSubtreesTheLedgerDoesNotHaveAreReported) {
  Tamper("INSERT INTO nodes(size, level, hash) VALUES (4096, 12, zeroblob(32))");
  auto report = Open().Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << Joined(report->failures);
  EXPECT_NE(Joined(report->warnings)
                .find("1 row for subtrees the ledger does not have (first: the subtree of "
                      "entries 0 to 4095)"),
            std::string::npos)
      << Joined(report->warnings);
}

}  // namespace
}  // namespace evidence
