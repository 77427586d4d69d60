// Regression tests for what the fault sweeps, the kill test and the concurrency tests found, each
// named after the bug (docs/reliability.md).
#include <gtest/gtest.h>

#include "evidence/case.hpp"
#include "fault_injection.hpp"
#include "fixtures.hpp"
#include "testing.hpp"

namespace evidence::testing {
namespace {

class Regression : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = CreateTestCase(tmp_ / "case", "Regression");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    photo_ = tmp_ / "photo.jpg";
    WriteJpegWithExif(photo_);
  }
  std::string VerifyFailures() {
    auto c = Case::Open(tmp_ / "case");
    if (!c.ok()) return c.status().ToString();
    auto v = c->Verify();
    if (!v.ok()) return v.status().ToString();
    std::string out;
    for (const auto& f : v->failures) out += f + "\n";
    return out;
  }
  TempDir tmp_;
  fs::path photo_;
};

// `add` committed each item and signed one checkpoint at the end of the command: a process killed
// (or a Seal failing) in between left entries that no checkpoint covered, and verify failed.
TEST_F(Regression, KillBetweenIngestAndSealLeftEntriesNoCheckpointCovered) {
  {
    auto c = Case::Open(tmp_ / "case");
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->Ingest(photo_, IngestOptions{}).ok());
    // No Seal(): the process "dies" here.
  }
  EXPECT_EQ(VerifyFailures(), "");
  fs::path other = tmp_ / "other.bin";
  WriteRandomFile(other, 5000, 3);
  {
    auto c = Case::Open(tmp_ / "case");
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->IngestFiles({other}, IngestOptions{}, [](const IngestOutcome&) {}).ok());
  }
  EXPECT_EQ(VerifyFailures(), "");
}

// A COMMIT whose WAL fsync failed was treated as not done and its new object removed; with the
// disk still failing, SQLite could not clear the WAL on close and recovered the written commit
// frame on the next open: an item whose object was gone ("object ... is missing").
TEST_F(Regression, FailedWalFsyncAtCommitRemovedTheObjectOfARecoveredItem) {
  std::vector<std::string> trace;
  {
    fs::copy(tmp_ / "case", tmp_ / "count", fs::copy_options::recursive);
    FaultInjector count;
    auto c = Case::Open(tmp_ / "count");
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->Ingest(photo_, IngestOptions{}).ok());
    trace = count.trace();
  }
  std::uint64_t wal_sync = 0;
  for (std::size_t i = 0; i < trace.size() && !wal_sync; ++i) {
    if (trace[i].rfind("sqlite fsync ", 0) == 0 && trace[i].find("-wal") != std::string::npos) {
      wal_sync = i + 1;
    }
  }
  ASSERT_NE(wal_sync, 0u);
  {
    FaultInjector inj({wal_sync, FaultMode::kFromThenOn, EIO});
    auto c = Case::Open(tmp_ / "case");
    ASSERT_TRUE(c.ok());
    EXPECT_FALSE(c->Ingest(photo_, IngestOptions{}).ok());
  }
  EXPECT_EQ(VerifyFailures(), "");
  auto c = Case::Open(tmp_ / "case");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->Ingest(photo_, IngestOptions{}).ok());
  EXPECT_EQ(c->Items()->size(), 1u);
}

// A receive interrupted after moving the sender's records into custody/<k> left a folder that
// nothing reported; verify now names it as a leftover, not evidence.
TEST_F(Regression, InterruptedReceiveLeftAnUnreportedCustodyFolder) {
  fs::create_directories(tmp_ / "case" / "custody" / "7");
  WriteFile(tmp_ / "case" / "custody" / "7" / "checkpoint", "not evidence");
  auto c = Case::Open(tmp_ / "case");
  ASSERT_TRUE(c.ok());
  auto v = c->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok());
  bool reported = false;
  for (const auto& w : v->warnings) {
    if (w.rfind("custody/7:", 0) == 0 && w.find("not evidence") != std::string::npos) {
      reported = true;
    }
  }
  EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace evidence::testing
