// The HTML report: escaping of every user and evidence field (including SVG), no active or remote
// content, the header and integrity anchor, amendments in order, and print styling.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "evidence/report.hpp"
#include "report_fixture.hpp"
#include "report_internal.hpp"

namespace evidence {
namespace {

using testing::HostileCase;
using testing::RealisticCase;

// Every free-text field of HostileCase, by the tag Hostile() puts in front of it.
const std::vector<std::string> kHostileFields = {
    "case-name",    "case-uuid",     "owner",           "since",     "until",      "fingerprint",
    "incident-id",  "what",          "where",           "witness-1", "witness-2",  "linked-item",
    "amended-what", "amended-where", "amended-witness", "reason",    "exhibit",    "item-name",
    "kind",         "media-type",    "sender",          "export",    "event-item", "event-summary",
    "quote-sender", "quote-text",    "quote-time"};

std::string Html(const ReportData& d) { return testing::Rendered(d, ReportFormat::kHtml); }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Tokenises the report the way a browser would for the markup it emits: a doctype, tags with
// double-quoted attributes, raw text inside <style>, and text. Any '<' or '>' in text, any tag or
// attribute outside the allow-lists, or any attribute that could load or run something is a
// failure: it means evidence text escaped into markup.
void ExpectOnlySafeMarkup(const std::string& html) {
  static const std::set<std::string> kTags = {
      "html",    "head",    "meta",   "title",  "style", "body", "main",  "header",
      "section", "h1",      "h2",     "h3",     "h4",    "p",    "table", "thead",
      "tbody",   "tr",      "th",     "td",     "span",  "br",   "div",   "ul",
      "li",      "article", "strong", "footer", "svg",   "line", "rect",  "text"};
  static const std::set<std::string> kAttrs = {
      "lang",    "charset", "http-equiv", "content",    "name",   "class",       "style",
      "colspan", "viewbox", "role",       "aria-label", "x",      "y",           "x1",
      "x2",      "y1",      "y2",         "width",      "height", "text-anchor", "tabindex"};
  size_t i = 0;
  const std::string doctype = "<!DOCTYPE html>";
  ASSERT_EQ(html.compare(0, doctype.size(), doctype), 0);
  i = doctype.size();
  size_t tags = 0;
  while (i < html.size()) {
    size_t lt = html.find('<', i);
    std::string text = html.substr(i, (lt == std::string::npos ? html.size() : lt) - i);
    ASSERT_EQ(text.find('>'), std::string::npos) << "raw '>' in text: " << text;
    if (lt == std::string::npos) break;
    size_t p = lt + 1;
    bool closing = p < html.size() && html[p] == '/';
    if (closing) p++;
    size_t name_start = p;
    while (p < html.size() && (std::isalnum(static_cast<unsigned char>(html[p])))) p++;
    std::string name = Lower(html.substr(name_start, p - name_start));
    ASSERT_FALSE(name.empty()) << "raw '<' in text near: " << html.substr(lt, 60);
    ASSERT_TRUE(kTags.count(name)) << "unexpected element <" << name << ">";
    tags++;
    while (true) {
      while (p < html.size() && html[p] == ' ') p++;
      ASSERT_LT(p, html.size());
      if (html[p] == '>') {
        p++;
        break;
      }
      if (html.compare(p, 2, "/>") == 0) {
        p += 2;
        break;
      }
      ASSERT_FALSE(closing) << "attributes on a closing tag";
      size_t an = p;
      while (p < html.size() &&
             (std::isalnum(static_cast<unsigned char>(html[p])) || html[p] == '-')) {
        p++;
      }
      std::string attr = Lower(html.substr(an, p - an));
      ASSERT_TRUE(kAttrs.count(attr)) << "unexpected attribute " << attr << " on <" << name << ">";
      ASSERT_EQ(html[p], '=') << "attribute without a value: " << attr;
      ASSERT_EQ(html[p + 1], '"') << "unquoted attribute: " << attr;
      size_t close = html.find('"', p + 2);
      ASSERT_NE(close, std::string::npos);
      std::string value = Lower(html.substr(p + 2, close - p - 2));
      EXPECT_EQ(value.find('<'), std::string::npos) << attr << "=" << value;
      EXPECT_EQ(value.find("url("), std::string::npos) << attr << "=" << value;
      EXPECT_EQ(value.find("javascript:"), std::string::npos) << attr << "=" << value;
      p = close + 1;
    }
    if (name == "style" && !closing) {
      size_t end = html.find("</style>", p);
      ASSERT_NE(end, std::string::npos);
      std::string css = Lower(html.substr(p, end - p));
      EXPECT_EQ(css.find("url("), std::string::npos);
      EXPECT_EQ(css.find("@import"), std::string::npos);
      EXPECT_EQ(css.find("@font-face"), std::string::npos);
      p = end;
    }
    i = p;
  }
  EXPECT_GT(tags, 100u);
}

TEST(HtmlReport, HostileTextNeverBecomesMarkup) {
  std::string html = Html(HostileCase());
  ExpectOnlySafeMarkup(html);
  EXPECT_EQ(Lower(html).find("<script"), std::string::npos);
  EXPECT_EQ(Lower(html).find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  // Quotes and ampersands, including text that already looks like a reference.
  EXPECT_NE(html.find("&quot;double&quot; &amp; &#39;single&#39; &amp;amp; &amp;lt;b&amp;gt;"),
            std::string::npos);
}

TEST(HtmlReport, EveryFieldIsEscapedWhole) {
  std::string html = Html(HostileCase());
  for (const auto& field : kHostileFields) {
    std::string escaped = report_internal::HtmlEscape(testing::Hostile(field));
    EXPECT_NE(html.find(escaped), std::string::npos) << "field " << field;
  }
}

TEST(HtmlReport, NothingActiveOrRemoteOutsideEscapedText) {
  std::string html = Html(HostileCase());
  // Remove the escaped evidence text; what is left is the report's own markup, which must not
  // refer to anything outside the file or run anything.
  std::string rest = html;
  for (const auto& field : kHostileFields) {
    std::string escaped = report_internal::HtmlEscape(testing::Hostile(field));
    for (size_t at; (at = rest.find(escaped)) != std::string::npos;) rest.erase(at, escaped.size());
  }
  std::string lower = Lower(rest);
  for (const char* bad : {"http://", "https://", "onerror", "onload", "onclick",
                          "javascript:", "src=", "href=", "url(", "@import", "<link", "<iframe",
                          "<object", "<embed", "<script", "<img", "<a ", "xlink"}) {
    EXPECT_EQ(lower.find(bad), std::string::npos) << bad;
  }
  // The escaped text still carries the links, as text.
  EXPECT_NE(html.find("see https://evil.example/x.png"), std::string::npos);
}

TEST(HtmlReport, SvgTextIsEscaped) {
  std::string html = Html(HostileCase());
  std::string svg;
  for (size_t at = 0; (at = html.find("<svg ", at)) != std::string::npos;) {
    size_t end = html.find("</svg>", at);
    ASSERT_NE(end, std::string::npos);
    svg += html.substr(at, end - at);
    at = end;
  }
  // The sender chart labels a bar with the hostile sender's name, shortened and escaped.
  EXPECT_NE(svg.find(">{sender} &lt;script&gt;alert(1)"), std::string::npos) << svg;
  EXPECT_EQ(Lower(svg).find("<script"), std::string::npos);
  ExpectOnlySafeMarkup("<!DOCTYPE html>" + svg);
}

TEST(HtmlReport, SecurityPolicyAndPrintStyles) {
  std::string html = Html(RealisticCase());
  EXPECT_NE(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                      "'none'; style-src 'unsafe-inline'; img-src data:\">"),
            std::string::npos);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("@page { size: A4;"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("thead { display: table-header-group; }"), std::string::npos);
  ExpectOnlySafeMarkup(html);
  // Inline SVG charts: weeks, behaviours, messages per day and per sender.
  size_t svgs = 0;
  for (size_t at = 0; (at = html.find("<svg ", at)) != std::string::npos; ++at) svgs++;
  EXPECT_EQ(svgs, 4u);
}

// A phone shows the report 320 px wide: a table of several columns scrolls inside a region the
// keyboard can focus (and a screen reader can name) rather than pushing the page sideways.
TEST(HtmlReport, WideTablesScrollInsideALabelledRegion) {
  std::string html = Html(RealisticCase());
  const std::string region = "tabindex=\"0\">\n<table";
  size_t wide = 0;
  for (size_t at = 0; (at = html.find("<table", at)) != std::string::npos; ++at) {
    if (html.compare(at, 20, "<table class=\"meta\">") == 0 ||
        html.compare(at, 22, "<table class=\"fields\">") == 0) {
      continue;
    }
    wide++;
    ASSERT_GE(at + 6, region.size());
    EXPECT_EQ(html.compare(at + 6 - region.size(), region.size(), region), 0)
        << html.substr(at >= 120 ? at - 120 : 0, 200);
    size_t open = html.rfind("<div class=\"scroll\" role=\"region\" aria-label=\"", at);
    ASSERT_NE(open, std::string::npos);
    EXPECT_EQ(html.compare(html.find("</table>", at), 15, "</table>\n</div>"), 0);
  }
  EXPECT_GE(wide, 3u) << "the timeline, the messages and the exhibits";
  EXPECT_NE(html.find("@media (max-width: 36em)"), std::string::npos);
}

TEST(HtmlReport, HeaderCarriesCaseWindowAndIntegrityAnchor) {
  ReportData d = RealisticCase();
  d.since = "2026-03-01";
  d.until = "2026-03-31 23:59";
  std::string html = Html(d);
  EXPECT_NE(html.find("<h1>Harassment by former partner</h1>"), std::string::npos);
  EXPECT_NE(html.find(d.case_uuid), std::string::npos);
  EXPECT_NE(html.find("Sam Taylor"), std::string::npos);
  EXPECT_NE(html.find("2026-04-02 09:15"), std::string::npos);
  EXPECT_NE(html.find("From 2026-03-01 to 2026-03-31 23:59"), std::string::npos);
  EXPECT_NE(html.find("137 entries"), std::string::npos);
  EXPECT_NE(html.find(d.checkpoint_root), std::string::npos);
  EXPECT_NE(html.find(d.key_fingerprint), std::string::npos);
  EXPECT_NE(html.find(report_internal::HtmlEscape(report_internal::VerifySentence())),
            std::string::npos);
  EXPECT_NE(Html(RealisticCase()).find("The whole case"), std::string::npos);
}

TEST(HtmlReport, SummaryIsFactual) {
  std::string html = Html(RealisticCase());
  EXPECT_NE(html.find("10 incidents are recorded between 2026-02-27 and 2026-04-01, on 10 "
                      "separate days."),
            std::string::npos);
  EXPECT_NE(html.find("Incidents fall in 4 of the 6 calendar weeks from 2026-W09 to 2026-W14."),
            std::string::npos);
  EXPECT_NE(html.find("Behaviours recorded: following (2), phone-call (2), threat (2), "
                      "watching (2), approach (1)"),
            std::string::npos);
  EXPECT_NE(html.find("It draws no conclusions."), std::string::npos);
  // The empty weeks are in the chart, labelled.
  EXPECT_NE(html.find(">2026-W12</text>"), std::string::npos);
  EXPECT_NE(html.find(">2026-W13</text>"), std::string::npos);
}

TEST(HtmlReport, AmendedIncidentShowsEveryVersionInOrder) {
  std::string html = Html(RealisticCase());
  size_t original = html.find("Original account &#183; recorded 2026-03-05 21:00");
  size_t first_text = html.find("Followed me from the bus stop to the supermarket.</div>");
  size_t amendment = html.find("Amendment 1 (current) &#183; recorded 2026-03-06 08:02:11");
  size_t reason = html.find("Remembered the wait at the exit; the guard gave his name.");
  size_t second_text = html.find("waited by the exit.\nLeft when the security guard came out.");
  ASSERT_NE(original, std::string::npos);
  ASSERT_NE(first_text, std::string::npos);
  ASSERT_NE(amendment, std::string::npos);
  ASSERT_NE(reason, std::string::npos);
  ASSERT_NE(second_text, std::string::npos);
  EXPECT_LT(original, first_text);
  EXPECT_LT(first_text, amendment);
  EXPECT_LT(amendment, reason);
  EXPECT_LT(reason, second_text);
  EXPECT_NE(html.find("ledger entry 27"), std::string::npos);
  EXPECT_NE(html.find("ledger entry 31"), std::string::npos);
  EXPECT_NE(html.find("Amended 1 time."), std::string::npos);
}

TEST(HtmlReport, ExhibitsListKindCaptureSizeAndHash) {
  std::string html = Html(RealisticCase());
  EXPECT_NE(html.find("<strong>EX-0004</strong>"), std::string::npos);
  EXPECT_NE(html.find("WhatsApp Chat with Alex.zip"), std::string::npos);
  EXPECT_NE(html.find("5,502,231"), std::string::npos);
  EXPECT_NE(html.find(std::string(64, 'd')), std::string::npos);
  EXPECT_NE(html.find("2026-03-09 07:58:12 <span class=\"muted\">+00:00</span>"),
            std::string::npos);
}

TEST(HtmlReport, EmptyCaseSaysSo) {
  std::string html = Html(testing::EmptyCase());
  ExpectOnlySafeMarkup(html);
  EXPECT_NE(html.find("No incidents are recorded in the period covered."), std::string::npos);
  EXPECT_NE(html.find("No exhibits in the period covered."), std::string::npos);
  EXPECT_NE(html.find("From 2025-01-01 to 2025-01-31"), std::string::npos);
}

TEST(HtmlEscape, ReplacesBrokenUtf8AndDropsControls) {
  using report_internal::HtmlEscape;
  EXPECT_EQ(HtmlEscape("a\xff"
                       "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(HtmlEscape(std::string("a\0b\x1b[31mc\x7f", 10)), "ab[31mc");
  EXPECT_EQ(HtmlEscape("line\nnext\ttab"), "line\nnext\ttab");
  EXPECT_EQ(HtmlEscape("<>&\"'"), "&lt;&gt;&amp;&quot;&#39;");
  EXPECT_EQ(HtmlEscape("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(HtmlReport, LongAccountIsCutInTheTimelineOnlyAtACharacterBoundary) {
  ReportData d = RealisticCase();
  std::string what;
  for (int i = 0; i < 150; ++i) what += "\xC3\xA9";  // 300 bytes of 'é'
  d.incidents[0].what = what;
  d.incidents[0].versions[0].what = what;
  std::string html = Html(d);
  EXPECT_NE(html.find("&#8230; <span class=\"muted\">(in full under INC-0001)</span>"),
            std::string::npos);
  EXPECT_NE(html.find(what), std::string::npos);  // the full account under the incident
  std::string cut;
  for (int i = 0; i < 110; ++i) cut += "\xC3\xA9";
  EXPECT_NE(html.find("<br>" + cut + "&#8230;"), std::string::npos);
}

}  // namespace
}  // namespace evidence
