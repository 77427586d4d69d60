// Summarize, the calendar under it (ISO weeks at year ends), the time grammar, and the input
// checks RenderReport makes before it renders anything.
#include <gtest/gtest.h>

#include "evidence/report.hpp"
#include "report_fixture.hpp"
#include "report_internal.hpp"

namespace evidence {
namespace {

namespace ri = report_internal;
using Counts = std::vector<std::pair<std::string, std::uint64_t>>;
using testing::Incident;
using testing::RealisticCase;

std::string WeekOf(const std::string& date) {
  auto d = ri::DatePart(date);
  EXPECT_TRUE(d.has_value()) << date;
  return d ? ri::IsoWeekLabel(ri::IsoWeekOf(*d)) : "";
}

ReportData WithIncidentsAt(const std::vector<std::string>& ats) {
  ReportData d = RealisticCase();
  d.incidents.clear();
  for (const auto& at : ats) {
    std::uint64_t n = d.incidents.size() + 1;
    d.incidents.push_back(Incident("INC-" + std::to_string(n), at, {"other"}, "x", "", {}, {}, n));
  }
  return d;
}

TEST(IsoWeek, YearBoundaries) {
  EXPECT_EQ(WeekOf("2026-01-01"), "2026-W01");  // a Thursday: week 1 of its own year
  EXPECT_EQ(WeekOf("2025-12-29"), "2026-W01");  // the Monday of that week, still in 2025
  EXPECT_EQ(WeekOf("2025-12-28"), "2025-W52");
  EXPECT_EQ(WeekOf("2020-12-31"), "2020-W53");
  EXPECT_EQ(WeekOf("2021-01-01"), "2020-W53");  // a Friday belongs to the previous year's week
  EXPECT_EQ(WeekOf("2021-01-03"), "2020-W53");
  EXPECT_EQ(WeekOf("2021-01-04"), "2021-W01");
  EXPECT_EQ(WeekOf("2024-12-30"), "2025-W01");
  EXPECT_EQ(WeekOf("2026-12-31"), "2026-W53");  // 2026 starts on a Thursday: 53 weeks
  EXPECT_EQ(WeekOf("2027-01-03"), "2026-W53");
  EXPECT_EQ(WeekOf("2027-01-04"), "2027-W01");
  EXPECT_EQ(WeekOf("2010-01-03"), "2009-W53");
  EXPECT_EQ(WeekOf("2008-12-29"), "2009-W01");
  EXPECT_EQ(WeekOf("2000-02-29"), "2000-W09");
  EXPECT_EQ(WeekOf("2026-03-14"), "2026-W11");
}

TEST(IsoWeek, MondayOfEveryWeekRoundTrips) {
  for (int year = 1999; year <= 2031; ++year) {
    for (int week = 1; week <= 53; ++week) {
      ri::IsoWeek w{year, week};
      ri::CivilDate monday = ri::IsoWeekMonday(w);
      EXPECT_EQ(ri::Weekday(monday), 0);
      ri::IsoWeek back = ri::IsoWeekOf(monday);
      // Week 53 exists only in some years; elsewhere its Monday is week 1 of the next year.
      if (week <= 52) {
        EXPECT_EQ(back, w) << ri::IsoWeekLabel(w);
      }
    }
  }
}

TEST(Calendar, DaysRoundTripAndKnownValues) {
  EXPECT_EQ(ri::DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(ri::DaysFromCivil({2000, 3, 1}), 11017);
  EXPECT_EQ(ri::DaysFromCivil({1969, 12, 31}), -1);
  EXPECT_EQ(ri::Weekday({2026, 3, 14}), 5);  // Saturday
  EXPECT_EQ(ri::WeekdayName({2026, 3, 14}), "Saturday");
  for (std::int64_t day = -800000; day <= 800000; day += 97) {
    EXPECT_EQ(ri::DaysFromCivil(ri::CivilFromDays(day)), day);
  }
}

TEST(Calendar, DatePartRequiresARealDate) {
  EXPECT_TRUE(ri::DatePart("2024-02-29"));
  EXPECT_FALSE(ri::DatePart("2026-02-29"));
  EXPECT_FALSE(ri::DatePart("2026-13-01"));
  EXPECT_FALSE(ri::DatePart("2026-04-31"));
  EXPECT_FALSE(ri::DatePart("26-03-14"));
  EXPECT_FALSE(ri::DatePart("yesterday"));
}

TEST(Calendar, ReportTimeGrammar) {
  for (const char* ok :
       {"2026-03-14", "2026-03-14T18:20", "2026-03-14 18:20:05", "2026-03-14T18:20:00+01:00",
        "2026-03-14T18:20:00.123Z", "2026-03-14T18:20:00.123456-05:30", "2016-12-31T23:59:60Z"}) {
    EXPECT_TRUE(ri::IsReportTime(ok)) << ok;
  }
  for (const char* bad : {"", "2026-03-14T", "2026-03-14T24:00", "2026-03-14T18:60",
                          "2026-03-14T18:20+1:00", "2026-03-14+01:00", "2026-03-14T18:20:00.Z",
                          "2026-03-14T18:20Zjunk", "2026-02-30T10:00", "14/03/2026"}) {
    EXPECT_FALSE(ri::IsReportTime(bad)) << bad;
  }
}

TEST(Calendar, WallClockIgnoresTheZone) {
  // 22:30 at +00:00 is before 22:31 written without a zone, whatever the instants are.
  EXPECT_LT(ri::WallClockKey("2026-03-11T22:30:00+00:00"), ri::WallClockKey("2026-03-11T22:31"));
  EXPECT_LT(ri::WallClockKey("2026-03-11"), ri::WallClockKey("2026-03-11T00:00:01Z"));
  EXPECT_LT(ri::WallClockKey("2026-03-11T10:00:00.5Z"), ri::WallClockKey("2026-03-11T10:00:00.6Z"));
  EXPECT_EQ(ri::WallClockText("2026-03-14T18:20:00.000+01:00"), "2026-03-14 18:20");
  EXPECT_EQ(ri::WallClockText("2026-03-14T18:20:07Z"), "2026-03-14 18:20:07");
  EXPECT_EQ(ri::WallClockText("2026-03-14"), "2026-03-14");
  EXPECT_EQ(ri::ZonePart("2026-03-14T18:20:00+01:00"), "+01:00");
  EXPECT_EQ(ri::ZonePart("2026-03-14T18:20:00.000Z"), "UTC");
  EXPECT_EQ(ri::ZonePart("2026-03-14T18:20:00"), "");
}

TEST(Summarize, RealisticCase) {
  ReportSummary s = Summarize(RealisticCase());
  EXPECT_EQ(s.incidents, 10u);
  EXPECT_EQ(s.first_date, "2026-02-27");
  EXPECT_EQ(s.last_date, "2026-04-01");
  EXPECT_EQ(s.separate_days, 10u);
  // W12 and W13 are empty and still listed.
  EXPECT_EQ(s.by_week, (Counts{{"2026-W09", 1},
                               {"2026-W10", 2},
                               {"2026-W11", 4},
                               {"2026-W12", 0},
                               {"2026-W13", 0},
                               {"2026-W14", 3}}));
  ASSERT_GE(s.by_behaviour.size(), 6u);
  EXPECT_EQ(s.by_behaviour[0], (std::pair<std::string, std::uint64_t>{"following", 2}));
  EXPECT_EQ(s.by_behaviour[1], (std::pair<std::string, std::uint64_t>{"phone-call", 2}));
  EXPECT_EQ(s.by_behaviour[2], (std::pair<std::string, std::uint64_t>{"threat", 2}));
  EXPECT_EQ(s.by_behaviour[3], (std::pair<std::string, std::uint64_t>{"watching", 2}));
  EXPECT_EQ(s.by_behaviour[4], (std::pair<std::string, std::uint64_t>{"approach", 1}));
  EXPECT_EQ(s.by_behaviour.back(), (std::pair<std::string, std::uint64_t>{"voicemail", 1}));
  EXPECT_EQ(s.messages, 32u);
  EXPECT_EQ(s.messages_by_sender, (Counts{{"Alex", 30}, {"Sam Taylor", 2}}));
  EXPECT_EQ(s.messages_by_day,
            (Counts{{"2026-03-10", 5}, {"2026-03-11", 12}, {"2026-03-13", 6}, {"2026-03-15", 9}}));
  EXPECT_EQ(s.exhibits, 6u);
}

TEST(Summarize, SeparateDaysCountDatesNotIncidents) {
  auto s = Summarize(WithIncidentsAt({"2026-03-14T08:00:00+00:00", "2026-03-14T21:00:00+00:00",
                                      "2026-03-14T23:59:00+00:00", "2026-03-16T07:00:00+00:00"}));
  EXPECT_EQ(s.incidents, 4u);
  EXPECT_EQ(s.separate_days, 2u);
  EXPECT_EQ(s.by_week, (Counts{{"2026-W11", 3}, {"2026-W12", 1}}));
}

TEST(Summarize, DateIsTheLocalDateAsWritten) {
  // 23:30 at -05:00 is already the 16th in UTC, and 00:30 at +09:00 is still the 15th; the diary
  // keeps the day the user lived.
  auto s = Summarize(WithIncidentsAt({"2026-03-15T23:30:00-05:00", "2026-03-16T00:30:00+09:00"}));
  EXPECT_EQ(s.first_date, "2026-03-15");
  EXPECT_EQ(s.last_date, "2026-03-16");
  EXPECT_EQ(s.by_week, (Counts{{"2026-W11", 1}, {"2026-W12", 1}}));
}

TEST(Summarize, WeeksAcrossTheYearEndIncludeEmptyOnes) {
  auto s = Summarize(WithIncidentsAt({"2021-01-12T10:00:00+01:00", "2020-12-28T10:00:00+01:00"}));
  EXPECT_EQ(s.first_date, "2020-12-28");  // input order does not matter
  EXPECT_EQ(s.last_date, "2021-01-12");
  EXPECT_EQ(s.by_week, (Counts{{"2020-W53", 1}, {"2021-W01", 0}, {"2021-W02", 1}}));

  auto s2 = Summarize(WithIncidentsAt({"2025-12-31T10:00:00Z", "2026-01-01T10:00:00Z"}));
  EXPECT_EQ(s2.by_week, (Counts{{"2026-W01", 2}}));
  EXPECT_EQ(s2.separate_days, 2u);
}

TEST(Summarize, BehaviourNamedTwiceInOneIncidentCountsOnce) {
  ReportData d = WithIncidentsAt({"2026-03-14T10:00:00Z", "2026-03-15T10:00:00Z"});
  d.incidents[0].behaviours = {"threat", "threat", "following"};
  d.incidents[1].behaviours = {"following"};
  auto s = Summarize(d);
  EXPECT_EQ(s.by_behaviour, (Counts{{"following", 2}, {"threat", 1}}));
}

TEST(Summarize, EmptyCase) {
  ReportData d;
  auto s = Summarize(d);
  EXPECT_EQ(s.incidents, 0u);
  EXPECT_FALSE(s.first_date);
  EXPECT_FALSE(s.last_date);
  EXPECT_EQ(s.separate_days, 0u);
  EXPECT_TRUE(s.by_week.empty());
  EXPECT_TRUE(s.by_behaviour.empty());
  EXPECT_EQ(s.messages, 0u);
  EXPECT_EQ(s.exhibits, 0u);
}

TEST(Summarize, SendersWithEqualCountsSortByName) {
  ReportData d;
  d.message_counts = {{"2026-03-02", "Zoe", "EX-1", 3},
                      {"2026-03-01", "", "EX-1", 5},
                      {"2026-03-01", "Adam", "EX-2", 3}};
  auto s = Summarize(d);
  EXPECT_EQ(s.messages_by_sender, (Counts{{"", 5}, {"Adam", 3}, {"Zoe", 3}}));
  EXPECT_EQ(s.messages_by_day, (Counts{{"2026-03-01", 8}, {"2026-03-02", 3}}));
  EXPECT_EQ(ri::MessagesPerDayFilled(s), (Counts{{"2026-03-01", 8}, {"2026-03-02", 3}}));
}

TEST(Timeline, IncidentsAndEventsInWallClockOrder) {
  const ReportData data = RealisticCase();  // the rows point into it
  auto rows = ri::BuildTimeline(data);
  ASSERT_EQ(rows.size(), 16u);
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_LE(ri::WallClockKey(rows[i - 1].time), ri::WallClockKey(rows[i].time)) << i;
  }
  // INC-0005 at 22:30 comes before the zone-less message at 22:31.
  auto it = std::find_if(rows.begin(), rows.end(), [](const auto& r) {
    return r.incident != nullptr && r.incident->id == "INC-0005";
  });
  ASSERT_NE(it, rows.end());
  ASSERT_NE(it + 1, rows.end());
  EXPECT_EQ((it + 1)->kind, ri::TimelineRow::Kind::kMessage);
}

TEST(Timeline, UnreadableEvidenceTimesComeLastInInputOrder) {
  ReportData d = RealisticCase();
  d.events.insert(d.events.begin(), {"2026-02-31T10:00:00", "capture", "EX-0009", "first odd"});
  d.events.push_back({"sometime in March", "message", "EX-0004", "second odd"});
  auto rows = ri::BuildTimeline(d);
  ASSERT_EQ(rows.size(), 18u);
  ASSERT_NE(rows[16].event, nullptr);
  ASSERT_NE(rows[17].event, nullptr);
  EXPECT_EQ(rows[16].event->summary, "first odd");
  EXPECT_EQ(rows[17].event->summary, "second odd");
}

// Regression: the test above once passed a temporary and read its rows after it was freed
// (heap-use-after-free under ASan). Rows must point into the caller's data, which a temporary
// cannot be: that overload is deleted.
template <class T>
concept TimelineAccepts = requires(T&& data) { ri::BuildTimeline(std::forward<T>(data)); };
static_assert(TimelineAccepts<const ReportData&>);
static_assert(!TimelineAccepts<ReportData>);

TEST(Timeline, RowsPointIntoTheCallersDataNotACopy) {
  const ReportData data = RealisticCase();
  auto rows = ri::BuildTimeline(data);
  for (const auto& row : rows) {
    if (row.incident != nullptr) {
      EXPECT_GE(row.incident, data.incidents.data());
      EXPECT_LT(row.incident, data.incidents.data() + data.incidents.size());
    } else {
      ASSERT_NE(row.event, nullptr);
      EXPECT_GE(row.event, data.events.data());
      EXPECT_LT(row.event, data.events.data() + data.events.size());
    }
  }
}

TEST(ParseReportFormat, KnownAndUnknownNames) {
  EXPECT_EQ(*ParseReportFormat("html"), ReportFormat::kHtml);
  EXPECT_EQ(*ParseReportFormat("md"), ReportFormat::kMarkdown);
  EXPECT_EQ(*ParseReportFormat("markdown"), ReportFormat::kMarkdown);
  EXPECT_EQ(*ParseReportFormat("json"), ReportFormat::kJson);
  auto bad = ParseReportFormat("pdf");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("pdf"), std::string::npos);
  EXPECT_FALSE(ParseReportFormat("HTML").ok());
}

// Each mutation of otherwise good data must be refused, naming what is wrong, in every format.
void ExpectRejected(const ReportData& d, const std::string& needle) {
  for (auto f : {ReportFormat::kHtml, ReportFormat::kMarkdown, ReportFormat::kJson}) {
    auto r = RenderReport(d, f);
    ASSERT_FALSE(r.ok()) << needle;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().rfind("report: ", 0), 0u) << r.status().message();
  }
}

TEST(RenderReport, AcceptsTheFixtures) {
  for (const auto& d : {RealisticCase(), testing::HostileCase(), testing::EmptyCase()}) {
    for (auto f : {ReportFormat::kHtml, ReportFormat::kMarkdown, ReportFormat::kJson}) {
      auto r = RenderReport(d, f);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
  }
}

TEST(RenderReport, EvidenceTimesAreShownAsWrittenWhenUnreadable) {
  // Capture and message times come from the files; a bad one must not stop the report.
  ReportData d = RealisticCase();
  d.items[0].captured = "2026:03:09 07:58:12";  // EXIF spelling, not converted
  d.items[1].captured = "";
  d.events.push_back({"2026-02-31T10:00:00", "capture", "EX-0002", "photo card.jpg"});
  for (auto f : {ReportFormat::kHtml, ReportFormat::kMarkdown, ReportFormat::kJson}) {
    auto r = RenderReport(d, f);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_NE(r->find("2026:03:09 07:58:12"), std::string::npos);
    EXPECT_NE(r->find("2026-02-31T10:00:00"), std::string::npos);
    if (f != ReportFormat::kJson) {
      EXPECT_NE(r->find("(as the source wrote it)"), std::string::npos);
    }
  }
  auto html = RenderReport(d, ReportFormat::kHtml);
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->find("Times that could not be read as dates"), std::string::npos);
}

TEST(RenderReport, RejectsMalformedInput) {
  {
    auto d = RealisticCase();
    d.incidents[2].at = "yesterday";
    ExpectRejected(d, "incident INC-0003 at");
  }
  {
    auto d = RealisticCase();
    d.incidents[0].at = "2026-02-30T10:00:00+00:00";
    ExpectRejected(d, "INC-0001");
  }
  {
    auto d = RealisticCase();
    d.incidents[0].until = "later";
    ExpectRejected(d, "INC-0001 until");
  }
  {
    auto d = RealisticCase();
    d.incidents[1].behaviours.push_back("stalking-by-drone");
    ExpectRejected(d, "unknown behaviour \"stalking-by-drone\"");
  }
  {
    auto d = RealisticCase();
    d.incidents[1].versions.clear();
    ExpectRejected(d, "no versions");
  }
  {
    auto d = RealisticCase();
    d.incidents[2].versions[1].recorded = "";
    ExpectRejected(d, "INC-0003 version 2 recorded");
  }
  {
    auto d = RealisticCase();
    d.items[0].sha256 = std::string(64, 'A');
    ExpectRejected(d, "item EX-0001: sha256");
  }
  {
    auto d = RealisticCase();
    d.checkpoint_root = "";
    ExpectRejected(d, "checkpoint root");
  }
  {
    auto d = RealisticCase();
    d.generated = "now";
    ExpectRejected(d, "generated");
  }
  {
    auto d = RealisticCase();
    d.message_counts[0].date = "2026-03-10T10:00";
    ExpectRejected(d, "message count of EX-0004");
  }
  {
    auto d = RealisticCase();
    d.events[0].kind = "download";
    ExpectRejected(d, "unknown kind \"download\"");
  }
}

}  // namespace
}  // namespace evidence
