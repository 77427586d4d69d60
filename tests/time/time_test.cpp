#include "evidence/time.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace evidence {
namespace {

// Runs a body with TZ set, restoring the previous value afterwards.
class WithTz {
 public:
  explicit WithTz(const char* tz) {
    const char* old = std::getenv("TZ");
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~WithTz() {
    if (had_)
      setenv("TZ", old_.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }

 private:
  bool had_ = false;
  std::string old_;
};

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

TEST(FormatWithOffset, NegativeOffsetsAndMilliseconds) {
  EXPECT_EQ(FormatWithOffset(1000 * 1700000000LL + 5, -330), "2023-11-14T16:43:20.005-05:30");
}

}  // namespace
}  // namespace evidence
