#include "evidence/time.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "testing.hpp"

namespace evidence {
namespace {

using testing::WithTz;

TEST(ParseUserTime, WithOffset) {
  auto t = ParseUserTime("2026-03-14T18:20+01:00");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->had_offset);
  EXPECT_EQ(t->offset_minutes, 60);
  EXPECT_EQ(FormatUtc(t->unix_ms), "2026-03-14T17:20:00.000Z");
  EXPECT_EQ(FormatWithOffset(t->unix_ms, t->offset_minutes), "2026-03-14T18:20:00+01:00");
}

TEST(ParseUserTime, LocalZoneWhenNoOffset) {
  WithTz tz("Europe/London");
  auto summer = ParseUserTime("2026-07-01 09:30");
  ASSERT_TRUE(summer.ok());
  EXPECT_FALSE(summer->had_offset);
  EXPECT_EQ(summer->offset_minutes, 60);  // BST
  EXPECT_EQ(FormatUtc(summer->unix_ms), "2026-07-01T08:30:00.000Z");
  auto winter = ParseUserTime("2026-01-01 09:30");
  ASSERT_TRUE(winter.ok());
  EXPECT_EQ(winter->offset_minutes, 0);
}

TEST(ParseUserTime, SecondsFractionsAndZulu) {
  auto t = ParseUserTime("2026-03-14T18:20:05.25Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatUtc(t->unix_ms), "2026-03-14T18:20:05.250Z");
  auto d = ParseUserTime("2026-03-14");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->date_only);
}

TEST(ParseUserTime, RejectsNonsense) {
  for (const char* bad : {"yesterday", "2026-02-30", "2026-13-01", "2026-03-14 25:00",
                          "2026-03-14T18:20+1", "2026-03-14 18:20 extra", "14/03/2026"}) {
    auto t = ParseUserTime(bad);
    EXPECT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

// The zones of docs/testing.md: whole, half and quarter hours, both hemispheres, with and without
// DST. Each row is one local time and the offset it must get.
struct ZoneCase {
  const char* tz;
  const char* local;
  int offset_minutes;
};

TEST(ParseUserTime, LocalOffsetsInEveryTestZone) {
  const ZoneCase cases[] = {
      {"UTC", "2026-01-15 12:00", 0},
      {"UTC", "2026-07-15 12:00", 0},
      {"Asia/Kolkata", "2026-01-15 12:00", 330},
      {"Asia/Kolkata", "2026-07-15 12:00", 330},
      {"Asia/Kathmandu", "2026-01-15 12:00", 345},
      {"Asia/Kathmandu", "2026-07-15 12:00", 345},
      {"America/St_Johns", "2026-01-15 12:00", -210},
      {"America/St_Johns", "2026-07-15 12:00", -150},
      {"Pacific/Chatham", "2026-01-15 12:00", 825},  // southern summer
      {"Pacific/Chatham", "2026-07-15 12:00", 765},
  };
  for (const auto& c : cases) {
    WithTz tz(c.tz);
    auto t = ParseUserTime(c.local);
    ASSERT_TRUE(t.ok()) << c.tz << " " << c.local;
    EXPECT_EQ(t->offset_minutes, c.offset_minutes) << c.tz << " " << c.local;
    EXPECT_EQ(t->kind, LocalTimeKind::kExact) << c.tz << " " << c.local;
    EXPECT_EQ(t->unix_ms, ParseUserTime(std::string(c.local) + "Z")->unix_ms -
                              std::int64_t{c.offset_minutes} * 60 * 1000)
        << c.tz << " " << c.local;
  }
}

// St John's moves its clocks at 02:00 local: on 8 March 2026 forward to 03:00, on 1 November
// 2026 back to 01:00 (so 01:00 to 02:00 happens twice).
TEST(ParseUserTime, SkippedAndRepeatedLocalTimesAreTold) {
  WithTz tz("America/St_Johns");
  auto before = ParseUserTime("2026-03-08 01:30");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->kind, LocalTimeKind::kExact);
  EXPECT_EQ(before->offset_minutes, -210);
  auto skipped = ParseUserTime("2026-03-08 02:30");
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->kind, LocalTimeKind::kSkipped);
  auto after = ParseUserTime("2026-03-08 03:30");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->offset_minutes, -150);
  EXPECT_EQ(after->unix_ms - before->unix_ms, 60 * 60 * 1000);  // one hour passed, not two

  auto repeated = ParseUserTime("2026-11-01 01:30");
  ASSERT_TRUE(repeated.ok());
  EXPECT_EQ(repeated->kind, LocalTimeKind::kRepeated);
  EXPECT_EQ(repeated->offset_minutes, -150);
  EXPECT_EQ(repeated->later_offset_minutes, -210);
  EXPECT_EQ(repeated->later_unix_ms - repeated->unix_ms, 60 * 60 * 1000);
}

TEST(ParseRecordedTime, RefusesSkippedAndRepeatedTimesNamingTheOffsets) {
  WithTz tz("America/St_Johns");
  auto skipped = ParseRecordedTime("2026-03-08 02:30");
  ASSERT_FALSE(skipped.ok());
  EXPECT_EQ(skipped.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(skipped.status().message().find("clocks went forward"), std::string::npos)
      << skipped.status().message();
  auto repeated = ParseRecordedTime("2026-11-01 01:30");
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.status().message().find("\"2026-11-01 01:30-02:30\" (the first)"),
            std::string::npos)
      << repeated.status().message();
  EXPECT_NE(repeated.status().message().find("\"2026-11-01 01:30-03:30\" (the second)"),
            std::string::npos)
      << repeated.status().message();
  // With the offset given, the same wall time is one instant and is accepted.
  EXPECT_TRUE(ParseRecordedTime("2026-11-01 01:30-03:30").ok());
  EXPECT_TRUE(ParseRecordedTime("2026-11-01").ok());
}

TEST(ParseTimeBound, ADayIsWholeOnTheDaysTheClocksChange) {
  WithTz tz("America/St_Johns");
  auto at = [](const char* text) { return FormatUtc(*ParseTimeBound(text, false)); };
  auto until = [](const char* text) { return FormatUtc(*ParseTimeBound(text, true)); };
  // 23 hours: 8 March 2026 runs from 03:30Z to 02:30Z the next day.
  EXPECT_EQ(at("2026-03-08"), "2026-03-08T03:30:00.000Z");
  EXPECT_EQ(until("2026-03-08"), "2026-03-09T02:29:59.999Z");
  // 25 hours: 1 November 2026 runs from 02:30Z to 03:30Z the next day.
  EXPECT_EQ(at("2026-11-01"), "2026-11-01T02:30:00.000Z");
  EXPECT_EQ(until("2026-11-01"), "2026-11-02T03:29:59.999Z");
  // A repeated time bounds inclusively: the earlier instant from below, the later from above.
  EXPECT_EQ(at("2026-11-01 01:30"), "2026-11-01T04:00:00.000Z");
  EXPECT_EQ(until("2026-11-01 01:30"), "2026-11-01T05:00:00.000Z");
  // The end of a month and of a year roll over.
  EXPECT_EQ(until("2026-12-31"), "2027-01-01T03:29:59.999Z");
}

TEST(ParseTimeBound, ChathamDayWhenSummerTimeEnds) {
  WithTz tz("Pacific/Chatham");
  // On 5 April 2026 Chatham goes from +13:45 back to +12:45: a 25-hour day.
  auto from = *ParseTimeBound("2026-04-05", false);
  auto to = *ParseTimeBound("2026-04-05", true);
  EXPECT_EQ(to + 1 - from, 25LL * 3600 * 1000);
}

TEST(FormatWithOffset, NegativeOffsetsAndMilliseconds) {
  EXPECT_EQ(FormatWithOffset(1000 * 1700000000LL + 5, -330), "2023-11-14T16:43:20.005-05:30");
}

}  // namespace
}  // namespace evidence
