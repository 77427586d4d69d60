// The suite's own promise (docs/testing.md): what a contributor's shell holds, the zone the machine
// runs in and the folder the repository was cloned into never change a result. Each test puts the
// hostile value in this test process's own environment, as a user's shell would, and shows the
// CLI never sees it.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

// Sets a variable in this process for the scope, as an exported shell variable would be.
class ScopedVariable {
 public:
  ScopedVariable(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedVariable() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }
  ScopedVariable(const ScopedVariable&) = delete;
  ScopedVariable& operator=(const ScopedVariable&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

class Hermetic : public CliTest {};

// Regression: with EVIDENCE_PASSPHRASE exported in the shell, `init` without a passphrase source
// found one, and cli.Init.WithoutPassphraseSourceOrTerminalIsAUsageError failed.
TEST_F(Hermetic, PassphraseExportedInTheShellDoesNotReachTheCli) {
  ScopedVariable pass("EVIDENCE_PASSPHRASE", "wrong");
  auto r = Ev({"init"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("passphrase"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(case_dir() / "case.json"));
}

// Regression: under TZ=America/St_Johns, cli.Diary.AmendErrorsRecordNothing gave a local --until
// that was only "before" the incident when local time was UTC.
TEST_F(Hermetic, ShellTimeZoneDoesNotReachTheCli) {
  ScopedVariable tz("TZ", "America/St_Johns");
  InitCase();
  ASSERT_EQ(
      Ev({"incident", "add", "--at", "2026-01-15 12:00", "--behaviour", "gift", "--what", "x"})
          .exit_code,
      0);
  auto inc = json::parse(Ev({"--json", "incident", "show", "INC-0001"}).out);
  EXPECT_EQ(inc["at"], "2026-01-15T12:00:00+00:00");
}

TEST_F(Hermetic, ShellCaseAndHomeDoNotReachTheCli) {
  TempDir elsewhere;
  const fs::path theirs = elsewhere / "case";
  ASSERT_EQ(RunEvidence({"-C", theirs.string(), "init", "--name", "Someone else's", "--owner",
                         "Someone", "--no-passphrase"})
                .exit_code,
            0);
  ScopedVariable c("EVIDENCE_CASE", theirs.string());
  ScopedVariable home("HOME", elsewhere.path().string());
  ScopedVariable data("XDG_DATA_HOME", elsewhere.path().string());
  // Without -C the CLI looks for its default case, which must not be the one the shell named.
  auto r = RunEvidence({"--json", "list"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.err.find("no such case folder"), std::string::npos) << r.err;
}

TEST_F(Hermetic, EveryVariableTheToolReadsIsSetOrClearedExplicitly) {
  std::vector<std::unique_ptr<ScopedVariable>> hostile;
  for (const auto& name : kToolVariables) {
    hostile.push_back(std::make_unique<ScopedVariable>(name.c_str(), "hostile-value"));
  }
  auto env = CliEnvironment();
  for (const auto& name : kToolVariables) {
    auto it = env.find(name);
    EXPECT_TRUE(it == env.end() || it->second != "hostile-value") << name << " was inherited";
  }
  // An explicit value wins, and an empty one removes the variable.
  auto with = CliEnvironment({{"TZ", "Asia/Kathmandu"}, {"HOME", ""}});
  EXPECT_EQ(with["TZ"], "Asia/Kathmandu");
  EXPECT_EQ(with.count("HOME"), 0u);
}

// The list above is the tool's own: every getenv in the library and the CLI names one of them, so
// a new variable cannot slip past the tests (docs/testing.md lists them for users).
TEST_F(Hermetic, TheToolReadsNoVariableTheTestsDoNotDecide) {
  std::set<std::string> known(kToolVariables.begin(), kToolVariables.end());
  std::regex getenv_call(R"re(getenv\("([A-Za-z0-9_]+)"\))re");
  int calls = 0;
  for (const char* dir : {"libevidence", "tools"}) {
    for (auto& e : fs::recursive_directory_iterator(fs::path(EVIDENCE_SOURCE_DIR) / dir)) {
      if (!e.is_regular_file()) continue;
      std::string text = ReadFile(e.path());
      for (std::sregex_iterator it(text.begin(), text.end(), getenv_call), end; it != end; ++it) {
        ++calls;
        EXPECT_TRUE(known.count((*it)[1].str()))
            << e.path() << " reads $" << (*it)[1].str() << ", which kToolVariables does not list";
      }
    }
  }
  EXPECT_GT(calls, 0);
}

// Regression: the privilege-dropping test ran the build tree's binary as uid 65534, which cannot
// load libevidence.so from a checkout under a 0700 folder (a home folder, `mktemp -d`), so it
// failed on where the repository was cloned. The tests now run a copy placed where that user can
// read it, and that copy loads nothing from the build tree.
TEST_F(Hermetic, OtherUserRunsACopyOfTheCliThatLoadsNothingFromTheCheckout) {
  if (geteuid() != 0) {
    // Only root can become another user; the test that needs it runs as the caller then.
    GTEST_SKIP() << "precondition: needs root to run a command as uid 65534";
  }
  fs::permissions(tmp().path(),
                  fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  auto cli = CopyCliForOtherUsers(tmp().path() / "bin");
  auto env = CliEnvironment({{"LD_LIBRARY_PATH", cli.lib_dir.string()}});
  const std::vector<std::string> as_nobody = {"setpriv", "--reuid=65534", "--regid=65534",
                                              "--clear-groups"};
  auto run = as_nobody;
  run.insert(run.end(), {cli.binary.string(), "--version"});
  auto r = RunProgramIn(run, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("evidence "), std::string::npos) << r.out;

  // What the loader opens for that user: the library copy, nothing under the build tree.
  auto trace = as_nobody;
  trace.insert(trace.end(), {"env", "LD_TRACE_LOADED_OBJECTS=1", cli.binary.string()});
  auto loaded = RunProgramIn(trace, env);
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  const std::string build_tree = fs::path(EVIDENCE_BIN).parent_path().parent_path().string();
  EXPECT_NE(loaded.out.find((cli.lib_dir / fs::path(EVIDENCE_LIB).filename()).string()),
            std::string::npos)
      << loaded.out;
  EXPECT_EQ(loaded.out.find(build_tree + "/"), std::string::npos)
      << "loads from the build tree " << build_tree << ":\n"
      << loaded.out;
}

}  // namespace
}  // namespace evidence::testing
