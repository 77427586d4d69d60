// The diary and the filters under the time zones victims live in (docs/testing.md): whole, half
// and quarter-hour offsets, both hemispheres, and the days the clocks change. Each test sets the
// zone it runs in; none depends on the zone of the machine or of the caller's shell.
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "evidence/incident.hpp"

namespace evidence::testing {
namespace {

using nlohmann::json;

struct Zone {
  const char* tz;
  const char* winter_offset;  // on 15 January 2026
  const char* summer_offset;  // on 15 July 2026
};

void PrintTo(const Zone& zone, std::ostream* os) { *os << zone.tz; }

std::string ZoneName(const ::testing::TestParamInfo<Zone>& info) {
  std::string name;
  for (const char* p = info.param.tz; *p; ++p) name += std::isalnum(*p) ? *p : '_';
  return name;
}

class TimeZones : public CliTest, public ::testing::WithParamInterface<Zone> {
 protected:
  void SetUp() override { InitCase(); }
  RunResult InZone(std::vector<std::string> args) { return Ev(args, {{"TZ", GetParam().tz}}); }
  json Incident(const std::string& id) {
    auto r = InZone({"--json", "incident", "show", id});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
};

TEST_P(TimeZones, LocalTimesGetTheZonesOffsetAndSortByInstant) {
  ASSERT_EQ(InZone({"incident", "add", "--at", "2026-07-15 12:00", "--behaviour", "visit-home",
                    "--what", "summer"})
                .exit_code,
            0);
  ASSERT_EQ(InZone({"incident", "add", "--at", "2026-01-15 12:00", "--behaviour", "gift", "--what",
                    "winter"})
                .exit_code,
            0);
  EXPECT_EQ(Incident("INC-0001")["at"],
            std::string("2026-07-15T12:00:00") + GetParam().summer_offset);
  EXPECT_EQ(Incident("INC-0002")["at"],
            std::string("2026-01-15T12:00:00") + GetParam().winter_offset);
  auto list = json::parse(InZone({"--json", "incident", "list"}).out);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["id"], "INC-0002");
  EXPECT_EQ(Ev({"verify"}).exit_code, 0);
}

// The regression behind cli.Diary.AmendErrorsRecordNothing: an --until in the user's own zone is
// compared with the incident's instant, whatever the zone.
TEST_P(TimeZones, AmendUntilBeforeTheIncidentIsRefusedInEveryZone) {
  ASSERT_EQ(InZone({"incident", "add", "--at", "2026-03-14 18:20", "--behaviour", "following",
                    "--what", "x"})
                .exit_code,
            0);
  std::string before = Snapshot();
  auto r = InZone({"incident", "amend", "INC-0001", "--until", "2026-03-14 17:00"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("is before"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
  auto later = InZone({"incident", "amend", "INC-0001", "--until", "2026-03-14 19:00"});
  EXPECT_EQ(later.exit_code, 0) << later.err;
}

// A report window given as dates holds whole local days, so an incident late on the last day is
// in it, and one just after midnight is not.
TEST_P(TimeZones, ReportWindowByDateHoldsWholeLocalDays) {
  ASSERT_EQ(InZone({"incident", "add", "--at", "2026-03-10 23:30", "--behaviour", "gift", "--what",
                    "late on the tenth"})
                .exit_code,
            0);
  ASSERT_EQ(InZone({"incident", "add", "--at", "2026-03-11 00:10", "--behaviour", "gift", "--what",
                    "early on the eleventh"})
                .exit_code,
            0);
  auto r = InZone({"report", "--format", "json", "--since", "2026-03-10", "--until", "2026-03-10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("late on the tenth"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("early on the eleventh"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Zones, TimeZones,
                         ::testing::Values(Zone{"UTC", "+00:00", "+00:00"},
                                           Zone{"Asia/Kolkata", "+05:30", "+05:30"},
                                           Zone{"Asia/Kathmandu", "+05:45", "+05:45"},
                                           Zone{"America/St_Johns", "-03:30", "-02:30"},
                                           Zone{"Pacific/Chatham", "+13:45", "+12:45"}),
                         ZoneName);

// The days the clocks change, in St John's (02:00 local: forward on 8 March 2026, back on
// 1 November 2026).
class ClockChange : public CliTest {
 protected:
  void SetUp() override { InitCase(); }
  RunResult InStJohns(std::vector<std::string> args) {
    return Ev(args, {{"TZ", "America/St_Johns"}});
  }
};

TEST_F(ClockChange, IncidentAcrossTheChangeKeepsBothOffsets) {
  auto r = InStJohns({"incident", "add", "--at", "2026-03-08 01:30", "--until", "2026-03-08 03:30",
                      "--behaviour", "watching", "--what", "outside all night"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto inc = json::parse(InStJohns({"--json", "incident", "show", "INC-0001"}).out);
  EXPECT_EQ(inc["at"], "2026-03-08T01:30:00-03:30");
  EXPECT_EQ(inc["until"], "2026-03-08T03:30:00-02:30");
}

TEST_F(ClockChange, SkippedLocalTimeIsRefusedWithTheOffsetToGive) {
  std::string before = Snapshot();
  auto r = InStJohns(
      {"incident", "add", "--at", "2026-03-08 02:30", "--behaviour", "gift", "--what", "x"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("clocks went forward"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(ClockChange, RepeatedLocalTimeNeedsItsOffsetAndThenRecordsTheOneMeant) {
  std::string before = Snapshot();
  auto r = InStJohns(
      {"incident", "add", "--at", "2026-11-01 01:30", "--behaviour", "gift", "--what", "x"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("clocks went back"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
  auto second = InStJohns(
      {"incident", "add", "--at", "2026-11-01 01:30-03:30", "--behaviour", "gift", "--what", "x"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  auto inc = json::parse(InStJohns({"--json", "incident", "show", "INC-0001"}).out);
  EXPECT_EQ(inc["at"], "2026-11-01T01:30:00-03:30");
}

// Regression: an --until date on the 25-hour day the clocks go back held only 24 hours, so what
// happened in its last hour was left out of the report.
TEST_F(ClockChange, ReportUntilTheLongDayIncludesItsLastHour) {
  ASSERT_EQ(InStJohns({"incident", "add", "--at", "2026-11-01 23:30", "--behaviour", "gift",
                       "--what", "last hour of the long day"})
                .exit_code,
            0);
  auto r = InStJohns({"report", "--format", "json", "--until", "2026-11-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("last hour of the long day"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace evidence::testing
