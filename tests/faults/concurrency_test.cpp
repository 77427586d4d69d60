// Two writers at once, and a writer that cannot get the lock (docs/reliability.md).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "child_process.hpp"
#include "fixtures.hpp"
#include "testing.hpp"

namespace evidence::testing {
namespace {

class Concurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = RunEvidence({"-C", case_dir().string(), "init", "--name", "Concurrent", "--owner",
                          "Owner", "--no-passphrase"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  fs::path case_dir() const { return tmp_ / "case"; }
  TempDir tmp_;
};

TEST_F(Concurrency, TwoAddsOf200FilesEachEndWith400ItemsAndOneLedger) {
  std::vector<std::string> args[2];
  for (int p = 0; p < 2; ++p) {
    fs::path dir = tmp_ / ("in" + std::to_string(p));
    fs::create_directories(dir);
    args[p] = {"-C", case_dir().string(), "-q", "add"};
    for (int i = 0; i < 200; ++i) {
      fs::path f = dir / ("file-" + std::to_string(i) + ".bin");
      WriteFile(f, RandomBytes(512 + static_cast<std::size_t>(i), 1000 * (p + 1) + i));
      args[p].push_back(f.string());
    }
  }
  auto start = std::chrono::steady_clock::now();
  Child a = StartEvidence(args[0], tmp_ / "a");
  Child b = StartEvidence(args[1], tmp_ / "b");
  int sa = WaitChild(a), sb = WaitChild(b);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  std::cout << "[faults] concurrency: two adds of 200 files each took " << ms << " ms\n";
  ASSERT_EQ(sa, 0) << ReadFile(a.err);
  ASSERT_EQ(sb, 0) << ReadFile(b.err);

  auto list = RunEvidence({"-C", case_dir().string(), "--json", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto items = nlohmann::json::parse(list.out);
  EXPECT_EQ(items.size(), 400u);
  std::set<std::string> exhibits;
  for (const auto& it : items) exhibits.insert(it["exhibit"].get<std::string>());
  EXPECT_EQ(exhibits.size(), 400u);  // no exhibit number given twice

  // One ledger: seq 0..n-1 without gaps, every entry covered by a valid checkpoint (verify checks
  // both and every signature), and the newest checkpoint covers exactly the whole ledger.
  auto v = RunEvidence({"-C", case_dir().string(), "verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  auto log = RunEvidence({"-C", case_dir().string(), "--json", "log"});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  auto entries = nlohmann::json::parse(log.out);
  if (entries.is_object() && entries.contains("entries")) entries = entries["entries"];
  ASSERT_TRUE(entries.is_array());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ASSERT_EQ(entries[i]["seq"].get<std::uint64_t>(), i);
  }
  auto cp = RunEvidence({"-C", case_dir().string(), "checkpoint"});
  ASSERT_EQ(cp.exit_code, 0) << cp.err;
  std::string second_line = cp.out.substr(cp.out.find('\n') + 1);
  second_line = second_line.substr(0, second_line.find('\n'));
  EXPECT_EQ(second_line, std::to_string(entries.size()));
}

// Holds the case's write lock from this process, as another writer would.
class LockHolder {
 public:
  explicit LockHolder(const fs::path& ledger) {
    if (sqlite3_open_v2(ledger.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + ledger.string());
    }
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
  }
  ~LockHolder() {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST_F(Concurrency, AddThatCannotGetTheLockSaysTheCaseIsBusyAndExits3) {
  fs::path f = tmp_ / "photo.jpg";
  WriteJpegWithExif(f);
  auto before = RunEvidence({"-C", case_dir().string(), "--json", "log"});
  RunResult r;
  auto start = std::chrono::steady_clock::now();
  {
    LockHolder lock(case_dir() / "ledger.sqlite");
    r = RunEvidence({"-C", case_dir().string(), "add", f.string()});
  }
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("evidence: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("busy"), std::string::npos) << r.err;
  // One error line (and its hint), not one per attempt.
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
  // It gave up after the lock timeout, once.
  EXPECT_LT(waited, 9000) << r.err;
  // Nothing was recorded, nothing was left as evidence; the case verifies and the add now works.
  EXPECT_EQ(RunEvidence({"-C", case_dir().string(), "--json", "log"}).out, before.out);
  auto v = RunEvidence({"-C", case_dir().string(), "verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(RunEvidence({"-C", case_dir().string(), "add", f.string()}).exit_code, 0);
}

}  // namespace
}  // namespace evidence::testing
