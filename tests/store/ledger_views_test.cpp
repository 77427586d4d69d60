// The views through which a case reads its ledger (store/ledger_views.hpp): an encrypted case's
// values come back exactly as written, a value moved to another row does not open, and a
// plaintext case's pass through unchanged.
#include "ledger_views.hpp"

#include <gtest/gtest.h>

#include "ledger_schema.hpp"
#include "sqlite_util.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

class LedgerViews : public ::testing::Test {
 protected:
  void Open(bool encrypted) {
    auto db = sql::Database::Open(tmp_.path() / "ledger.sqlite", true, 1000);
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_.Exec(internal::kLedgerSchemaSql).ok());
    // Messages alone, without the items and entries rows they would reference in a case.
    ASSERT_TRUE(db_.Exec("PRAGMA foreign_keys = OFF").ok());
    std::shared_ptr<const CaseKey> key;
    if (encrypted) {
      auto k = CaseKey::Generate();
      ASSERT_TRUE(k.ok());
      key = std::make_shared<const CaseKey>(std::move(k).value());
    }
    ASSERT_TRUE(InstallLedgerViews(db_, key).ok());
  }
  // One messages row with these optional text columns.
  void InsertMessage(int idx, std::optional<std::string> time, std::string direction) {
    auto st = db_.Prepare(kInsertMessage);
    ASSERT_TRUE(st.ok());
    st->Bind(1, "EX-0001")
        .Bind(2, static_cast<std::int64_t>(idx))
        .BindOptional(3, time)
        .Bind(4, "Sender")
        .Bind(5, direction)
        .Bind(6, std::int64_t{0})
        .Bind(7, "{}");
    ASSERT_TRUE(st->Run().ok());
  }
  // time, direction of message `idx` as the view gives them ("NULL" for NULL).
  std::pair<std::string, std::string> Read(int idx) {
    auto st = db_.Prepare("SELECT time, direction FROM messages WHERE idx = ?1");
    EXPECT_TRUE(st.ok());
    st->Bind(1, static_cast<std::int64_t>(idx));
    auto row = st->Step();
    EXPECT_TRUE(row.ok() && *row);
    auto text = [&](int col) {
      return st->ColumnIsNull(col) ? std::string("NULL") : "\"" + st->ColumnText(col) + "\"";
    };
    return {text(0), text(1)};
  }
  std::string Stored(const std::string& sql) {
    auto st = db_.Prepare(sql);
    EXPECT_TRUE(st.ok());
    auto row = st->Step();
    EXPECT_TRUE(row.ok() && *row);
    return st->ColumnText(0);
  }

  testing::TempDir tmp_;
  sql::Database db_;
};

// Regression: an empty text came back as NULL (SQLite reads a null pointer as NULL), so an
// encrypted case's outgoing messages (direction "") failed `verify`.
TEST_F(LedgerViews, AnEmptyTextStaysEmptyAndNullStaysNull) {
  Open(/*encrypted=*/true);
  InsertMessage(0, std::nullopt, "");
  InsertMessage(1, "2026-02-27T21:14:00", "outgoing");
  EXPECT_EQ(Read(0), (std::pair<std::string, std::string>{"NULL", "\"\""}));
  EXPECT_EQ(Read(1),
            (std::pair<std::string, std::string>{"\"2026-02-27T21:14:00\"", "\"outgoing\""}));
  // Stored sealed: neither value is in the table as written.
  EXPECT_NE(Stored("SELECT direction FROM main.messages WHERE idx = 1"), "outgoing");
}

TEST_F(LedgerViews, AValueMovedToAnotherRowDoesNotOpen) {
  Open(/*encrypted=*/true);
  InsertMessage(0, "2026-01-01T00:00:00", "a");
  InsertMessage(1, "2026-02-02T00:00:00", "b");
  // As someone with the file would, around the trigger that forbids it.
  ASSERT_TRUE(db_.Exec("DROP TRIGGER messages_no_update").ok());
  ASSERT_TRUE(db_.Exec("UPDATE main.messages SET time = (SELECT time FROM main.messages WHERE "
                       "idx = 0) WHERE idx = 1")
                  .ok());
  EXPECT_EQ(Read(1).first, "NULL");
  EXPECT_EQ(Read(0).first, "\"2026-01-01T00:00:00\"");
}

TEST_F(LedgerViews, APlaintextCaseStoresValuesAsTheyAre) {
  Open(/*encrypted=*/false);
  InsertMessage(0, "2026-01-01T00:00:00", "");
  EXPECT_EQ(Stored("SELECT time FROM main.messages WHERE idx = 0"), "2026-01-01T00:00:00");
  EXPECT_EQ(Read(0), (std::pair<std::string, std::string>{"\"2026-01-01T00:00:00\"", "\"\""}));
}

}  // namespace
}  // namespace evidence
