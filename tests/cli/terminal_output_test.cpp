// Text from evidence reaches the terminal inert: ESC sequences that would erase, recolour or
// retitle, newlines that would fake an output line, C1 controls and bidi overrides are shown as
// \xNN or \uNNNN in every human-readable output; --json keeps the exact text (JSON escapes it).
// docs/output.md.
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "fixtures.hpp"

namespace evidence::testing {
namespace {

using json = nlohmann::json;

// The raw bytes no output may carry: ESC, BEL, CSI as a C1 control (U+009B), RIGHT-TO-LEFT
// OVERRIDE (U+202E), LINE SEPARATOR (U+2028).
const std::vector<std::pair<std::string, std::string>> kRaw = {{"\x1b", "ESC"},
                                                               {"\x07", "BEL"},
                                                               {"\xc2\x9b", "U+009B"},
                                                               {"\xe2\x80\xae", "U+202E"},
                                                               {"\xe2\x80\xa8", "U+2028"}};

class TerminalOutput : public CliTest {
 protected:
  void SetUp() override { InitCase(); }

  // Runs a command, requires it to succeed, and requires its output to hold none of kRaw.
  RunResult Inert(const std::vector<std::string>& args) {
    auto r = Ev(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
    ExpectNoRaw(args[0], r);
    return r;
  }

  static void ExpectNoRaw(const std::string& what, const RunResult& r) {
    for (const auto& [bytes, name] : kRaw) {
      EXPECT_EQ(r.out.find(bytes), std::string::npos) << what << ": raw " << name << " in\n"
                                                      << r.out;
      EXPECT_EQ(r.err.find(bytes), std::string::npos) << what << ": raw " << name << " in\n"
                                                      << r.err;
    }
  }

  static std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
};

TEST_F(TerminalOutput, TerminalEscapesInChatTextAreShownInert) {
  // The sender's name clears the line; one message moves the cursor up and erases the line above,
  // another holds a line that looks like a reply from the victim, a third reverses the text
  // after it.
  std::string chat = WhatsAppExportText("Dan\x1b[2Kiel", "Sam");
  chat += "02/03/2026, 20:01 - Dan\x1b[2Kiel: hi\x1b[1A\x1b[2K\x07\n";
  chat += "02/03/2026, 20:02 - Dan\x1b[2Kiel: see you\nEX-0001#99  2026-03-02T20:03:00  Sam: ok\n";
  chat +=
      "02/03/2026, 20:04 - Dan\x1b[2Kiel: so \xe2\x80\xae"
      "evil\xc2\x9b"
      "31m\xe2\x80\xa8red\n";
  fs::path file = WriteInput("WhatsApp Chat with Dan.txt", chat);
  Inert({"add", file.string()});

  auto as_json = Ev({"--json", "messages"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  json messages = json::parse(as_json.out);
  ASSERT_GE(messages.size(), 4u);
  // --json carries the exact text.
  EXPECT_EQ(messages.back()["sender"], "Dan\x1b[2Kiel");
  EXPECT_EQ(messages.back()["text"],
            "so \xe2\x80\xae"
            "evil\xc2\x9b"
            "31m\xe2\x80\xa8red");

  auto r = Inert({"messages"});
  // One line per message, whatever the messages hold.
  auto lines = Lines(r.out);
  EXPECT_EQ(lines.size(), messages.size()) << r.out;
  EXPECT_NE(r.out.find("Dan\\x1b[2Kiel: hi\\x1b[1A\\x1b[2K\\x07"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("see you\\x0aEX-0001#99"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("so \\u202eevil\\u009b31m\\u2028red"), std::string::npos) << r.out;

  Inert({"show", "EX-0001"});
  Inert({"log"});
  Inert({"list"});
  Inert({"report", "--format", "md"});
  Inert({"report", "--format", "html"});
}

// Regression: an e-mail without a From line was listed as "  : Hey!", a line that reads as if the
// text had been cut from its sender. The report said "(no sender named)"; `messages` now says so
// too.
TEST_F(TerminalOutput, RegressionMessageWithoutSenderWasListedWithAnEmptyName) {
  fs::path file = WriteInput("note.eml",
                             "Subject: hi\nDate: Mon, 2 Mar 2026 10:00:00 +0000\n"
                             "Message-ID: <a@example.org>\n\nHey!\n");
  Inert({"add", file.string()});
  auto r = Inert({"messages"});
  EXPECT_NE(r.out.find("  (no sender named): Hey!"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("  : Hey!"), std::string::npos) << r.out;
}

TEST_F(TerminalOutput, TerminalEscapesInFileNamesAreShownInert) {
  const std::string name = "evil\x1b[31m\nEX-0009  document  fake.txt";
  fs::path file = WriteInput(name, "some evidence");
  auto add = Inert({"add", file.string()});
  EXPECT_EQ(Lines(add.out).size(), 1u) << add.out;
  EXPECT_NE(add.out.find("evil\\x1b[31m\\x0aEX-0009"), std::string::npos) << add.out;

  auto list = Inert({"list"});
  EXPECT_EQ(Lines(list.out).size(), 2u) << list.out;  // the header and the one item
  auto show = Inert({"show", "EX-0001"});
  EXPECT_NE(show.out.find("name:       evil\\x1b[31m\\x0aEX-0009"), std::string::npos) << show.out;
  Inert({"log"});

  fs::path to = tmp().path() / "out";
  fs::create_directories(to);
  auto x = Inert({"extract", "EX-0001", "--to", to.string()});
  EXPECT_EQ(Lines(x.out).size(), 1u) << x.out;
  EXPECT_EQ(ReadFile(to / name), "some evidence");  // the file itself keeps its real name

  // An error that echoes the name: the same file again, now in the way.
  auto again = Ev({"extract", "EX-0001", "--to", to.string()});
  EXPECT_EQ(again.exit_code, 2);
  ExpectNoRaw("extract error", again);
  // The error on one line, then the hint (use --force).
  ASSERT_EQ(Lines(again.err).size(), 2u) << again.err;
  EXPECT_EQ(Lines(again.err)[1], "evidence: hint: use --force to replace it") << again.err;

  // A missing file whose name holds escapes.
  auto missing = Ev({"add", (tmp().path() / "gone\x1b]0;owned\x07.txt").string()});
  EXPECT_EQ(missing.exit_code, 2);
  ExpectNoRaw("add error", missing);
  EXPECT_NE(missing.err.find("gone\\x1b]0;owned\\x07.txt"), std::string::npos) << missing.err;
}

TEST_F(TerminalOutput, TerminalEscapesInZipMediaNamesAreShownInert) {
  const std::string media = "00000001-PHOTO\x1b[2J\nfake.jpg";
  std::string chat =
      "[20.06.19, 15:58:47] Messages to this group are now secured with end-to-end encryption.\r\n"
      "[20.06.19, 16:00:15] Loris: <attached: " +
      media + ">\r\n[20.06.19, 16:02:00] Emily: Stop it\r\n";
  fs::path zip = tmp().path() / "input" / "WhatsApp Chat - Loris.zip";
  fs::create_directories(zip.parent_path());
  WriteZip(zip, {{media, RandomBytes(7000, 1)}, {"_chat.txt", chat}});
  auto add = Inert({"add", zip.string()});
  Inert({"list"});
  for (const char* id : {"EX-0001", "EX-0002"}) Inert({"show", id});
  Inert({"messages"});
  Inert({"log"});
}

TEST_F(TerminalOutput, TerminalEscapesInExifValuesAreShownInert) {
  JpegOptions o;
  o.make = "Goo\x1b]0;owned\x07gle";
  o.model = "Pixel\x1b[8m 7";
  fs::path photo = tmp().path() / "input" / "photo.jpg";
  fs::create_directories(photo.parent_path());
  WriteJpegWithExif(photo, o);
  Inert({"add", photo.string()});
  auto show = Inert({"show", "EX-0001"});
  EXPECT_NE(show.out.find("Pixel\\x1b[8m 7"), std::string::npos) << show.out;
  Inert({"log"});
}

TEST_F(TerminalOutput, BidiOverridesAndC1ControlsInANoteAreShownInert) {
  fs::path file = WriteInput("a.txt", "x");
  Inert({"add", file.string(), "--note",
         "paid \xe2\x80\xae"
         "0001\xe2\x80\xac \xc2\x9b"
         "2J"});
  auto show = Inert({"show", "EX-0001"});
  EXPECT_NE(show.out.find("note:       paid \\u202e0001\\u202c \\u009b2J"), std::string::npos)
      << show.out;
  auto md = Inert({"report", "--format", "md"});
  Inert({"log"});
}

}  // namespace
}  // namespace evidence::testing
