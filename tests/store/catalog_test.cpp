// The catalog's statements over the ledger (store/catalog.hpp): the checks `add` makes for every
// new item stay index lookups, whatever the size of the ledger.
#include "catalog.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "case_key.hpp"
#include "ledger_schema.hpp"
#include "ledger_views.hpp"
#include "sqlite_util.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

// SQLite's plan for `sql` on a fresh ledger read through the case's views (plaintext or
// encrypted), one detail line per step.
std::string QueryPlan(const testing::TempDir& tmp, bool encrypted, const std::string& sql) {
  auto db =
      sql::Database::Open(tmp.path() / (encrypted ? "enc.sqlite" : "plain.sqlite"), true, 1000);
  EXPECT_TRUE(db.ok()) << db.status().message();
  if (!db.ok()) return "";
  EXPECT_TRUE(db->Exec(internal::kLedgerSchemaSql).ok());
  std::shared_ptr<const CaseKey> key;
  if (encrypted) key = std::make_shared<const CaseKey>(std::move(CaseKey::Generate().value()));
  EXPECT_TRUE(InstallLedgerViews(*db, key).ok());
  auto st = db->Prepare("EXPLAIN QUERY PLAN " + sql);
  EXPECT_TRUE(st.ok()) << st.status().message();
  if (!st.ok()) return "";
  std::string plan;
  for (;;) {
    auto row = st->Step();
    EXPECT_TRUE(row.ok());
    if (!row.ok() || !*row) return plan;
    plan += st->ColumnText(3) + "\n";  // the columns are id, parent, notused, detail
  }
}

// Regression: the check that the next exhibit number is free went through the index on `action`,
// which walks every item.ingested entry, once per new item: an ingest of n files was O(n^2)
// (found by the bench on 3 December; 20,000 small files took minutes).
TEST(Catalog, RegressionExhibitNumberCheckScannedEveryEntry) {
  testing::TempDir tmp;
  for (bool encrypted : {false, true}) {
    SCOPED_TRACE(encrypted ? "encrypted" : "plaintext");
    const std::string plan = QueryPlan(tmp, encrypted, kIngestedEntryOfExhibit);
    EXPECT_NE(plan.find("USING INDEX entries_item (item=?)"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("entries_action"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("SCAN"), std::string::npos) << plan;
  }
}

}  // namespace
}  // namespace evidence
