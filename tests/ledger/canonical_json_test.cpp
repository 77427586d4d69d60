#include "evidence/canonical_json.hpp"

#include <gtest/gtest.h>

namespace evidence {
namespace {

using nlohmann::json;

TEST(CanonicalJson, SortsKeysByCodePointWithoutWhitespace) {
  json j = {{"b", 1}, {"a", {{"z", true}, {"é", "x"}, {"Z", nullptr}}}, {"A", json::array({3, 2})}};
  auto s = CanonicalJson(j);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "{\"A\":[3,2],\"a\":{\"Z\":null,\"z\":true,\"é\":\"x\"},\"b\":1}");
}

TEST(CanonicalJson, EscapesOnlyWhatItMust) {
  json j = {{"t", std::string("quote\" back\\ nl\n tab\t bell\x07 slash/ ünï")}};
  auto s = CanonicalJson(j);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "{\"t\":\"quote\\\" back\\\\ nl\\n tab\\t bell\\u0007 slash/ ünï\"}");
}

TEST(CanonicalJson, RejectsFloatingPoint) {
  auto s = CanonicalJson(json{{"lat", {{"deg", 51.5}}}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("/lat/deg"), std::string::npos) << s.status().message();
}

TEST(CanonicalJson, RejectsInvalidUtf8) {
  auto s = CanonicalJson(json{{"name", std::string("bad\xff")}});
  EXPECT_FALSE(s.ok());
}

TEST(CanonicalJson, ParseAcceptsOnlyCanonicalText) {
  EXPECT_TRUE(ParseCanonicalJson("{\"a\":1,\"b\":[true]}").ok());
  EXPECT_FALSE(ParseCanonicalJson("{\"b\":1,\"a\":2}").ok());    // unsorted
  EXPECT_FALSE(ParseCanonicalJson("{\"a\": 1}").ok());           // whitespace
  EXPECT_FALSE(ParseCanonicalJson("{\"a\":1,\"a\":1}").ok());    // duplicate key
  EXPECT_FALSE(ParseCanonicalJson("{\"a\":1.5}").ok());          // float
  EXPECT_FALSE(ParseCanonicalJson("{\"a\":\"\\u0041\"}").ok());  // needless escape
  EXPECT_FALSE(ParseCanonicalJson("{\"a\":1}\n").ok());          // trailing newline
  EXPECT_EQ(ParseCanonicalJson("nope").status().code(), StatusCode::kCorruption);
}

TEST(Utf8, ValidatesPerRfc3629) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xE2\x80\x94 em dash, \xF0\x9F\x98\x80 emoji"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x80"));          // truncated
  EXPECT_EQ(LossyUtf8("a\xFF"
                      "b"),
            "a\xEF\xBF\xBD"
            "b");
}

}  // namespace
}  // namespace evidence
