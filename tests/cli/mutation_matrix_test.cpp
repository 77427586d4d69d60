// The mutation matrix: one case holding every action a command writes, then, for every action and
// every field of its data, three forgeries of that field (wrong type, removed, extreme value) made
// as an attacker with sqlite3 would (entry rewritten, leaf hash recomputed). Each must make
// `verify` exit 1 naming the entry, and every other command exit 1 or 2: none may finish, die from
// a signal or report an internal error. See docs/threat-model.md.
#include <sqlite3.h>

#include <iostream>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "../timestamp/local_tsa.hpp"
#include "cli_fixture.hpp"
#include "evidence/bytes.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/ledger.hpp"
#include "evidence/merkle.hpp"
#include "fixtures.hpp"
#include "ledger_payloads.hpp"
#include "sanitizer.hpp"

namespace evidence::testing {
namespace {

using json = nlohmann::json;

RunResult In(const fs::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"-C", dir.string()});
  return RunEvidence(args);
}

void Must(const RunResult& r, const std::string& what) {
  ASSERT_EQ(r.exit_code, 0) << what << ": " << r.out << r.err;
}

// Runs one statement against a ledger, failing the test on error.
void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  ASSERT_EQ(rc, SQLITE_OK) << sql.substr(0, 200) << ": " << message;
}

struct Entry {
  std::uint64_t seq;
  LedgerEntry entry;
};

std::vector<Entry> ReadEntries(const fs::path& ledger) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(ledger.c_str(), &db), SQLITE_OK);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> hold(db, sqlite3_close);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT seq, entry FROM entries ORDER BY seq", -1, &st, nullptr),
            SQLITE_OK);
  std::vector<Entry> out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string bytes(static_cast<const char*>(sqlite3_column_blob(st, 1)),
                      static_cast<std::size_t>(sqlite3_column_bytes(st, 1)));
    auto e = ParseLedgerEntry(bytes);
    EXPECT_TRUE(e.ok()) << e.status().message();
    if (e.ok()) out.push_back({static_cast<std::uint64_t>(sqlite3_column_int64(st, 0)), *e});
  }
  sqlite3_finalize(st);
  return out;
}

// Replaces entry `seq` with `entry` and its leaf hash, as a careful forger does.
void Forge(const fs::path& ledger, std::uint64_t seq, const std::string& entry) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(ledger.c_str(), &db), SQLITE_OK);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> hold(db, sqlite3_close);
  Exec(db, "DROP TRIGGER IF EXISTS entries_append_only_update");
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE entries SET entry = ?1, leaf_hash = ?2 WHERE seq = ?3",
                               -1, &st, nullptr),
            SQLITE_OK);
  auto leaf = merkle::LeafHash(AsBytes(entry));
  sqlite3_bind_blob(st, 1, entry.data(), static_cast<int>(entry.size()), SQLITE_TRANSIENT);
  sqlite3_bind_blob(st, 2, leaf.data(), static_cast<int>(leaf.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, static_cast<sqlite3_int64>(seq));
  EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
}

// A value of another JSON type than `v`.
json WrongType(const json& v) {
  if (v.is_string()) return 5;
  if (v.is_number()) return "5";
  if (v.is_boolean()) return "true";
  if (v.is_array()) return json::object();
  return json::array();
}

// The most hostile value of the same type that still encodes: a 1 MiB string, the largest
// unsigned integer, a negative one for a count, a huge or deeply nested container.
json Extreme(const json& v, std::uint64_t variant) {
  if (v.is_string()) return std::string(1 << 20, 'x');
  if (v.is_number()) {
    return variant % 2 ? json(std::numeric_limits<std::uint64_t>::max()) : json(std::int64_t{-1});
  }
  if (v.is_boolean()) return 2;
  if (v.is_array()) return json::array({std::string(1 << 20, 'x')});
  json deep = json::object();
  for (int i = 0; i < 100; ++i) deep = {{"x", deep}};
  return deep;
}

class MutationMatrix : public ::testing::Test {
 protected:
  // The template case `a`, built once: every action a command writes.
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const fs::path a = *dir_ / "a", b = *dir_ / "b", in = *dir_ / "in";
    fs::create_directories(in);
    // The sender of the bundle that `a` receives.
    Must(In(b, {"init", "--name", "Sender", "--owner", "Sam Sender", "--exhibit-prefix", "SB",
                "--no-passphrase"}),
         "init b");
    WriteText(in / "sent.txt", "a note handed over\n");
    Must(In(b, {"add", (in / "sent.txt").string()}), "add to b");
    Must(In(b, {"export", "--out", (in / "from-b.zip").string(), "--recipient", "Jane"}),
         "export b");

    Must(In(a, {"init", "--name", "Matrix", "--owner", "Jane Doe", "--no-passphrase"}), "init");
    WriteJpegWithExif(in / "photo.jpg");
    Must(In(a, {"add", "--note", "on the doorstep", (in / "photo.jpg").string()}), "add photo");
    WriteWhatsAppExport(in / "WhatsApp Chat with Daniel Marsh.txt");
    Must(In(a, {"add", (in / "WhatsApp Chat with Daniel Marsh.txt").string()}), "add chat");
    Must(In(a, {"incident", "add", "--at", "2026-03-01 10:00", "--until", "2026-03-01 11:00",
                "--behaviour", "visit-home", "--what", "waited outside", "--where", "home",
                "--witness", "a neighbour", "--item", "EX-0001"}),
         "incident add");
    Must(In(a, {"incident", "amend", "INC-0001", "--what", "waited outside for an hour", "--reason",
                "remembered"}),
         "incident amend");
    Must(In(a, {"link", "INC-0001", "EX-0002"}), "link");
    fs::create_directories(in / "out");
    Must(In(a, {"extract", "EX-0001", "--to", (in / "out").string()}), "extract");
    Must(In(a, {"receive", (in / "from-b.zip").string(), "--note", "from Sam"}), "receive");
    {
      LocalTsa tsa;
      Must(In(a, {"timestamp", "request", "--out", (in / "q.tsq").string()}), "ts request");
      tsa.Reply(in / "q.tsq", in / "r.tsr");
      Must(In(a, {"timestamp", "attach", (in / "r.tsr").string()}), "ts attach");
    }
    Must(In(a, {"export", "--out", (in / "a.zip").string(), "--recipient", "PC Smith"}), "export");
    Must(In(a, {"key", "rotate", "--no-passphrase"}), "key rotate");
    Must(In(a, {"verify"}), "verify the template");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static TempDir* dir_;
};
TempDir* MutationMatrix::dir_ = nullptr;

TEST_F(MutationMatrix, EveryFieldOfEveryActionForgedNeverCrashesAndNeverVerifies) {
  ASSERT_FALSE(HasFailure());
  const fs::path a = *dir_ / "a";
  const auto entries = ReadEntries(a / "ledger.sqlite");
  std::set<std::string> actions;
  for (const auto& e : entries) actions.insert(e.entry.action);
  // Every action a command can write is in the template (bundle.verified has no writer; the
  // template is a plaintext case, so it has no case.encrypted).
  for (auto action : kLedgerActions) {
    if (action == "bundle.verified" || action == "item.annotated" || action == "case.encrypted") {
      continue;
    }
    EXPECT_TRUE(actions.count(std::string(action))) << action << " is missing from the template";
  }

  const std::vector<std::vector<std::string>> commands = {
      {"verify"},
      {"list"},
      {"show", "EX-0001"},
      {"log"},
      {"messages"},
      {"incident", "list"},
      {"incident", "show", "INC-0001"},
      {"report", "--format", "json"},
      {"checkpoint"},
      {"prove", "EX-0001"},
      {"key", "show"},
      {"extract", "EX-0001", "--to", "OUT"},
      {"export", "--out", "OUT/bundle.zip"},
  };
  std::set<std::pair<std::string, std::string>> seen;       // (action, field) forged already
  std::map<std::string, std::map<int, std::size_t>> exits;  // command -> exit status -> runs
  std::size_t fields = 0;
  std::size_t mutations = 0, runs = 0, crashes = 0, named = 0;
  for (const auto& e : entries) {
    for (const auto& [field, value] : e.entry.data.items()) {
      if (!seen.insert({e.entry.action, field}).second) continue;
      ++fields;
      for (int kind = 0; kind < 3; ++kind) {
#ifdef EVIDENCE_SANITIZED
        // Under the sanitizers each run of the CLI costs several times more: every field still
        // gets one mutation, and the three kinds take turns, so every kind is still covered.
        if (kind != static_cast<int>(fields % 3)) continue;
#endif
        LedgerEntry forged = e.entry;
        const char* how = kind == 0 ? "wrong type" : kind == 1 ? "removed" : "extreme";
        if (kind == 0) forged.data[field] = WrongType(value);
        if (kind == 1) forged.data.erase(field);
        if (kind == 2) forged.data[field] = Extreme(value, mutations);
        auto bytes = forged.Encode();
        ASSERT_TRUE(bytes.ok()) << bytes.status().message();
        const std::string label =
            "entry " + std::to_string(e.seq) + " (" + e.entry.action + ")." + field + " " + how;

        TempDir copy;
        const fs::path c = copy.path() / "case";
        fs::copy(a, c, fs::copy_options::recursive);
        fs::create_directories(copy.path() / "out");
        Forge(c / "ledger.sqlite", e.seq, *bytes);
        ++mutations;
        // Every reader refuses a forged ledger at the same check (ledger_check.hpp) before it
        // reads anything else, so all thirteen commands on all three forgeries of a field ran
        // that one check 39 times. Each field meets every command with one of the three kinds,
        // in turn; its other two kinds go to `verify` and to one reader, also in turn.
        const std::size_t reader = 1 + mutations % (commands.size() - 1);
#ifdef EVIDENCE_SANITIZED
        // Under the sanitizers, each field's one forgery goes to `verify` and to one reader, in
        // turn: every reader still meets a forged ledger several times.
        const bool every_command = false;
#else
        const bool every_command = kind == static_cast<int>(fields % 3);
#endif
        for (std::size_t ci = 0; ci < commands.size(); ++ci) {
          if (!every_command && ci != 0 && ci != reader) continue;
          auto args = commands[ci];
          for (auto& arg : args) {
            if (arg.rfind("OUT", 0) == 0) arg = (copy.path() / "out").string() + arg.substr(3);
          }
          RunResult r = In(c, args);
          ++runs;
          const std::string cmd = args[0] + (args.size() > 1 ? " " + args[1] : "");
          if (r.exit_code < 0) ++crashes;
          EXPECT_GE(r.exit_code, 0) << label << ": `" << cmd << "` died from a signal\n" << r.err;
          EXPECT_EQ(r.err.find("internal error"), std::string::npos) << label << ": " << r.err;
          EXPECT_NE(r.exit_code, 3) << label << ": `" << cmd << "`: " << r.err;
          ++exits[cmd][r.exit_code];
          if (args[0] == "verify") {
            EXPECT_EQ(r.exit_code, 1) << label << ": verify passed a forged entry\n" << r.out;
            const bool names = (r.out + r.err)
                                   .find("entry " + std::to_string(e.seq) + " (" + e.entry.action +
                                         ")") != std::string::npos;
            named += names;
            EXPECT_TRUE(names) << label << ": verify does not name the entry\n" << r.out << r.err;
          } else {
            // Every reader checks the whole ledger against the signed root before it shows,
            // proves or exports anything (ledger_check.hpp), so a forged entry it never reads
            // still stops it.
            EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2)
                << label << ": `" << cmd << "` exited " << r.exit_code << "\n"
                << r.out << r.err;
          }
        }
      }
    }
  }
  std::cout << "mutation matrix: " << mutations << " mutations of " << fields << " fields, " << runs
            << " runs of " << commands.size() << " commands, " << crashes << " crashes, " << named
            << " forged entries named by verify\n";
  for (const auto& [cmd, counts] : exits) {
    std::cout << "  " << cmd << ":";
    for (const auto& [code, n] : counts) std::cout << " exit " << code << " x" << n;
    std::cout << "\n";
  }
  EXPECT_EQ(crashes, 0u);
#ifdef EVIDENCE_SANITIZED
  EXPECT_GT(mutations, 50u);
#else
  EXPECT_GT(mutations, 150u);
#endif
}

}  // namespace
}  // namespace evidence::testing
