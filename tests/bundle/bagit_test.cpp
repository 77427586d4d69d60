// BagIt tag files (libevidence/src/bundle/bagit.hpp): manifests and bag-info, the text the bundle writer
// and the bundle verifier share. Negative cases are named after the defect.
#include "bagit.hpp"

#include <gtest/gtest.h>

#include <string>

namespace evidence::bagit {
namespace {

const std::string kHexA(64, 'a');
const std::string kHexB(64, 'b');

TEST(BagitPath, EncodesPercentCrAndLfOnly) {
  EXPECT_EQ(EncodePath("data/a b%c\r\n\t.txt"), "data/a b%25c%0D%0A\t.txt");
  EXPECT_EQ(EncodePath("data/plain"), "data/plain");
}

TEST(BagitPath, DecodeIsTheInverseAndAcceptsLowerCaseCodes) {
  for (std::string p : {"data/x", "data/100%", "data/%0D", "data/a\rb\nc%d", "data/%%%"}) {
    auto d = DecodePath(EncodePath(p));
    ASSERT_TRUE(d.ok()) << p;
    EXPECT_EQ(*d, p);
  }
  EXPECT_EQ(DecodePath("a%0d%0a").value(), "a\r\n");
}

TEST(BagitPath, DecodeRefusesOtherPercentCodes) {
  EXPECT_EQ(DecodePath("data/a%20b").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodePath("data/a%2").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodePath("data/a%").status().code(), StatusCode::kCorruption);
  // A byte above 0x7f after '%' must not trip toupper's domain.
  EXPECT_EQ(DecodePath("data/a%\xff\xfe").status().code(), StatusCode::kCorruption);
}

TEST(BagitManifest, FormatSortsByPathBytesAndEncodes) {
  std::string text =
      FormatManifest({{kHexB, "data/b"}, {kHexA, "data/a%"}, {kHexA, "data/\xc3\xa9"}});
  EXPECT_EQ(text, kHexA + "  data/a%25\n" + kHexB + "  data/b\n" + kHexA + "  data/\xc3\xa9\n");
}

TEST(BagitManifest, ParseRoundTrip) {
  std::vector<ManifestLine> lines = {{kHexA, "data/x y.txt"}, {kHexB, "data/50% off\n.jpg"}};
  auto parsed = ParseManifest(FormatManifest(lines));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].path, "data/50% off\n.jpg");
  EXPECT_EQ((*parsed)[0].sha256, kHexB);
  EXPECT_EQ((*parsed)[1].path, "data/x y.txt");
}

TEST(BagitManifest, ParseAcceptsTabsOneSpaceCrlfAndUpperCaseHex) {
  std::string upper(64, 'A');
  auto parsed = ParseManifest(upper + "\tdata/a\r\n" + kHexB + " data/b\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)[0].sha256, kHexA);
  EXPECT_EQ((*parsed)[0].path, "data/a");
  EXPECT_EQ((*parsed)[1].path, "data/b");
}

TEST(BagitManifest, EmptyManifestHasNoLines) { EXPECT_TRUE(ParseManifest("").value().empty()); }

void ExpectCorrupt(const std::string& text, const std::string& needle) {
  auto parsed = ParseManifest(text);
  ASSERT_FALSE(parsed.ok()) << text;
  EXPECT_EQ(parsed.status().code(), StatusCode::kCorruption);
  EXPECT_NE(parsed.status().message().find(needle), std::string::npos) << parsed.status().message();
}

TEST(BagitManifest, MissingFinalNewline) { ExpectCorrupt(kHexA + "  data/a", "line 1"); }
TEST(BagitManifest, TooShort) { ExpectCorrupt("abc  data/a\n", "too short"); }
TEST(BagitManifest, NotHex) { ExpectCorrupt(std::string(64, 'g') + "  data/a\n", "hex"); }
TEST(BagitManifest, DigestTooLong) { ExpectCorrupt(kHexA + "a  data/a\n", "no space"); }
TEST(BagitManifest, NoPath) { ExpectCorrupt(kHexA + "   \n", "unsafe path"); }
TEST(BagitManifest, EmptyLine) { ExpectCorrupt(kHexA + "  data/a\n\n", "line 2"); }
TEST(BagitManifest, DuplicatePath) {
  ExpectCorrupt(kHexA + "  data/a\n" + kHexB + "  data/a\n", "line 2: duplicate path");
}
TEST(BagitManifest, DuplicateAfterDecoding) {
  ExpectCorrupt(kHexA + "  data/a%0A\n" + kHexB + "  data/a%0a\n", "duplicate");
}
TEST(BagitManifest, AbsolutePath) { ExpectCorrupt(kHexA + "  /etc/passwd\n", "unsafe path"); }
TEST(BagitManifest, DotDotComponent) { ExpectCorrupt(kHexA + "  data/../../x\n", "unsafe path"); }
TEST(BagitManifest, DotComponent) { ExpectCorrupt(kHexA + "  data/./x\n", "unsafe path"); }
TEST(BagitManifest, EmptyComponent) { ExpectCorrupt(kHexA + "  data//x\n", "unsafe path"); }
TEST(BagitManifest, TrailingSlash) { ExpectCorrupt(kHexA + "  data/x/\n", "unsafe path"); }
TEST(BagitManifest, BadPercentEncoding) { ExpectCorrupt(kHexA + "  data/%41\n", "percent"); }
TEST(BagitManifest, ErrorNamesTheLine) {
  ExpectCorrupt(kHexA + "  data/a\n" + kHexB + "  data/b\nxyz\n", "line 3");
}

TEST(BagitInfo, FormatPutsValuesOnOneLine) {
  EXPECT_EQ(FormatBagInfo({{"Contact-Name", "Jane\nDoe"}, {"Bag-Size", "1 KiB\r"}}),
            "Contact-Name: Jane Doe\nBag-Size: 1 KiB \n");
}

TEST(BagitInfo, ParseKeepsOrderRepeatsAndContinuations) {
  auto info = ParseBagInfo("A: 1\nB:2\n  more\n\tand more\nA: 3\r\n\nC:\n");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_EQ(info->size(), 4u);
  EXPECT_EQ((*info)[0], (std::pair<std::string, std::string>{"A", "1"}));
  EXPECT_EQ((*info)[1], (std::pair<std::string, std::string>{"B", "2 more and more"}));
  EXPECT_EQ((*info)[2], (std::pair<std::string, std::string>{"A", "3"}));
  EXPECT_EQ((*info)[3], (std::pair<std::string, std::string>{"C", ""}));
}

TEST(BagitInfo, ParseAcceptsNoFinalNewline) {
  auto info = ParseBagInfo("Payload-Oxum: 12.3");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ((*info)[0].second, "12.3");
}

TEST(BagitInfo, RoundTrip) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Bagging-Date", "2026-03-14"}, {"Payload-Oxum", "10.2"}, {"Contact-Name", "Jane"}};
  EXPECT_EQ(ParseBagInfo(FormatBagInfo(fields)).value(), fields);
}

TEST(BagitInfo, LineWithoutColon) {
  auto info = ParseBagInfo("A: 1\nno label here\n");
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.status().message().find("line 2"), std::string::npos) << info.status().message();
}

TEST(BagitInfo, EmptyLabel) { EXPECT_FALSE(ParseBagInfo(": value\n").ok()); }

TEST(BagitInfo, ContinuationWithoutLabelNamesItsLine) {
  auto info = ParseBagInfo("\n\n  orphan\n");
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.status().message().find("line 3"), std::string::npos) << info.status().message();
}

TEST(BagitInfo, PayloadOxum) {
  EXPECT_EQ(PayloadOxum(0, 0), "0.0");
  EXPECT_EQ(PayloadOxum(1234567890123ULL, 42), "1234567890123.42");
}

}  // namespace
}  // namespace evidence::bagit
