// A case in a temporary folder, driven through the real `evidence` binary.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "evidence/bytes.hpp"
#include "evidence/merkle.hpp"
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

  // Drops the triggers that keep the ledger append-only, as an attacker with sqlite3 can.
  void DropTriggers() {
    Sql("DROP TRIGGER entries_append_only_update; DROP TRIGGER entries_append_only_delete; "
        "DROP TRIGGER checkpoints_append_only_update; DROP TRIGGER "
        "checkpoints_append_only_delete; DROP TRIGGER items_no_delete; "
        "DROP TRIGGER messages_no_update;");
  }

  // The entry bytes stored at `seq`.
  std::string EntryText(std::uint64_t seq) {
    std::string hex = Sql("SELECT hex(entry) FROM entries WHERE seq = " + std::to_string(seq));
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
    auto bytes = HexDecode(hex);
    EXPECT_TRUE(bytes.ok());
    return std::string(bytes->begin(), bytes->end());
  }

  // Stores `text` as entry `seq` with a leaf hash recomputed to match, as a careful attacker would.
  void WriteEntry(std::uint64_t seq, const std::string& text) {
    merkle::Hash leaf = merkle::LeafHash(AsBytes(text));
    Sql("UPDATE entries SET entry = X'" + HexEncode(AsBytes(text)) + "', leaf_hash = X'" +
        HexEncode(leaf) + "' WHERE seq = " + std::to_string(seq) + ";");
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
