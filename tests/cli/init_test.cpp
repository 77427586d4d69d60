// `evidence init` and the errors of commands run where there is no case.
#include "cli_fixture.hpp"

namespace evidence::testing {
namespace {

using Init = CliTest;

TEST_F(Init, CreatesAVerifyingCase) {
  InitCase();
  EXPECT_TRUE(fs::exists(case_dir() / "case.json"));
  EXPECT_TRUE(fs::exists(case_dir() / "ledger.sqlite"));
  auto v = Ev({"verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("case verifies"), std::string::npos);
  auto log = Ev({"log"});
  EXPECT_NE(log.out.find("case.created"), std::string::npos);
  EXPECT_NE(log.out.find("key.added"), std::string::npos);
}

TEST_F(Init, SecondInitIsRefusedAndChangesNothing) {
  InitCase();
  std::string before = Snapshot();
  auto r = Ev({"init", "--no-passphrase"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("evidence: error: "), std::string::npos);
  EXPECT_NE(r.err.find("a case already exists"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(Init, RefusesANonEmptyFolder) {
  fs::create_directories(case_dir());
  WriteFile(case_dir() / "holiday.jpg", "not mine to touch");
  auto r = Ev({"init", "--no-passphrase"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not an empty folder"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(case_dir() / "holiday.jpg"), "not mine to touch");
  EXPECT_FALSE(fs::exists(case_dir() / "ledger.sqlite"));
}

TEST_F(Init, RejectsABadExhibitPrefixWithoutCreatingAnything) {
  auto r = Ev({"init", "--no-passphrase", "--exhibit-prefix", "ex 1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("exhibit prefix"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(case_dir()));
}

TEST_F(Init, CustomPrefixNamesExhibits) {
  auto r = Ev({"init", "--no-passphrase", "--exhibit-prefix", "JD"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto add = Ev({"add", WriteInput("a.txt", "a").string()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out.rfind("JD-0001", 0), 0u) << add.out;
}

TEST_F(Init, WithoutPassphraseSourceOrTerminalIsAUsageError) {
  auto r = Ev({"init"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("passphrase"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(case_dir() / "case.json"));
}

TEST_F(Init, PassphraseFromEnvironmentEncryptsTheKey) {
  auto r = Ev({"init"}, {{"EVIDENCE_PASSPHRASE", "correct horse battery staple"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string key_file;
  for (auto& e : fs::directory_iterator(case_dir() / "keys")) {
    if (e.path().extension() == ".key") key_file = ReadFile(e.path());
  }
  ASSERT_FALSE(key_file.empty());
  // The case is encrypted: every command, even `key show`, needs the passphrase.
  auto show =
      Ev({"--json", "key", "show"}, {{"EVIDENCE_PASSPHRASE", "correct horse battery staple"}});
  EXPECT_NE(show.out.find("\"encrypted\": true"), std::string::npos) << show.out;
  EXPECT_NE(ReadFile(case_dir() / "case.json").find("\"encrypted\": true"), std::string::npos);
  // Signing needs the passphrase; a wrong one is exit 2 and records nothing.
  std::string before = Snapshot();
  auto bad = Ev({"add", WriteInput("a.txt", "a").string()}, {{"EVIDENCE_PASSPHRASE", "wrong"}});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("wrong passphrase"), std::string::npos) << bad.err;
  EXPECT_EQ(Snapshot(), before);
  auto good = Ev({"add", WriteInput("a.txt", "a").string()},
                 {{"EVIDENCE_PASSPHRASE", "correct horse battery staple"}});
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

TEST_F(Init, CommandsOnAFolderThatIsNotACase) {
  fs::create_directories(case_dir());
  for (auto args : std::vector<std::vector<std::string>>{{"list"}, {"verify"}, {"log"}}) {
    auto r = Ev(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_NE(r.err.find("not an evidence case"), std::string::npos) << r.err;
  }
  EXPECT_TRUE(fs::is_empty(case_dir()));
}

TEST_F(Init, CommandsWhereNoCaseFolderExists) {
  auto r = Ev({"list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such case folder"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("evidence init"), std::string::npos) << r.err;
}

TEST_F(Init, UnknownCommandOrOptionIsAUsageError) {
  auto r = Ev({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("evidence: error: ", 0), 0u) << r.err;
  auto o = Ev({"list", "--bogus"});
  EXPECT_EQ(o.exit_code, 2);
}

TEST_F(Init, VersionAndHelp) {
  auto v = RunEvidence({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("evidence ", 0), 0u) << v.out;
  auto h = RunEvidence({"add", "--help"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--recursive"), std::string::npos);
}

TEST_F(Init, DefaultCaseComesFromEnvironment) {
  auto r = RunEvidence({"init", "--no-passphrase"}, {{"EVIDENCE_CASE", case_dir().string()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(case_dir() / "case.json"));
  auto xdg = RunEvidence({"init", "--no-passphrase"},
                         {{"XDG_DATA_HOME", (tmp().path() / "xdg").string()}});
  ASSERT_EQ(xdg.exit_code, 0) << xdg.err;
  EXPECT_TRUE(fs::exists(tmp().path() / "xdg" / "evidence" / "default" / "case.json"));
}

}  // namespace
}  // namespace evidence::testing
