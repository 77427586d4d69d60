// The ledger's views of an encrypted case read back exactly what was written
// (libevidence/src/store/ledger_views.hpp).
#include "ledger_views.hpp"

#include <gtest/gtest.h>

#include "ledger_schema.hpp"
#include "testing.hpp"

namespace evidence::testing {
namespace {

// Regression: an empty TEXT value (a WhatsApp message's empty direction) decrypted to NULL, so
// `verify` of an encrypted case with messages reported every message as edited.
TEST(LedgerViews, EmptyTextOfAnEncryptedColumnReadsBackEmptyNotNull) {
  TempDir tmp;
  auto db = sql::Database::Open(tmp.path() / "ledger.sqlite", true, 1000);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(db->Exec(internal::kLedgerSchemaSql).ok());
  auto key = CaseKey::Generate();
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(
      InstallLedgerViews(*db, std::make_shared<const CaseKey>(std::move(key).value())).ok());
  // A message row alone: the item it belongs to does not matter here.
  ASSERT_TRUE(db->Exec("PRAGMA foreign_keys = OFF").ok());
  auto insert = db->Prepare(kInsertMessage);
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE(insert->Bind(1, "EX-0001")
                  .Bind(2, std::int64_t{0})
                  .Bind(3, "2026-02-27T21:14:00")
                  .Bind(4, "Sam")
                  .Bind(5, "")
                  .Bind(6, std::int64_t{0})
                  .Bind(7, "{}")
                  .Run()
                  .ok())
      << db->Exec("SELECT 1").ToString();
  auto read = db->Prepare("SELECT direction IS NULL, direction FROM messages");
  ASSERT_TRUE(read.ok());
  auto row = read->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(read->ColumnInt(0), 0);
  EXPECT_EQ(read->ColumnText(1), "");
}

}  // namespace
}  // namespace evidence::testing
