// Messages of a chat linked to a diary entry, through the real binary: `link --messages`, what
// `incident show`, the report and a bundle then say, and what is refused.
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

class LinkedMessages : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    // A WhatsApp "Export chat" .txt: the 14th shows that the day comes first.
    auto add = Ev({"add", WriteInput("WhatsApp Chat with Daniel.txt",
                                     "14/03/2026, 18:20 - Daniel Marsh: Why are you ignoring me?\n"
                                     "14/03/2026, 18:21 - Daniel Marsh: <script>alert(1)</script>\n"
                                     "14/03/2026, 18:22 - Daniel Marsh: I can see you \x1b[2J\n"
                                     "14/03/2026, 18:40 - Sam: Please stop.\n")
                              .string()});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    auto inc = Ev({"incident", "add", "--at", "2026-03-14T18:30:00+00:00", "--behaviour",
                   "messaging-app", "--what", "Messages all evening"});
    ASSERT_EQ(inc.exit_code, 0) << inc.err;
  }

  std::string Line(const std::string& text, const std::string& start) {
    auto at = text.find(start);
    if (at == std::string::npos) return "";
    return text.substr(at, text.find('\n', at) - at);
  }
};

TEST_F(LinkedMessages, LinkThenIncidentShowQuotesEachMessageInert) {
  auto link = Ev({"link", "INC-0001", "ex-0001", "--messages", "2,0"});
  ASSERT_EQ(link.exit_code, 0) << link.err;
  EXPECT_EQ(link.out, "INC-0001: EX-0001 messages 0,2\n");
  // A range adds what is not linked yet.
  auto range = Ev({"link", "INC-0001", "EX-0001", "--messages", "1-3"});
  ASSERT_EQ(range.exit_code, 0) << range.err;
  EXPECT_EQ(range.out, "INC-0001: EX-0001 messages 0,1,2,3\n");

  auto show = Ev({"incident", "show", "INC-0001"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(Line(show.out, "evidence:"), "evidence:   EX-0001");
  EXPECT_EQ(Line(show.out, "messages:"),
            "messages:   EX-0001#0  2026-03-14T18:20:00  Daniel Marsh: Why are you "
            "ignoring me?");
  EXPECT_NE(show.out.find("            EX-0001#2  2026-03-14T18:22:00  Daniel Marsh: I "
                          "can see you \\x1b[2J\n"),
            std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("EX-0001#1  2026-03-14T18:21:00  Daniel Marsh: "
                          "<script>alert(1)</script>\n"),
            std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("EX-0001#3  2026-03-14T18:40:00  Sam: Please stop.\n"), std::string::npos)
      << show.out;
  EXPECT_EQ(show.out.find('\x1b'), std::string::npos) << "a chat line reached the terminal";

  auto j = json::parse(Ev({"--json", "incident", "show", "INC-0001"}).out);
  ASSERT_EQ(j["messages"].size(), 4u);
  EXPECT_EQ(j["messages"][0], json({{"item", "EX-0001"},
                                    {"index", 0},
                                    {"time", "2026-03-14T18:20:00"},
                                    {"sender", "Daniel Marsh"},
                                    {"text", "Why are you ignoring me?"}}));
  EXPECT_EQ(j["messages"][3]["text"], "Please stop.");
  EXPECT_EQ(json::parse(Ev({"--json", "link", "INC-0001", "EX-0001", "--messages", "0"}).out), j)
      << "link --json is incident show --json";
  auto listed = json::parse(Ev({"--json", "incident", "list"}).out);
  EXPECT_EQ(listed[0]["messages"][1], json({{"item", "EX-0001"}, {"index", 2}}));
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

TEST_F(LinkedMessages, WhatCannotBeLinkedIsRefusedInOneLineAndRecordsNothing) {
  ASSERT_EQ(Ev({"add", WriteInput("note.txt", "a note, not a chat").string()}).exit_code, 0);
  const std::string before = Snapshot();
  const std::vector<std::pair<std::vector<std::string>, std::string>> refused = {
      {{"EX-0001", "--messages", "4"}, "--messages: EX-0001 has no message 4 (it holds 4)"},
      {{"EX-0001", "--messages", "0,5-9"}, "--messages: EX-0001 has no message 5 (it holds 4)"},
      {{"EX-0001", "--messages", "one"}, "--messages: \"one\" is not a message number or range"},
      {{"EX-0001", "--messages", "3-1"}, "--messages: \"3-1\" ends before it starts"},
      {{"EX-0001", "--messages", "0-99999999"}, "--messages: more than 100000 messages at once"},
      {{"EX-0001", "EX-0002", "--messages", "0"}, "--messages: give exactly one exhibit"},
      {{"EX-0002", "--messages", "0"}, "--messages: EX-0002 holds no messages"},
      {{"EX-0009", "--messages", "0"}, "no item EX-0009"},
  };
  for (const auto& [args, message] : refused) {
    std::vector<std::string> argv = {"link", "INC-0001"};
    argv.insert(argv.end(), args.begin(), args.end());
    SCOPED_TRACE(argv[2] + " " + argv.back());
    auto r = Ev(argv);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("evidence: error: " + message, 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(Snapshot(), before);
  auto show = Ev({"incident", "show", "INC-0001"});
  EXPECT_EQ(show.out.find("messages:"), std::string::npos) << show.out;
}

TEST_F(LinkedMessages, ReportQuotesThemUnderTheIncidentInEveryFormat) {
  ASSERT_EQ(Ev({"link", "INC-0001", "EX-0001", "--messages", "0,1"}).exit_code, 0);
  auto html = Ev({"report", "--format", "html"});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  auto article = html.out.find("<article class=\"incident\">");
  ASSERT_NE(article, std::string::npos);
  auto quotes = html.out.find("<h4>Linked messages (2)</h4>", article);
  ASSERT_NE(quotes, std::string::npos) << html.out;
  EXPECT_LT(quotes, html.out.find("</article>", article));
  EXPECT_NE(html.out.find("Why are you ignoring me?", quotes), std::string::npos);
  EXPECT_NE(html.out.find("&lt;script&gt;alert(1)&lt;/script&gt;", quotes), std::string::npos);
  EXPECT_EQ(html.out.find("<script>"), std::string::npos) << "a chat line became markup";

  auto md = Ev({"report", "--format", "md"});
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("| EX-0001 | 0 | 2026-03-14 18:20 | Daniel Marsh | Why are you ignoring "
                        "me? |"),
            std::string::npos)
      << md.out;

  auto j = json::parse(Ev({"report", "--format", "json"}).out);
  ASSERT_EQ(j["incidents"][0]["messages"].size(), 2u);
  EXPECT_EQ(j["incidents"][0]["messages"][1], json({{"item", "EX-0001"},
                                                    {"index", 1},
                                                    {"time", "2026-03-14T18:21:00"},
                                                    {"sender", "Daniel Marsh"},
                                                    {"text", "<script>alert(1)</script>"}}));
}

TEST_F(LinkedMessages, BundleListsThemAndVerifies) {
  ASSERT_EQ(Ev({"link", "INC-0001", "EX-0001", "--messages", "1,3"}).exit_code, 0);
  const fs::path out = tmp().path() / "handover.zip";
  auto e = Ev({"export", "--out", out.string(), "--incident", "INC-0001"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  auto v = RunEvidence({"verify-bundle", out.string(), "--verbose"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("ok    incident  INC-0001"), std::string::npos) << v.out;

  const fs::path dir = tmp().path() / "unpacked";
  fs::create_directories(dir);
  ASSERT_EQ(RunProgram({"bsdtar", "-xf", out.string(), "-C", dir.string()}).exit_code, 0);
  auto incidents = json::parse(ReadFile(dir / "handover" / "evidence" / "incidents.json"));
  EXPECT_EQ(incidents[0]["messages"],
            json::parse(R"([{"item":"EX-0001","index":1},{"item":"EX-0001","index":3}])"));
  std::string report = ReadFile(dir / "handover" / "evidence" / "report.html");
  EXPECT_NE(report.find("<h4>Linked messages (2)</h4>"), std::string::npos);
  EXPECT_NE(report.find("Please stop."), std::string::npos);
}

}  // namespace
}  // namespace evidence::testing
