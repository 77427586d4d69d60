// The metadata module's small tools: text cleaning, the raw tag budget, exact decimals, times.
#include <gtest/gtest.h>

#include "evidence/canonical_json.hpp"
#include "metadata_util.hpp"

namespace evidence::metadata_internal {
namespace {

TEST(CleanText, ReplacesInvalidUtf8AndNul) {
  std::string raw = std::string("ab\xFF") + std::string(1, '\0') + "c";
  std::string clean = CleanText(raw);
  EXPECT_TRUE(IsValidUtf8(clean));
  EXPECT_EQ(clean,
            "ab\xEF\xBF\xBD\xEF\xBF\xBD"
            "c");
}

TEST(CleanText, TrimsExifPadding) {
  EXPECT_EQ(CleanText(std::string("Canon\0\0\0  ", 10)), "Canon");
  EXPECT_EQ(CleanText("  leading kept"), "  leading kept");
}

TEST(CleanText, CutsLongTextAtACharacterBoundary) {
  std::string s;
  for (int i = 0; i < 100; ++i) s += "\xC3\xA9";  // 200 bytes of "é"
  std::string cut = CleanText(s, 11);
  EXPECT_TRUE(IsValidUtf8(cut));
  EXPECT_EQ(cut.substr(0, 10), s.substr(0, 10));
  EXPECT_NE(cut.find("...[+190 bytes]"), std::string::npos) << cut;
}

TEST(RawTagSink, RepeatedKeysBecomeArrays) {
  RawTagSink sink;
  nlohmann::json j;
  sink.Add(j, "Iptc.Application2.Keywords", "a");
  sink.Add(j, "Iptc.Application2.Keywords", "b");
  sink.Add(j, "Iptc.Application2.Keywords", "c");
  sink.Add(j, "Other", "x");
  EXPECT_EQ(j["Iptc.Application2.Keywords"], nlohmann::json::array({"a", "b", "c"}));
  EXPECT_EQ(j["Other"], "x");
}

TEST(RawTagSink, StopsAtTheBudget) {
  RawTagSink sink(3, 1000);
  nlohmann::json j = nlohmann::json::object();
  for (int i = 0; i < 10; ++i) sink.Add(j, "k" + std::to_string(i), "v");
  EXPECT_EQ(j.size(), 3u);
  EXPECT_EQ(sink.dropped(), 7u);

  RawTagSink small(100, 10);
  nlohmann::json k = nlohmann::json::object();
  EXPECT_TRUE(small.Add(k, "a", "12345"));
  EXPECT_FALSE(small.Add(k, "b", "12345"));
}

TEST(FormatDecimal, RoundsHalfAwayFromZero) {
  EXPECT_EQ(FormatDecimal(1, 3, 7, false), "0.3333333");
  EXPECT_EQ(FormatDecimal(2, 3, 7, false), "0.6666667");
  EXPECT_EQ(FormatDecimal(5, 100, 1, false), "0.1");  // 0.05 -> 0.1
  EXPECT_EQ(FormatDecimal(5, 100, 1, true), "-0.1");
  EXPECT_EQ(FormatDecimal(999, 1000, 2, false), "1.00");  // carry into the integer part
  EXPECT_EQ(FormatDecimal(97, 1, 3, false), "97.000");
  EXPECT_EQ(FormatDecimal(0, 1, 7, true), "0.0000000");  // no "-0"
  EXPECT_EQ(FormatDecimal(7, 2, 0, false), "4");
}

TEST(FormatDecimal, HandlesFullWidthRationals) {
  // Three EXIF rationals with 32-bit denominators summed exactly need ~110 bits.
  Uint128 den = Uint128{0xFFFFFFFFu} * 0xFFFFFFFFu * 0xFFFFFFFFu * 3600;
  Uint128 num = den * 51 + den / 2;
  EXPECT_EQ(FormatDecimal(num, den, 7, false), "51.5000000");
}

TEST(FormatSecondsFromMs, MillisecondPrecision) {
  EXPECT_EQ(FormatSecondsFromMs(3654), "3.654");
  EXPECT_EQ(FormatSecondsFromMs(50), "0.050");
  EXPECT_EQ(FormatSecondsFromMs(0), "0.000");
}

TEST(ExifTime, FullForm) {
  std::string problem;
  EXPECT_EQ(ExifTimeToRfc3339("2019:05:01 12:34:56", "12", "+02:00", &problem),
            "2019-05-01T12:34:56.120+02:00");
  EXPECT_TRUE(problem.empty());
}

TEST(ExifTime, NoOffsetMeansNoZone) {
  EXPECT_EQ(ExifTimeToRfc3339("2019:05:01 12:34:56", "", "", nullptr), "2019-05-01T12:34:56");
  // Cameras without a zone setting write blanks.
  EXPECT_EQ(ExifTimeToRfc3339("2019:05:01 12:34:56", "", "   :  ", nullptr), "2019-05-01T12:34:56");
}

TEST(ExifTime, SubSecondsKeepAllDigits) {
  EXPECT_EQ(ExifTimeToRfc3339("2008:05:30 15:56:01", "00", "", nullptr), "2008-05-30T15:56:01.000");
  EXPECT_EQ(ExifTimeToRfc3339("2008:05:30 15:56:01", "123456", "", nullptr),
            "2008-05-30T15:56:01.123456");
}

TEST(ExifTime, BadPartsAreLeftOutAndExplained) {
  std::string problem;
  EXPECT_EQ(ExifTimeToRfc3339("2019:05:01 12:34:56", "1a", "", &problem), "2019-05-01T12:34:56");
  EXPECT_NE(problem.find("sub-second"), std::string::npos);
  problem.clear();
  EXPECT_EQ(ExifTimeToRfc3339("2019:05:01 12:34:56", "", "+25:00", &problem),
            "2019-05-01T12:34:56");
  EXPECT_NE(problem.find("offset"), std::string::npos);
}

TEST(ExifTime, RejectsBlankZeroAndOutOfRange) {
  EXPECT_FALSE(ExifTimeToRfc3339("", "", "", nullptr));
  EXPECT_FALSE(ExifTimeToRfc3339("    :  :     :  :  ", "", "", nullptr));
  EXPECT_FALSE(ExifTimeToRfc3339("0000:00:00 00:00:00", "", "", nullptr));
  EXPECT_FALSE(ExifTimeToRfc3339("2019:13:01 12:34:56", "", "", nullptr));
  EXPECT_FALSE(ExifTimeToRfc3339("2019:05:01 24:00:00", "", "", nullptr));
  EXPECT_FALSE(ExifTimeToRfc3339("2019:05:01", "", "", nullptr));
}

TEST(IsoTime, XmpForms) {
  EXPECT_EQ(IsoTimeToRfc3339("2015-07-16T15:38:54.00"), "2015-07-16T15:38:54.000");
  EXPECT_EQ(IsoTimeToRfc3339("2009-06-03T17:02:22+02:00"), "2009-06-03T17:02:22+02:00");
  EXPECT_EQ(IsoTimeToRfc3339("2019-05-01 12:34:56Z"), "2019-05-01T12:34:56Z");
  EXPECT_EQ(IsoTimeToRfc3339("2019-05-01T12:34:56+0200"), "2019-05-01T12:34:56+02:00");
  EXPECT_FALSE(IsoTimeToRfc3339("2005-09-07"));        // no time: not a capture instant
  EXPECT_FALSE(IsoTimeToRfc3339("2005-09-07T15:07"));  // no seconds: not invented
  EXPECT_FALSE(IsoTimeToRfc3339("2004"));
  EXPECT_FALSE(IsoTimeToRfc3339("2019-05-01T12:34:56 junk"));
}

TEST(UnixTime, Utc) {
  EXPECT_EQ(UnixSecondsToRfc3339Utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(UnixSecondsToRfc3339Utc(1130521000), "2005-10-28T17:36:40Z");
  EXPECT_EQ(UnixSecondsToRfc3339Utc(951782400), "2000-02-29T00:00:00Z");
}

}  // namespace
}  // namespace evidence::metadata_internal
