// `key passphrase`: the key files are re-wrapped under the new passphrase, the old one stops
// working, and everything else stays as it was; a wrong old passphrase, a case without a
// passphrase and a damaged change journal change nothing (docs/key-file.md, "Changing the
// passphrase").
#include "cli_fixture.hpp"

namespace evidence::testing {
namespace {

const std::map<std::string, std::string> kOld = {{"EVIDENCE_PASSPHRASE", "old passphrase"}};
const std::map<std::string, std::string> kNew = {{"EVIDENCE_PASSPHRASE", "new passphrase"}};
const std::map<std::string, std::string> kChange = {{"EVIDENCE_PASSPHRASE", "old passphrase"},
                                                    {"EVIDENCE_NEW_PASSPHRASE", "new passphrase"}};

class KeyPassphrase : public CliTest {
 protected:
  void InitWithPassphrase() {
    auto r = Ev({"init", "--owner", "Test Owner"}, kOld);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Add("a.txt", "before the change\n", kOld);
  }
  void Add(const std::string& name, const std::string& content,
           const std::map<std::string, std::string>& env) {
    auto r = Ev({"add", WriteInput(name, content).string()}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Snapshot() compares file sizes; re-wrapped key files keep theirs, so their bytes are compared
  // too.
  std::string State() {
    std::string s = Snapshot();
    for (const auto& e : fs::directory_iterator(case_dir() / "keys")) {
      s += e.path().filename().string() + "=" + ReadFile(e.path()) + "\n";
    }
    return s;
  }
};

TEST_F(KeyPassphrase, ChangeThenOnlyTheNewPassphraseSigns) {
  InitWithPassphrase();
  const std::string entries_before = Sql("SELECT count(*) FROM entries;");
  auto r = Ev({"key", "passphrase"}, kChange);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("new passphrase"), std::string::npos) << r.out;
  // Nothing is recorded: the ledger is as it was.
  EXPECT_EQ(Sql("SELECT count(*) FROM entries;"), entries_before);

  auto refused = Ev({"add", WriteInput("b.txt", "after\n").string()}, kOld);
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("wrong passphrase"), std::string::npos) << refused.err;

  Add("c.txt", "signed under the new passphrase\n", kNew);
  auto v = Ev({"verify"}, kNew);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  // No journal or draft is left in keys/.
  for (const auto& e : fs::directory_iterator(case_dir() / "keys")) {
    const std::string name = e.path().filename().string();
    EXPECT_TRUE(name.ends_with(".key") || name.ends_with(".pub.pem") || name == "case-key.sealed")
        << name;
  }
}

TEST_F(KeyPassphrase, ReadsTheNewPassphraseFromAFile) {
  InitWithPassphrase();
  fs::path file = WriteInput("new.txt", "new passphrase\n");
  auto r = Ev({"key", "passphrase", "--new-passphrase-file", file.string()}, kOld);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Add("b.txt", "after\n", kNew);
}

TEST_F(KeyPassphrase, WrongOldPassphraseChangesNothing) {
  InitWithPassphrase();
  const std::string before = State();
  auto r = Ev({"key", "passphrase"}, {{"EVIDENCE_PASSPHRASE", "not the passphrase"},
                                      {"EVIDENCE_NEW_PASSPHRASE", "new passphrase"}});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("wrong passphrase"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was changed"), std::string::npos) << r.err;
  EXPECT_EQ(State(), before);
  Add("b.txt", "the old passphrase still signs\n", kOld);
}

TEST_F(KeyPassphrase, EmptyNewPassphraseFileChangesNothing) {
  InitWithPassphrase();
  const std::string before = State();
  fs::path file = WriteInput("empty.txt", "\n");
  auto r = Ev({"key", "passphrase", "--new-passphrase-file", file.string()}, kOld);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--new-passphrase-file"), std::string::npos) << r.err;
  EXPECT_EQ(State(), before);
}

TEST_F(KeyPassphrase, CaseWithoutPassphraseIsRefused) {
  InitCase();
  const std::string before = State();
  auto r = Ev({"key", "passphrase"}, kChange);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--no-passphrase"), std::string::npos) << r.err;
  EXPECT_EQ(State(), before);
}

// After `key rotate` the retired key is removed; one whose removal was interrupted is still a
// private key in keys/ and must not stay openable with the old passphrase.
TEST_F(KeyPassphrase, LeftoverRetiredKeyIsRewrappedToo) {
  InitWithPassphrase();
  fs::path first_key = case_dir() / "keys" / "test-owner.key";
  const std::string retired = ReadFile(first_key);
  ASSERT_EQ(Ev({"key", "rotate"}, kOld).exit_code, 0);
  ASSERT_FALSE(fs::exists(first_key));
  WriteFile(first_key, retired);  // as if the removal had not happened
  auto r = Ev({"key", "passphrase"}, kChange);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(first_key), retired);
  Add("b.txt", "after\n", kNew);
  EXPECT_EQ(Ev({"verify"}, kNew).exit_code, 0);
}

// A journal is hostile input like the rest of the folder: a damaged one is refused by name, and
// nothing in keys/ is touched on its account.
TEST_F(KeyPassphrase, DamagedJournalIsRefusedAndChangesNothing) {
  InitWithPassphrase();
  WriteFile(case_dir() / "keys" / "key-change.journal",
            "evidence-key-change v1\nfile: ../case.json 00\nchecksum: 00\n");
  const std::string before = State();
  auto r = Ev({"list"}, kOld);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("key-change.journal"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("checksum mismatch"), std::string::npos) << r.err;
  EXPECT_EQ(State(), before);
}

// Drafts without a journal are a change that never committed: the next command discards them and
// the old passphrase stays in force.
TEST_F(KeyPassphrase, UncommittedDraftIsDiscardedOnOpen) {
  InitWithPassphrase();
  fs::path key = case_dir() / "keys" / "test-owner.key";
  WriteFile(fs::path(key.string() + ".new"), "a draft of a change that never committed\n");
  Add("b.txt", "the old passphrase still signs\n", kOld);
  EXPECT_FALSE(fs::exists(key.string() + ".new"));
  EXPECT_EQ(Ev({"verify"}, kOld).exit_code, 0);
}

}  // namespace
}  // namespace evidence::testing
