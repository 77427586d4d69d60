// Tampering with a case behind the tool's back: every kind must make `verify` exit 1 and say
// exactly what is wrong. The attacker here has the folder and the sqlite3 shell, and knows to drop
// the append-only triggers first.
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/hash.hpp"
#include "evidence/merkle.hpp"
#include "evidence/signing.hpp"
#include "fixtures.hpp"

namespace evidence::testing {
namespace {

class Tamper : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    // Three separate commands, so there are several checkpoints along the way.
    for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
             {"a.txt", "first message"}, {"b.txt", "second message"}, {"c.txt", "third message"}}) {
      auto r = Ev({"add", WriteInput(name, content).string()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    ASSERT_EQ(Ev({"verify"}).exit_code, 0);
  }

  fs::path ObjectOf(const std::string& content) {
    std::string hex = DigestHex(Sha256::Of(std::string_view(content)));
    return case_dir() / "objects" / hex.substr(0, 2) / hex.substr(2);
  }

  void DropTriggers() {
    Sql("DROP TRIGGER entries_append_only_update; DROP TRIGGER entries_append_only_delete; "
        "DROP TRIGGER checkpoints_append_only_update; DROP TRIGGER "
        "checkpoints_append_only_delete;");
  }

  // Runs verify and checks it fails with a line containing every one of `needles`.
  void ExpectVerifyFails(const std::vector<std::string>& needles) {
    auto r = Ev({"verify"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("case does NOT verify"), std::string::npos) << r.out;
    bool found = false;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("FAIL  ", 0) != 0) continue;
      bool all = true;
      for (const auto& n : needles) all = all && line.find(n) != std::string::npos;
      found = found || all;
    }
    EXPECT_TRUE(found) << "no FAIL line with all of the expected words in:\n" << r.out;
  }
};

TEST_F(Tamper, ObjectBytesChanged) {
  fs::path object = ObjectOf("second message");
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  WriteFile(object, "second massage");
  ExpectVerifyFails({"EX-0002", "b.txt", "bytes were changed"});
}

TEST_F(Tamper, ObjectDeleted) {
  fs::remove(ObjectOf("third message"));
  ExpectVerifyFails({"EX-0003", "c.txt", "is missing"});
}

TEST_F(Tamper, ItemRowHashEditedWithSqliteShell) {
  std::string fake = DigestHex(Sha256::Of(std::string_view("something else")));
  Sql("UPDATE items SET sha256 = '" + fake + "' WHERE exhibit = 'EX-0002';");
  ExpectVerifyFails({"EX-0002", "items table", "edited"});
}

TEST_F(Tamper, LedgerEntryTextEdited) {
  DropTriggers();
  Sql("UPDATE entries SET entry = CAST(replace(CAST(entry AS TEXT), 'b.txt', 'x.txt') AS BLOB) "
      "WHERE action = 'item.ingested' AND item = 'EX-0002';");
  ExpectVerifyFails({"entry", "altered"});
}

TEST_F(Tamper, LedgerEntryTextAndLeafHashRewritten) {
  // A careful attacker also rewrites the stored leaf hash; the signed roots still catch it.
  DropTriggers();
  std::string seq =
      Sql("SELECT seq FROM entries WHERE item = 'EX-0002' AND action = 'item.ingested';");
  seq.erase(seq.find_last_not_of("\n") + 1);
  std::string hex = Sql("SELECT hex(entry) FROM entries WHERE seq = " + seq + ";");
  hex.erase(hex.find_last_not_of("\n") + 1);
  auto bytes = HexDecode(hex);
  ASSERT_TRUE(bytes.ok());
  std::string entry(AsChars(*bytes));
  entry.replace(entry.find("b.txt"), 5, "x.txt");
  std::string leaf = HexEncode(merkle::LeafHash(AsBytes(entry)));
  Sql("UPDATE entries SET entry = X'" + HexEncode(AsBytes(entry)) + "', leaf_hash = X'" + leaf +
      "' WHERE seq = " + seq + ";");
  ExpectVerifyFails({"checkpoint", "signed root", "altered"});
}

TEST_F(Tamper, NewestEntriesDeleted) {
  DropTriggers();
  Sql("DELETE FROM entries WHERE seq >= (SELECT max(seq) - 1 FROM entries);");
  ExpectVerifyFails({"checkpoint", "missing"});
}

TEST_F(Tamper, TwoEntriesSwapped) {
  DropTriggers();
  // Swap whole rows (bytes and stored leaf hash) of the entries that ingested EX-0001 and EX-0002.
  Sql("CREATE TEMP TABLE s AS SELECT seq, entry, leaf_hash, item FROM entries "
      "WHERE action = 'item.ingested' AND item IN ('EX-0001', 'EX-0002');"
      "UPDATE entries SET entry = (SELECT entry FROM s WHERE s.seq != entries.seq), "
      "leaf_hash = (SELECT leaf_hash FROM s WHERE s.seq != entries.seq) "
      "WHERE seq IN (SELECT seq FROM s);");
  ExpectVerifyFails({"entry", "reordered"});
}

TEST_F(Tamper, CheckpointReplacedByAnOlderOne) {
  DropTriggers();
  Sql("UPDATE checkpoints SET note = (SELECT note FROM checkpoints ORDER BY id LIMIT 1 OFFSET 1) "
      "WHERE id = (SELECT max(id) FROM checkpoints);");
  ExpectVerifyFails({"checkpoint", "older"});
  ExpectVerifyFails({"not covered by any signed checkpoint"});
}

TEST_F(Tamper, CheckpointSignedByAnotherKey) {
  DropTriggers();
  // A checkpoint with the right origin, size and root, under the right key name, but another key.
  std::string note = Ev({"checkpoint"}).out;
  auto parsed = ParseCheckpointNote(note);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto other = SigningKey::Generate();
  ASSERT_TRUE(other.ok());
  auto forged = SignCheckpoint(parsed->checkpoint, parsed->signatures[0].key_name, *other);
  ASSERT_TRUE(forged.ok());
  Sql("UPDATE checkpoints SET note = '" + *forged +
      "' WHERE id = (SELECT max(id) FROM checkpoints);");
  ExpectVerifyFails({"checkpoint", "signature"});
}

TEST_F(Tamper, ItemRowDeletedBehindTheTriggers) {
  Sql("DROP TRIGGER items_no_delete; DELETE FROM items WHERE exhibit = 'EX-0003';");
  ExpectVerifyFails({"EX-0003", "missing from the items table"});
}

TEST_F(Tamper, VerifyJsonNamesEveryFailure) {
  fs::remove(ObjectOf("first message"));
  auto r = Ev({"--json", "verify"});
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_FALSE(j["ok"].get<bool>());
  ASSERT_EQ(j["failures"].size(), 1u);
  EXPECT_NE(j["failures"][0].get<std::string>().find("EX-0001"), std::string::npos);
}

TEST_F(Tamper, LeftoverTempFileIsAWarningNotEvidence) {
  WriteFile(case_dir() / "tmp" / "ingest-123.part", "half a file");
  auto r = Ev({"verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.err.find("temporary file left by an interrupted command"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace evidence::testing

namespace evidence::testing {
namespace {

TEST_F(CliTest, TamperMessageRowEdited) {
  InitCase();
  fs::path chat = tmp().path() / "input" / "chat.txt";
  fs::create_directories(chat.parent_path());
  WriteFile(chat,
            "27/02/2026, 09:14 - Daniel: Why are you ignoring me?\n"
            "28/02/2026, 21:47 - Daniel: I saw you at the station today\n");
  auto add = Ev({"add", chat.string()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  ASSERT_EQ(Ev({"verify"}).exit_code, 0);
  Sql("DROP TRIGGER messages_no_update; UPDATE messages SET message = replace(message, 'station', "
      "'library') WHERE idx = 1;");
  auto r = Ev({"verify"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("messages table was edited"), std::string::npos) << r.out;
}

// Attack 2 of issue 15: every column of an items row is a cache of the signed entries, so an
// edit to any one of them fails verify, naming the exhibit and the column; `show` and `list` keep
// showing what the ledger signed.
TEST_F(Tamper, EditedItemColumnFailsVerify) {
  DropTriggers();
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"name", "CAST('forged.txt' AS BLOB)"},
      {"kind", "'photo'"},
      {"media_type", "'image/jpeg'"},
      {"captured", "'2020-01-01T00:00:00Z'"},
      {"note", "'forged note'"},
      {"metadata", "'{\"forged\":1}'"},
      {"parent", "'EX-0001'"}};
  for (const auto& [column, value] : edits) {
    SCOPED_TRACE(column);
    std::string original = Sql("SELECT quote(" + column + ") FROM items WHERE exhibit = 'EX-0002'");
    original.pop_back();  // the newline
    Sql("UPDATE items SET " + column + " = " + value + " WHERE exhibit = 'EX-0002';");
    ExpectVerifyFails({"EX-0002", column, "items table was edited"});
    auto show = Ev({"--json", "show", "EX-0002"});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    auto j = nlohmann::json::parse(show.out);
    EXPECT_EQ(j["name"], "b.txt");
    EXPECT_NE(j["kind"], "photo");
    EXPECT_FALSE(j.contains("note"));
    EXPECT_FALSE(j.contains("parent"));
    EXPECT_EQ(Ev({"list"}).out.find("forged"), std::string::npos);
    // Put the column back for the next one.
    Sql("UPDATE items SET " + column + " = " + original + " WHERE exhibit = 'EX-0002';");
  }
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

// Attack 3 of issue 15: a deleted items row. The exhibit is still in the signed ledger, so verify
// names it, and `list`, the report and a full export still carry it.
TEST_F(Tamper, DeletedItemRowStillExportedOrReported) {
  Sql("DROP TRIGGER items_no_delete; DELETE FROM items WHERE exhibit = 'EX-0002';");
  ExpectVerifyFails({"EX-0002", "missing from the items table"});
  EXPECT_NE(Ev({"list"}).out.find("EX-0002"), std::string::npos);
  EXPECT_NE(Ev({"report", "--format", "md"}).out.find("EX-0002"), std::string::npos);
  const fs::path out = tmp().path() / "all.zip";
  auto e = Ev({"export", "--out", out.string()});
  if (e.exit_code == 0) {
    auto listing = RunProgram({"unzip", "-l", out.string()});
    EXPECT_NE(listing.out.find("EX-0002"), std::string::npos) << listing.out;
  } else {
    // Refusing to export a case that does not verify is as good as disclosing everything.
    EXPECT_EQ(e.exit_code, 1) << e.err;
  }
}

// Attack 2 of issue 15: `messages --from/--since/--until` filtered on the unsigned sender and
// time columns, so editing them hid a message. Filters read the recorded message, and verify
// names the edited row.
TEST_F(Tamper, EditedMessageSenderOrTimeCannotHideAMessage) {
  WriteWhatsAppExport(tmp().path() / "input" / "chat.txt");
  ASSERT_EQ(Ev({"add", (tmp().path() / "input" / "chat.txt").string()}).exit_code, 0);
  auto count = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--json", "messages"});
    auto r = Ev(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out).size();
  };
  const auto from = count({"--from", "daniel"});
  const auto window = count({"--since", "2000-01-01", "--until", "2100-01-01"});
  ASSERT_GT(from, 0u);
  Sql("DROP TRIGGER messages_no_update; UPDATE messages SET sender = 'Someone Else', "
      "time = '1990-01-01T00:00:00' WHERE sender = 'Daniel Marsh';");
  EXPECT_EQ(count({"--from", "daniel"}), from);
  EXPECT_EQ(count({"--since", "2000-01-01", "--until", "2100-01-01"}), window);
  ExpectVerifyFails({"EX-0004", "message", "sender", "messages table was edited"});
}

}  // namespace
}  // namespace evidence::testing
