// A file that looks like a chat but is mostly unreadable must never pass for a complete reading:
// the warning, signed into the item.metadata entry, shows in `add`, `show`, `list`, `--json` and
// every format of the report (docs/messages.md, "Never silent").
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "evidence/bytes.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/hash.hpp"
#include "evidence/merkle.hpp"
#include "evidence/messages.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

// One message, then lines that open with a date and a time but lost the " - " WhatsApp puts
// after the stamp: each reads as a message to a person, none as a message to the parser.
std::string MostlyUnreadableChat() {
  std::string chat = "20/01/2019, 11:23 - Alice: I know where you are\n";
  for (int minute = 24; minute < 33; ++minute) {
    chat += "20/01/2019, 11:" + std::to_string(minute) + " Alice: where are you going\n";
  }
  return chat;
}

constexpr const char* kFirstUnread = "line 2: 20/01/2019, 11:24 Alice: where are you going";

class NeverSilent : public CliTest {
 protected:
  void SetUp() override { InitCase(); }
};

TEST_F(NeverSilent, MostlyUnreadableChatCarriesItsWarningEverywhere) {
  const fs::path chat = WriteInput("WhatsApp Chat with Alice.txt", MostlyUnreadableChat());

  // add: on stderr, and in --json.
  auto add = Ev({"--json", "add", chat.string()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_NE(add.err.find("evidence: warning: "), std::string::npos) << add.err;
  EXPECT_NE(add.err.find("9 of 10 lines belong to no message"), std::string::npos) << add.err;
  EXPECT_NE(add.err.find(kFirstUnread), std::string::npos) << add.err;
  auto added = json::parse(add.out);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0]["messages"], 1);
  ASSERT_EQ(added[0]["warnings"].size(), 1u);
  const std::string warning = added[0]["warnings"][0];
  EXPECT_NE(warning.find(kFirstUnread), std::string::npos) << warning;

  // The warning is in the signed item.metadata entry, with the counts beside the summary.
  auto log = json::parse(Ev({"--json", "log", "--item", "EX-0001"}).out);
  bool signed_warning = false;
  for (const auto& e : log) {
    if (e["action"] != "item.metadata") continue;
    EXPECT_EQ(e["data"]["warnings"], json::array({warning}));
    EXPECT_EQ(e["data"]["messages"]["read_count"], 10);
    EXPECT_EQ(e["data"]["messages"]["unparsed_count"], 9);
    EXPECT_EQ(e["data"]["messages"]["first_unparsed"], kFirstUnread);
    signed_warning = true;
  }
  EXPECT_TRUE(signed_warning);

  // show, text and --json.
  auto show = Ev({"show", "EX-0001"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("warning:    " + warning), std::string::npos) << show.out;
  auto show_json = json::parse(Ev({"--json", "show", "EX-0001"}).out);
  EXPECT_EQ(show_json["warnings"], json::array({warning}));

  // list, text and --json.
  auto list = Ev({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("! " + warning), std::string::npos) << list.out;
  auto list_json = json::parse(Ev({"--json", "list"}).out);
  ASSERT_EQ(list_json.size(), 1u);
  EXPECT_EQ(list_json[0]["warnings"], json::array({warning}));

  // The report, in every format; the JSON one still validates against its schema.
  auto report_json = Ev({"report", "--format", "json"});
  ASSERT_EQ(report_json.exit_code, 0) << report_json.err;
  auto rj = json::parse(report_json.out);
  ASSERT_EQ(rj["items"].size(), 1u);
  EXPECT_EQ(rj["items"][0]["warnings"], json::array({warning}));
  auto schema =
      RunProgram({"/usr/bin/python3", "-c",
                  "import json,sys,jsonschema;"
                  "jsonschema.validate(json.loads(sys.stdin.read()), json.load(open(sys.argv[1])),"
                  "cls=jsonschema.Draft202012Validator)",
                  std::string(EVIDENCE_SOURCE_DIR) + "/schemas/report.schema.json"},
                 report_json.out);
  EXPECT_EQ(schema.exit_code, 0) << schema.err;
  auto md = Ev({"report", "--format", "md"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("9 of 10 lines belong to no message"), std::string::npos) << md.out;
  auto html = Ev({"report", "--format", "html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  EXPECT_NE(html.out.find("9 of 10 lines belong to no message"), std::string::npos);

  // The original is kept as it was given.
  EXPECT_EQ(show_json["sha256"], added[0]["sha256"]);
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

// Regression: a parse that stopped part-way was printed twice by `add`, once as an extraction
// error ("kept, but messages: ...") and once as the signed warning, with the same words.
TEST_F(NeverSilent, AddPrintsAStoppedParseOnce) {
  const fs::path chat =
      WriteInput("discord.json",
                 R"({"guild":{"id":"1"},"channel":{"id":"2"},"messages":[{"id":"1","timestamp":)"
                 R"("2020-01-01T00:00:00Z","content":"hi","author":{"name":"a"}},{"id":)");
  auto add = Ev({"add", chat.string()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_NE(add.err.find("the reading stopped"), std::string::npos) << add.err;
  std::size_t mentions = 0;
  for (std::size_t at = add.err.find("unexpected end of input"); at != std::string::npos;
       at = add.err.find("unexpected end of input", at + 1)) {
    ++mentions;
  }
  EXPECT_EQ(mentions, 1u) << add.err;
  // Regression: the count read "(1 messages)" and "(1 calls)".
  EXPECT_NE(add.out.find("(1 message)"), std::string::npos) << add.out;
}

TEST_F(NeverSilent, CompleteChatCarriesNoWarning) {
  const fs::path chat = WriteInput("chat.txt",
                                   "20/01/2019, 11:23 - Alice: one\n"
                                   "20/01/2019, 11:24 - Alice: two\n"
                                   "a second line of two\n");
  auto add = Ev({"--json", "add", chat.string()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.err.find("warning"), std::string::npos) << add.err;
  EXPECT_TRUE(json::parse(add.out)[0]["warnings"].empty());
  EXPECT_FALSE(json::parse(Ev({"--json", "show", "EX-0001"}).out).contains("warnings"));
}

// Someone with the case folder rewrites the signed entry so that the partly read export looks
// complete (the warning gone, its leaf hash recomputed): the entry no longer matches the signed
// checkpoint, and `verify` says so.
TEST_F(NeverSilent, ForgedEntryWithoutTheWarningFailsVerify) {
  const fs::path chat = WriteInput("chat.txt", MostlyUnreadableChat());
  ASSERT_EQ(Ev({"add", chat.string()}).exit_code, 0);
  ASSERT_EQ(Ev({"verify"}).exit_code, 0);
  Sql("DROP TRIGGER entries_append_only_update; DROP TRIGGER entries_append_only_delete;");
  std::string seq = Sql("SELECT seq FROM entries WHERE action = 'item.metadata';");
  seq.erase(seq.find_last_not_of("\n") + 1);
  std::string hex = Sql("SELECT hex(entry) FROM entries WHERE seq = " + seq + ";");
  hex.erase(hex.find_last_not_of("\n") + 1);
  auto bytes = HexDecode(hex);
  ASSERT_TRUE(bytes.ok());
  auto entry = json::parse(std::string(AsChars(*bytes)));
  ASSERT_TRUE(entry["data"].contains("warnings"));
  entry["data"].erase("warnings");
  auto forged = CanonicalJson(entry);
  ASSERT_TRUE(forged.ok());
  Sql("UPDATE entries SET entry = X'" + HexEncode(AsBytes(*forged)) + "', leaf_hash = X'" +
      HexEncode(merkle::LeafHash(AsBytes(*forged))) + "' WHERE seq = " + seq + ";");
  auto v = Ev({"verify"});
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
}

// A conversation no format matches says which formats were tried; a photo-like or plain file
// that was never meant as messages carries nothing.
TEST_F(NeverSilent, UnrecognisedConversationNamesTheFormatsTried) {
  const fs::path signal = WriteInput("signal-chat.txt",
                                     "[2019-12-24, 12:23] Jane Doe: Hello John!\n"
                                     "[2020-01-17, 21:49] John Doe: Hello\n");
  const fs::path notes = WriteInput("notes.txt", "Things to tell the officer.\n");
  auto add = Ev({"--json", "add", signal.string(), notes.string()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_NE(add.err.find("(formats tried: " + TriedExportFormats() + ")"), std::string::npos)
      << add.err;
  EXPECT_NE(TriedExportFormats().find("whatsapp-text, whatsapp-zip"), std::string::npos);
  auto added = json::parse(add.out);
  ASSERT_EQ(added.size(), 2u);
  ASSERT_EQ(added[0]["warnings"].size(), 1u);
  EXPECT_TRUE(added[1]["warnings"].empty());
  auto show = Ev({"show", added[0]["exhibit"]});
  EXPECT_NE(show.out.find("warning:    not read as messages"), std::string::npos) << show.out;
}

}  // namespace
}  // namespace evidence::testing
