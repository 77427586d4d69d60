// Calls in the pattern report: per day and number with the missed ones apart, in every format,
// escaped like every other piece of evidence text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "evidence/report.hpp"
#include "report_fixture.hpp"

namespace evidence {
namespace {

using testing::Hostile;
using testing::RealisticCase;

ReportData WithCalls() {
  ReportData d = RealisticCase();
  d.call_counts = {
      {"2026-03-02", "+15550000001", "Alex", "EX-0005", 43, 38},
      {"2026-03-02", "(withheld)", "", "EX-0005", 2, 2},
      {"2026-03-03", "+15550000001", "Alex", "EX-0005", 1, 0},
  };
  return d;
}

TEST(CallsReport, SummaryCountsCallsAndMissedPerDayAndNumber) {
  const ReportSummary s = Summarize(WithCalls());
  EXPECT_EQ(s.calls, 46u);
  EXPECT_EQ(s.missed_calls, 40u);
  ASSERT_EQ(s.calls_by_day.size(), 2u);
  EXPECT_EQ(s.calls_by_day[0].key, "2026-03-02");
  EXPECT_EQ(s.calls_by_day[0].calls, 45u);
  EXPECT_EQ(s.calls_by_day[0].missed, 40u);
  ASSERT_EQ(s.calls_by_number.size(), 2u);
  EXPECT_EQ(s.calls_by_number[0].key, "+15550000001");
  EXPECT_EQ(s.calls_by_number[0].calls, 44u);
}

TEST(CallsReport, EveryFormatSaysHowManyCallsOnADayWereMissed) {
  const ReportData d = WithCalls();
  const std::string sentence = "43 calls on 2 March 2026 with +15550000001";
  const std::string html = testing::Rendered(d, ReportFormat::kHtml);
  EXPECT_NE(html.find("<h2>Calls</h2>"), std::string::npos);
  EXPECT_NE(html.find(sentence + " (Alex), 38 of them missed"), std::string::npos);
  EXPECT_NE(html.find("2 calls on 2 March 2026 with (withheld), all of them missed"),
            std::string::npos);
  const std::string md = testing::Rendered(d, ReportFormat::kMarkdown);
  EXPECT_NE(md.find("## Calls"), std::string::npos);
  EXPECT_NE(md.find("38 of them missed"), std::string::npos);
  EXPECT_NE(md.find("| 2026-03-02 | +15550000001 | Alex | EX-0005 | 43 | 38 |"), std::string::npos)
      << md;
  const auto j = nlohmann::json::parse(testing::Rendered(d, ReportFormat::kJson));
  EXPECT_EQ(j["summary"]["calls"], 46);
  EXPECT_EQ(j["summary"]["missed_calls"], 40);
  ASSERT_EQ(j["call_counts"].size(), 3u);
  // By date, then number: "(withheld)" sorts before "+1...".
  EXPECT_EQ(j["call_counts"][1]["number"], "+15550000001");
  EXPECT_EQ(j["call_counts"][1]["contact"], "Alex");
  EXPECT_EQ(j["call_counts"][1]["calls"], 43);
  EXPECT_EQ(j["call_counts"][1]["missed"], 38);
}

TEST(CallsReport, NoCallLogNoCallsSection) {
  const ReportData d = RealisticCase();
  EXPECT_EQ(testing::Rendered(d, ReportFormat::kHtml).find("<h2>Calls</h2>"), std::string::npos);
  EXPECT_EQ(testing::Rendered(d, ReportFormat::kMarkdown).find("## Calls"), std::string::npos);
  const auto j = nlohmann::json::parse(testing::Rendered(d, ReportFormat::kJson));
  EXPECT_TRUE(j["call_counts"].empty());
  EXPECT_EQ(j["summary"]["calls"], 0);
}

TEST(CallsReport, HostileNumbersAndContactsStayText) {
  ReportData d = RealisticCase();
  d.call_counts = {{"2026-03-02", Hostile("number"), Hostile("contact"), "EX-0005", 3, 1}};
  const std::string html = testing::Rendered(d, ReportFormat::kHtml);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  const std::string md = testing::Rendered(d, ReportFormat::kMarkdown);
  EXPECT_EQ(md.find("<script>"), std::string::npos);
}

TEST(CallsReport, ACallCountWithoutADateIsRefused) {
  ReportData d = RealisticCase();
  d.call_counts = {{"March 2", "+15550000001", "", "EX-0005", 1, 0}};
  auto r = RenderReport(d, ReportFormat::kJson);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("call count of EX-0005"), std::string::npos);
}

}  // namespace
}  // namespace evidence
