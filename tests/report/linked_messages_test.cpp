// Messages linked to an incident, quoted under it in every format: where they are, when, who
// sent them and what they say, escaped like every other evidence text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "evidence/report.hpp"
#include "report_fixture.hpp"

namespace evidence {
namespace {

using nlohmann::json;
using testing::RealisticCase;

// The part of `text` from `start` to the next `end` after it.
std::string Between(const std::string& text, const std::string& start, const std::string& end) {
  auto a = text.find(start);
  if (a == std::string::npos) return "";
  return text.substr(a, text.find(end, a) - a);
}

ReportData WithScriptInAMessage() {
  ReportData d = RealisticCase();
  d.quoted_messages["INC-0005"][1].text = "<script>alert(1)</script>";
  LinkedMessageQuote missing;
  missing.item = "EX-0004";
  missing.index = 999;
  d.quoted_messages["INC-0005"].push_back(missing);
  return d;
}

TEST(LinkedMessagesReport, HtmlQuotesThemInsideTheirIncidentEscaped) {
  std::string html = testing::Rendered(WithScriptInAMessage(), ReportFormat::kHtml);
  std::string incident = Between(html, "<article class=\"incident\">\n<h3>INC-0005", "</article>");
  ASSERT_FALSE(incident.empty()) << html;
  EXPECT_NE(incident.find("<h4>Linked messages (3)</h4>"), std::string::npos) << incident;
  EXPECT_NE(incident.find("EX-0004 message 130 &#183; 2026-03-11 22:31 &#183; Alex</p>"
                          "<div class=\"what\">Why are you ignoring me?</div>"),
            std::string::npos)
      << incident;
  EXPECT_NE(incident.find("<div class=\"what\">&lt;script&gt;alert(1)&lt;/script&gt;</div>"),
            std::string::npos)
      << incident;
  EXPECT_NE(incident.find("EX-0004 message 999 &#183; <span class=\"warning\">not in the case"),
            std::string::npos)
      << incident;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // Only the incident that links messages quotes any.
  EXPECT_EQ(Between(html, "<h3>INC-0004", "</article>").find("Linked messages"), std::string::npos);
}

TEST(LinkedMessagesReport, MarkdownQuotesThemInATableUnderTheirIncident) {
  std::string md = testing::Rendered(WithScriptInAMessage(), ReportFormat::kMarkdown);
  std::string incident = Between(md, "### INC-0005", "### INC-0006");
  ASSERT_FALSE(incident.empty()) << md;
  EXPECT_NE(incident.find("**Linked messages (3)**\n\n| Export | Message | Time | Sender | Text |"),
            std::string::npos)
      << incident;
  EXPECT_NE(incident.find("| EX-0004 | 130 | 2026-03-11 22:31 | Alex | Why are you ignoring me? |"),
            std::string::npos)
      << incident;
  EXPECT_NE(incident.find("| EX-0004 | 141 | 2026-03-11 23:29 | Alex | "
                          "\\<script\\>alert(1)\\</script\\> |"),
            std::string::npos)
      << incident;
  EXPECT_NE(incident.find("| EX-0004 | 999 | *not in the case"), std::string::npos) << incident;
}

TEST(LinkedMessagesReport, JsonQuotesThemInTheIncident) {
  json j = json::parse(testing::Rendered(WithScriptInAMessage(), ReportFormat::kJson));
  const json& inc = j["incidents"][4];
  ASSERT_EQ(inc["id"], "INC-0005");
  ASSERT_EQ(inc["messages"].size(), 3u);
  EXPECT_EQ(inc["messages"][0], json({{"item", "EX-0004"},
                                      {"index", 130},
                                      {"time", "2026-03-11T22:31:00"},
                                      {"sender", "Alex"},
                                      {"text", "Why are you ignoring me?"}}));
  EXPECT_EQ(inc["messages"][1]["text"], "<script>alert(1)</script>");
  EXPECT_EQ(inc["messages"][2], json({{"item", "EX-0004"}, {"index", 999}}))
      << "a message the case does not hold is named, not quoted";
  EXPECT_EQ(j["incidents"][0]["messages"], json::array());
}

}  // namespace
}  // namespace evidence
