// The readers' check of the signed ledger (libevidence/src/store/ledger_check.hpp) on a real
// case: an intact ledger passes, and an entry rewritten with its leaf hash recomputed (what a
// careful forger does) is named.
#include "ledger_check.hpp"

#include <gtest/gtest.h>

#include <string>

#include "case_paths.hpp"
#include "evidence/case.hpp"
#include "evidence/merkle.hpp"
#include "fixtures.hpp"
#include "sqlite_util.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using testing::CreateTestCase;
using testing::TempDir;
using testing::WriteFile;

class LedgerCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = CreateTestCase(tmp_ / "case", "ledger check");
    ASSERT_TRUE(c.ok()) << c.status().message();
    for (const char* name : {"a.txt", "b.txt", "c.txt"}) {
      WriteFile(tmp_ / name, std::string("contents of ") + name + "\n");
      ASSERT_TRUE(c->Ingest(tmp_ / name, IngestOptions{}).ok());
    }
    ASSERT_TRUE(c->Seal().ok());
    uuid_ = c->info().uuid;
    origin_ = c->info().origin;
    auto db = sql::Database::Open(LedgerPath(tmp_ / "case"), false, 1000);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_.emplace(std::move(db).value());
  }

  // Rewrites the item.ingested entry of `exhibit`, replacing `from` by `to` in its bytes, and
  // stores a leaf hash that matches the new bytes.
  std::uint64_t Forge(const std::string& exhibit, const std::string& from, const std::string& to) {
    EXPECT_TRUE(db_->Exec("DROP TRIGGER entries_append_only_update").ok());
    auto st = db_->Prepare(
        "SELECT seq, CAST(entry AS TEXT) FROM entries WHERE action = 'item.ingested' AND "
        "item = '" +
        exhibit + "'");
    EXPECT_TRUE(st.ok());
    auto row = st->Step();
    EXPECT_TRUE(row.ok() && *row);
    auto seq = static_cast<std::uint64_t>(st->ColumnInt(0));
    std::string text = st->ColumnText(1);
    text.replace(text.find(from), from.size(), to);
    merkle::Hash leaf = merkle::LeafHash(AsBytes(text));
    EXPECT_TRUE(db_->Exec("UPDATE entries SET entry = CAST(X'" + HexEncode(AsBytes(text)) +
                          "' AS BLOB), leaf_hash = X'" + HexEncode(leaf) +
                          "' WHERE seq = " + std::to_string(seq))
                    .ok());
    return seq;
  }

  TempDir tmp_;
  std::string uuid_;
  std::string origin_;
  std::optional<sql::Database> db_;
};

TEST_F(LedgerCheckTest, IntactLedgerPasses) {
  Status s = CheckSignedLedger(*db_, uuid_, origin_);
  EXPECT_TRUE(s.ok()) << s.message();
  auto located = LocateAlteredEntries(*db_, uuid_, origin_);
  ASSERT_TRUE(located.ok()) << located.status().message();
  EXPECT_TRUE(located->empty());
}

TEST_F(LedgerCheckTest, RewrittenEntryFailsAndIsNamed) {
  std::uint64_t seq = Forge("EX-0002", "b.txt", "x.txt");
  Status s = CheckSignedLedger(*db_, uuid_, origin_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
  EXPECT_EQ(s.message().rfind("the case does not verify: ", 0), 0u) << s.message();
  EXPECT_NE(s.message().find("entry " + std::to_string(seq) + " (item.ingested)"),
            std::string::npos)
      << s.message();

  auto located = LocateAlteredEntries(*db_, uuid_, origin_);
  ASSERT_TRUE(located.ok()) << located.status().message();
  ASSERT_FALSE(located->empty());
  EXPECT_EQ(located->front().rfind("entry " + std::to_string(seq) + " (item.ingested)", 0), 0u)
      << located->front();
}

}  // namespace
}  // namespace evidence
