// A case in a temporary folder, driven through the real `evidence` binary.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing.hpp"

namespace evidence::testing {

class CliTest : public ::testing::Test {
 protected:
  fs::path case_dir() const { return tmp_.path() / "case"; }
  const TempDir& tmp() const { return tmp_; }

  // `evidence -C <case> args...`
  RunResult Ev(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), {"-C", case_dir().string()});
    return RunEvidence(args, env);
  }

  // Creates the case with an unencrypted key (tests that need a passphrase say so).
  void InitCase() {
    auto r = Ev({"init", "--name", "Test case", "--owner", "Test Owner", "--no-passphrase"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  fs::path WriteInput(const std::string& name, const std::string& content) {
    fs::path p = tmp_.path() / "input" / name;
    fs::create_directories(p.parent_path());
    WriteFile(p, content);
    return p;
  }

  // Runs SQL against the case's ledger with the sqlite3 shell, as an attacker with the folder
  // would.
  std::string Sql(const std::string& sql) {
    auto r = RunProgram({"sqlite3", (case_dir() / "ledger.sqlite").string(), sql});
    EXPECT_EQ(r.exit_code, 0) << "sqlite3: " << r.err;
    return r.out;
  }

  // Everything that makes up the case's evidence state: the ledger rows and the stored objects.
  std::string Snapshot() {
    std::string s =
        Sql("SELECT seq, hex(entry) FROM entries ORDER BY seq; SELECT '--'; "
            "SELECT exhibit, sha256 FROM items ORDER BY exhibit; SELECT '--'; "
            "SELECT id, note FROM checkpoints ORDER BY id;");
    std::vector<std::string> files;
    for (auto& e : fs::recursive_directory_iterator(case_dir())) {
      auto rel = fs::relative(e.path(), case_dir()).string();
      if (rel.rfind("ledger.sqlite", 0) == 0) continue;  // compared logically above
      files.push_back(rel + (e.is_regular_file() ? ":" + std::to_string(e.file_size()) : "/"));
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) s += f + "\n";
    return s;
  }

 private:
  TempDir tmp_;
};

}  // namespace evidence::testing
