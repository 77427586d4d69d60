// Regression tests for readers that finished over a forged ledger. An entry rewritten with its leaf
// hash recomputed, under an intact Merkle cache, went unnoticed by every command that did not read
// that entry: `list`, `checkpoint`, `key show` and `prove` exited 0 over a forged diary entry, and
// `verify` failed on the checkpoint without saying which entry was changed. Now every reader checks
// the whole ledger against the signed root first (docs/reliability.md, "The readers' check").
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace evidence::testing {
namespace {

class ReadCheck : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    ASSERT_EQ(Ev({"add", WriteInput("a.txt", "first message").string()}).exit_code, 0);
    ASSERT_EQ(Ev({"add", WriteInput("b.txt", "second message").string()}).exit_code, 0);
    auto r = Ev({"incident", "add", "--at", "2026-03-01 10:00", "--behaviour", "phone-call",
                 "--what", "called twelve times", "--item", "EX-0001"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(Ev({"verify"}).exit_code, 0);
  }

  // The diary entry's text rewritten, still a valid payload, its leaf hash recomputed: no reader
  // of items ever looks at it. Returns its seq.
  std::uint64_t ForgeDiaryText() {
    DropTriggers();
    seq_ = std::stoull(Sql("SELECT seq FROM entries WHERE action = 'incident.recorded'"));
    auto j = nlohmann::json::parse(EntryText(seq_));
    j["data"]["what"] = "never called";
    WriteEntry(seq_, j.dump());
    return seq_;
  }

  std::string Named() const { return "entry " + std::to_string(seq_) + " (incident.recorded)"; }

  void ExpectRefused(const std::vector<std::string>& args, const std::string& named) {
    auto r = Ev(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.out << r.err;
    EXPECT_EQ(r.out, "") << args[0] << " showed something from a forged ledger";
    EXPECT_NE(r.err.find("the case does not verify: " + named), std::string::npos)
        << args[0] << ": " << r.err;
  }

  std::uint64_t seq_ = 0;
};

TEST_F(ReadCheck, ReadersThatNeverReadTheForgedEntryStillRefuse) {
  ForgeDiaryText();
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"list"},
                                             {"show", "EX-0002"},
                                             {"checkpoint"},
                                             {"key", "show"},
                                             {"prove", "EX-0002"},
                                             {"messages"},
                                             {"log", "--item", "EX-0002"},
                                             {"report", "--format", "json"}}) {
    ExpectRefused(args, Named());
  }
}

TEST_F(ReadCheck, VerifyNamesAForgedEntryWhosePayloadStillParses) {
  ForgeDiaryText();
  auto r = Ev({"verify"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("FAIL  " + Named()), std::string::npos) << r.out;
}

// `link` took the exhibit's hash from its entry without checking the entry against the signed
// root; now it refuses the forged ledger and records nothing.
TEST_F(ReadCheck, LinkOverAForgedExhibitEntryRecordsNothing) {
  DropTriggers();
  const auto seq = std::stoull(
      Sql("SELECT seq FROM entries WHERE action = 'item.ingested' AND item = 'EX-0002'"));
  auto j = nlohmann::json::parse(EntryText(seq));
  j["data"]["sha256"] = std::string(64, 'a');
  WriteEntry(seq, j.dump());
  const std::string before = Snapshot();
  auto r = Ev({"link", "INC-0001", "EX-0002"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("entry " + std::to_string(seq) + " (item.ingested)"), std::string::npos)
      << r.err;
  EXPECT_EQ(Snapshot(), before);
}

// With the Merkle cache deleted as well, the stored tree gives no hint: the signed checkpoints
// still bound the change, and the readers still refuse.
TEST_F(ReadCheck, ForgeryWithTheCacheDeletedIsBoundedByTheCheckpoints) {
  ForgeDiaryText();
  Sql("DELETE FROM nodes;");
  auto v = Ev({"verify"});
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.out.find("altered after checkpoint"), std::string::npos) << v.out;
  auto r = Ev({"list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("altered after checkpoint"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace evidence::testing
