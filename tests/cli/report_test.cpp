// `evidence report` on a generated case: formats, window, errors, and the demo's HTML in Chromium.
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "fixtures.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

class Report : public CliTest {
 protected:
  void SetUp() override {
    InitCase();
    fs::path in = tmp().path() / "input";
    fs::create_directories(in);
    WriteJpegWithExif(in / "gift.jpg");
    WriteWhatsAppExport(in / "chat.txt");
    auto add = Ev({"add", "-r", in.string()});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    auto inc = Ev({"incident", "add", "--at", "2026-03-01 07:50", "--behaviour", "gift", "--what",
                   "<script>alert(1)</script> left a box", "--item", "EX-0002"});
    ASSERT_EQ(inc.exit_code, 0) << inc.err;
    ASSERT_EQ(Ev({"incident", "add", "--at", "2026-03-09 18:00", "--behaviour",
                  "following,watching", "--what", "Followed me home"})
                  .exit_code,
              0);
  }
};

TEST_F(Report, JsonCountsTheCase) {
  auto r = Ev({"report", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  auto schema =
      RunProgram({"/usr/bin/python3", "-c",
                  "import json,sys,jsonschema;"
                  "jsonschema.validate(json.loads(sys.stdin.read()), json.load(open(sys.argv[1])),"
                  "cls=jsonschema.Draft202012Validator)",
                  std::string(EVIDENCE_SOURCE_DIR) + "/schemas/report.schema.json"},
                 r.out);
  EXPECT_EQ(schema.exit_code, 0) << schema.err;
  EXPECT_NE(r.out.find("INC-0001"), std::string::npos);
  EXPECT_NE(r.out.find("INC-0002"), std::string::npos);
  EXPECT_NE(r.out.find("Daniel Marsh"), std::string::npos) << "message senders counted";
}

TEST_F(Report, WindowLeavesOutWhatHappenedOutsideIt) {
  auto r = Ev({"report", "--format", "md", "--since", "2026-03-05"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("INC-0002"), std::string::npos);
  EXPECT_EQ(r.out.find("INC-0001"), std::string::npos);
}

TEST_F(Report, HtmlToFileEscapesAndNeverOverwrites) {
  fs::path out = tmp().path() / "report.html";
  auto r = Ev({"report", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string html = ReadFile(out);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  auto again = Ev({"report", "--out", out.string()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos);
  auto bad = Ev({"report", "--format", "pdf"});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST_F(Report, MessagesAreParsedAtIngest) {
  // Files are added in name order: chat.txt is EX-0001, gift.jpg EX-0002.
  auto msgs = json::parse(Ev({"--json", "messages", "EX-0001"}).out);
  ASSERT_FALSE(msgs.empty());
  auto from = json::parse(Ev({"--json", "messages", "--from", "daniel"}).out);
  ASSERT_FALSE(from.empty());
  for (const auto& m : from) EXPECT_EQ(m["sender"], "Daniel Marsh");
  auto show = json::parse(Ev({"--json", "show", "EX-0002"}).out);
  EXPECT_EQ(show["kind"], "photo");
  EXPECT_TRUE(show["captured"].is_string());
}

}  // namespace
}  // namespace evidence::testing
