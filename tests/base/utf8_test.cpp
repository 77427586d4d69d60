// The one strict UTF-8 decoder (RFC 3629 section 3 and its table of well-formed sequences).
#include "utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace evidence {
namespace {

std::size_t Decode(std::string_view s, char32_t* cp) { return DecodeUtf8(s, 0, cp); }

TEST(Utf8, EachLengthDecodesToItsCodePoint) {
  char32_t cp = 0;
  EXPECT_EQ(Decode("A", &cp), 1u);
  EXPECT_EQ(cp, U'A');
  EXPECT_EQ(Decode("\xC3\xA9", &cp), 2u);  // é
  EXPECT_EQ(cp, U'\u00E9');
  EXPECT_EQ(Decode("\xE2\x82\xAC", &cp), 3u);  // €
  EXPECT_EQ(cp, U'\u20AC');
  EXPECT_EQ(Decode("\xF0\x9F\x98\x80", &cp), 4u);  // 😀
  EXPECT_EQ(cp, U'\U0001F600');
  EXPECT_EQ(Decode("\xF4\x8F\xBF\xBF", &cp), 4u);  // U+10FFFF, the last code point
  EXPECT_EQ(cp, U'\U0010FFFF');
}

TEST(Utf8, OverlongFormsAreRejected) {
  char32_t cp = 0;
  EXPECT_EQ(Decode("\xC0\xAF", &cp), 0u);          // '/' in two bytes
  EXPECT_EQ(Decode("\xC1\xBF", &cp), 0u);          // U+007F in two bytes
  EXPECT_EQ(Decode("\xE0\x80\xAF", &cp), 0u);      // '/' in three bytes
  EXPECT_EQ(Decode("\xE0\x9F\xBF", &cp), 0u);      // U+07FF in three bytes
  EXPECT_EQ(Decode("\xF0\x80\x80\xAF", &cp), 0u);  // '/' in four bytes
  EXPECT_EQ(Decode("\xF0\x8F\xBF\xBF", &cp), 0u);  // U+FFFF in four bytes
  EXPECT_FALSE(IsValidUtf8("a\xC0\x80"));          // "modified UTF-8" NUL
}

TEST(Utf8, SurrogatesAreRejected) {
  char32_t cp = 0;
  EXPECT_EQ(Decode("\xED\xA0\x80", &cp), 0u);             // U+D800
  EXPECT_EQ(Decode("\xED\xBF\xBF", &cp), 0u);             // U+DFFF
  EXPECT_EQ(Decode("\xED\x9F\xBF", &cp), 3u);             // U+D7FF, just below, is fine
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair for U+1F600
}

TEST(Utf8, CodePointsAboveU10FFFFAreRejected) {
  char32_t cp = 0;
  EXPECT_EQ(Decode("\xF4\x90\x80\x80", &cp), 0u);      // U+110000
  EXPECT_EQ(Decode("\xF5\x80\x80\x80", &cp), 0u);      // lead byte F5 never appears
  EXPECT_EQ(Decode("\xF8\x88\x80\x80\x80", &cp), 0u);  // the old five-byte form
  EXPECT_EQ(Decode("\xFF", &cp), 0u);
}

TEST(Utf8, TruncatedAndStraySequencesAreRejected) {
  char32_t cp = 0;
  EXPECT_EQ(Decode("\xC3", &cp), 0u);
  EXPECT_EQ(Decode("\xE2\x82", &cp), 0u);
  EXPECT_EQ(Decode("\xF0\x9F\x98", &cp), 0u);
  EXPECT_EQ(Decode("\x80", &cp), 0u);          // a continuation byte alone
  EXPECT_EQ(Decode("\xE2\x41\xAC", &cp), 0u);  // ASCII where a continuation byte belongs
  EXPECT_EQ(DecodeUtf8("abc", 3, &cp), 0u);    // at the end
  EXPECT_FALSE(IsValidUtf8("ok \xE2\x82"));
  EXPECT_TRUE(IsValidUtf8(""));
}

TEST(Utf8, DecodeBackwardFindsTheLastCodePoint) {
  char32_t cp = 0;
  const std::string s = "a\xE2\x82\xAC";
  EXPECT_EQ(DecodeUtf8Backward(s, s.size(), &cp), 3u);
  EXPECT_EQ(cp, U'\u20AC');
  EXPECT_EQ(DecodeUtf8Backward(s, 1, &cp), 1u);
  EXPECT_EQ(DecodeUtf8Backward("\xE2\x82", 2, &cp), 0u);
}

TEST(Utf8, LossyReplacesEachBadByteAndCountsThem) {
  std::size_t replaced = 99;
  EXPECT_EQ(LossyUtf8("ok \xC0\xAF \xF0\x9F\x98\x8A", &replaced), "ok \uFFFD\uFFFD \U0001F60A");
  EXPECT_EQ(replaced, 2u);
  EXPECT_EQ(LossyUtf8("plain", &replaced), "plain");
  EXPECT_EQ(replaced, 0u);
  EXPECT_EQ(LossyUtf8("\xE2\x82"), "\uFFFD\uFFFD");
}

TEST(Utf8, CutPointNeverSplitsACodePoint) {
  const std::string s = "ab\xE2\x82\xAC";  // "ab€"
  EXPECT_EQ(Utf8CutPoint(s, 10), s.size());
  EXPECT_EQ(Utf8CutPoint(s, 5), 5u);
  EXPECT_EQ(Utf8CutPoint(s, 4), 2u);
  EXPECT_EQ(Utf8CutPoint(s, 3), 2u);
  EXPECT_EQ(Utf8CutPoint(s, 2), 2u);
  EXPECT_EQ(Utf8CutPoint(s, 0), 0u);
}

}  // namespace
}  // namespace evidence
