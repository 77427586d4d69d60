// The SQLite wrapper's statement cache (sqlite_util.hpp): a statement handed out again is reset,
// with no binding left from its last use; two live statements of the same text are independent;
// one dropped half-way through its rows holds nothing; a schema change is seen; and a statement
// may outlive its connection.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "sqlite_util.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using testing::TempDir;

class StatementCache : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = sql::Database::Open(tmp_.path() / "test.sqlite", /*create=*/true, 1000);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_.Exec("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2), (3);").ok());
  }

  // The value of `SELECT ?1` with nothing bound, or with `bound`.
  std::optional<std::int64_t> SelectParameter(std::optional<std::int64_t> bound) {
    auto st = db_.Prepare("SELECT ?1");
    EXPECT_TRUE(st.ok()) << st.status().message();
    if (bound) st->Bind(1, *bound);
    auto row = st->Step();
    EXPECT_TRUE(row.ok() && *row);
    if (st->ColumnIsNull(0)) return std::nullopt;
    return st->ColumnInt(0);
  }

  TempDir tmp_;
  sql::Database db_;
};

TEST_F(StatementCache, StatementUsedAgainHasNoBindingFromItsLastUse) {
  EXPECT_EQ(SelectParameter(42), 42);
  EXPECT_EQ(SelectParameter(std::nullopt), std::nullopt);
  EXPECT_EQ(SelectParameter(7), 7);
}

TEST_F(StatementCache, TwoLiveStatementsOfTheSameTextAreIndependent) {
  auto a = db_.Prepare("SELECT ?1");
  auto b = db_.Prepare("SELECT ?1");
  ASSERT_TRUE(a.ok() && b.ok());
  a->Bind(1, std::int64_t{1});
  b->Bind(1, std::int64_t{2});
  ASSERT_TRUE(*a->Step());
  ASSERT_TRUE(*b->Step());
  EXPECT_EQ(a->ColumnInt(0), 1);
  EXPECT_EQ(b->ColumnInt(0), 2);
}

TEST_F(StatementCache, StatementDroppedHalfWayThroughItsRowsHoldsNothing) {
  {
    auto st = db_.Prepare("SELECT a FROM t ORDER BY a");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(*st->Step());
    EXPECT_EQ(st->ColumnInt(0), 1);
  }
  // SQLite refuses to drop a table that a running statement still reads ("table is locked").
  Status dropped = db_.Exec("DROP TABLE t");
  EXPECT_TRUE(dropped.ok()) << dropped.message();
}

TEST_F(StatementCache, CachedStatementSeesASchemaChange) {
  {
    auto st = db_.Prepare("SELECT * FROM t ORDER BY a");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(*st->Step());
  }
  ASSERT_TRUE(db_.Exec("ALTER TABLE t ADD COLUMN b INTEGER DEFAULT 7").ok());
  auto st = db_.Prepare("SELECT * FROM t ORDER BY a");
  ASSERT_TRUE(st.ok());
  auto row = st->Step();
  ASSERT_TRUE(row.ok()) << row.status().message();
  ASSERT_TRUE(*row);
  EXPECT_EQ(st->ColumnInt(1), 7);
}

TEST_F(StatementCache, StatementMayOutliveItsConnection) {
  std::optional<sql::Statement> kept;
  {
    auto db = sql::Database::Open(tmp_.path() / "other.sqlite", /*create=*/true, 1000);
    ASSERT_TRUE(db.ok());
    auto st = db->Prepare("SELECT 5");
    ASSERT_TRUE(st.ok());
    kept.emplace(std::move(st).value());
  }
  // The connection lingers (sqlite3_close_v2) until this last statement is finalized.
  auto row = kept->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(kept->ColumnInt(0), 5);
  kept.reset();
}

}  // namespace
}  // namespace evidence
