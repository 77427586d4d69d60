// The Markdown report: tables that user text cannot break, markup in user text shown as text,
// and the same facts as the HTML.
#include <gtest/gtest.h>

#include <sstream>

#include "evidence/report.hpp"
#include "report_fixture.hpp"
#include "report_internal.hpp"

namespace evidence {
namespace {

using report_internal::MarkdownCell;
using report_internal::MarkdownText;
using testing::HostileCase;
using testing::RealisticCase;

std::string Markdown(const ReportData& d) { return testing::Rendered(d, ReportFormat::kMarkdown); }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Count of `c` not preceded by an escaping backslash (a backslash escapes the next character,
// whatever it is, as in CommonMark).
size_t Unescaped(const std::string& s, char c) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == c) n++;
  }
  return n;
}

TEST(MarkdownEscape, CellsCannotEndARowOrStartMarkup) {
  EXPECT_EQ(MarkdownCell("a|b"), "a\\|b");
  EXPECT_EQ(MarkdownCell("back\\slash|"), "back\\\\slash\\|");
  EXPECT_EQ(MarkdownCell("<script>alert(1)</script>"), "\\<script\\>alert(1)\\</script\\>");
  EXPECT_EQ(MarkdownCell("[x](http://e/a.png)"), "\\[x\\](http://e/a.png)");
  EXPECT_EQ(MarkdownCell("*b* _i_ `c` ~s~ $m$ &amp;"),
            "\\*b\\* \\_i\\_ \\`c\\` \\~s\\~ \\$m\\$ \\&amp;");
  EXPECT_EQ(MarkdownCell("two\nlines\r\nand\ttab"), "two lines  and tab");
}

TEST(MarkdownEscape, TextKeepsLinesButNoBlockMarkup) {
  EXPECT_EQ(MarkdownText("# h\n- l\n+ p\n12. n\n3) m\n> q\n    code\n===\nplain"),
            "\\# h  \n\\- l  \n\\+ p  \n12\\. n  \n3\\) m  \n\\> q  \ncode  \n\\===  \nplain");
}

TEST(MarkdownReport, HostileTextIsEscapedEverywhere) {
  std::string md = Markdown(HostileCase());
  EXPECT_NE(md.find("\\<script\\>alert(1)\\</script\\>"), std::string::npos);
  EXPECT_NE(md.find("\\<img src=x onerror=alert(1)\\>"), std::string::npos);
  EXPECT_NE(md.find("\\[x\\](http://evil.example/a.png)"), std::string::npos);
  EXPECT_NE(md.find("a\\|b\\|\\|c \\\\\\| d"), std::string::npos);
  EXPECT_NE(md.find("\\&amp; \\&lt;b\\&gt;"), std::string::npos);
  // No raw HTML, links or images can start anywhere.
  EXPECT_EQ(Unescaped(md, '<'), 0u);
  EXPECT_EQ(Unescaped(md, '['), 0u);
  // Code spans are the report's own (root hash and one per exhibit), never the user's.
  EXPECT_EQ(Unescaped(md, '`'), 2u * (1 + HostileCase().items.size()));
  for (const auto& field :
       {"case-name", "owner", "what", "where", "witness-1", "reason", "item-name", "sender",
        "event-summary", "incident-id", "quote-sender", "quote-text", "quote-time"}) {
    EXPECT_NE(md.find(MarkdownCell(testing::Hostile(field))), std::string::npos) << field;
  }
}

TEST(MarkdownReport, TableRowsKeepTheirColumns) {
  for (const auto& d : {RealisticCase(), HostileCase()}) {
    auto lines = Lines(Markdown(d));
    size_t columns = 0;
    for (const auto& line : lines) {
      if (line.empty() || line[0] != '|') {
        columns = 0;  // the table ended
        continue;
      }
      size_t pipes = Unescaped(line, '|');
      if (columns == 0) columns = pipes;  // header row
      EXPECT_EQ(pipes, columns) << line;
      EXPECT_EQ(line.back(), '|') << line;
    }
  }
}

TEST(MarkdownReport, OnlyTheReportMakesHeadingsListsAndQuotes) {
  std::string md = Markdown(HostileCase());
  for (const auto& line : Lines(md)) {
    if (line.rfind("#", 0) == 0) {
      EXPECT_TRUE(line.rfind("# Incident timeline and pattern report: ", 0) == 0 ||
                  line.rfind("## ", 0) == 0 || line.rfind("### ", 0) == 0 ||
                  line.rfind("#### ", 0) == 0)
          << line;
      EXPECT_EQ(line.find("Not a heading"), std::string::npos) << line;
    }
    if (line.rfind("- ", 0) == 0) {
      EXPECT_EQ(line.find("not a list"), std::string::npos) << line;
    }
    EXPECT_NE(line.rfind("1. ", 0), 0u) << line;
  }
  // The user's lines are quoted, their markers escaped.
  EXPECT_NE(md.find("> \\# Not a heading  \n> \\- not a list  \n> 1\\. not numbered  \n"
                    "> \\> not a quote  \n> not code  \n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("!\\[img\\](x.png)"), std::string::npos);
}

TEST(MarkdownReport, SameFactsAsTheHtml) {
  std::string md = Markdown(RealisticCase());
  EXPECT_NE(md.find("# Incident timeline and pattern report: Harassment by former partner\n"),
            std::string::npos);
  EXPECT_NE(md.find("| Ledger size | 137 entries |"), std::string::npos);
  EXPECT_NE(md.find("| Checkpoint root hash | `3f2a9c0d"), std::string::npos);
  EXPECT_NE(md.find("| Period covered | the whole case |"), std::string::npos);
  EXPECT_NE(md.find("- 10 incidents are recorded between 2026-02-27 and 2026-04-01, on 10 "
                    "separate days."),
            std::string::npos);
  EXPECT_NE(md.find("| 2026-W12 | 0 |  |"), std::string::npos);
  EXPECT_NE(md.find("| 2026-W11 | 4 | \u2588\u2588\u2588\u2588 |"), std::string::npos);
  EXPECT_NE(md.find("| following | 2 |"), std::string::npos);
  EXPECT_NE(md.find("| Alex | 30 |"), std::string::npos);
  EXPECT_NE(md.find("| EX-0004 | WhatsApp Chat with Alex.zip | message-export (application/zip) "
                    "| *not known* | 2026-03-12 07:45:10 UTC | 5,502,231 | `dddd"),
            std::string::npos);
  size_t original = md.find("#### Original account · recorded 2026-03-05 21:00 UTC");
  size_t amendment = md.find("#### Amendment 1 (current) · recorded 2026-03-06 08:02:11 UTC");
  ASSERT_NE(original, std::string::npos);
  ASSERT_NE(amendment, std::string::npos);
  EXPECT_LT(original, amendment);
  EXPECT_NE(md.find("| Reason given | Remembered the wait at the exit; the guard gave his "
                    "name. |"),
            std::string::npos);
  EXPECT_NE(md.find("> Followed me from the bus stop to the supermarket and waited by the exit."
                    "  \n> Left when the security guard came out.\n"),
            std::string::npos);
}

}  // namespace
}  // namespace evidence
