// PrintableText: what is escaped, what is kept (docs/output.md).
#include "evidence/printable.hpp"

#include <gtest/gtest.h>

namespace evidence {
namespace {

TEST(PrintableText, OrdinaryTextInAnyScriptIsUnchanged) {
  for (const std::string s : {"", "plain text", "Zoë — ‘quoted’ €5", "مرحبا بك", "שלום", "日本語",
                              "emoji 😀", "back\\slash and \\x1b as text"}) {
    EXPECT_EQ(PrintableText(s), s);
  }
}

TEST(PrintableText, AsciiControlsAndDelAreHexEscaped) {
  EXPECT_EQ(PrintableText(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(PrintableText("\x1b[2J\x07"), "\\x1b[2J\\x07");
  EXPECT_EQ(PrintableText("one\ntwo\r\tthree\x7f"), "one\\x0atwo\\x0d\\x09three\\x7f");
}

TEST(PrintableText, C1ControlsSeparatorsAndBidiOverridesAreShownAsCodePoints) {
  EXPECT_EQ(PrintableText("\xc2\x80\xc2\x9b"
                          "31m\xc2\x9f"),
            "\\u0080\\u009b31m\\u009f");
  EXPECT_EQ(PrintableText("a\xe2\x80\xa8"
                          "b\xe2\x80\xa9"
                          "c"),
            "a\\u2028b\\u2029c");
  EXPECT_EQ(PrintableText("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae"),
            "\\u202a\\u202b\\u202c\\u202d\\u202e");
  EXPECT_EQ(PrintableText("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"),
            "\\u2066\\u2067\\u2068\\u2069");
  // Neighbours of the ranges are ordinary characters.
  EXPECT_EQ(PrintableText("\xc2\xa0\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5"),
            "\xc2\xa0\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5");
}

TEST(PrintableText, IllFormedUtf8BecomesReplacementCharacters) {
  std::string out = PrintableText(
      "a\xff"
      "b\xc2");
  EXPECT_EQ(out.find('\xff'), std::string::npos);
  EXPECT_EQ(out.substr(0, 1), "a");
  EXPECT_NE(out.find("\xef\xbf\xbd"), std::string::npos);  // U+FFFD
}

TEST(PrintableText, KeepNewlinesKeepsOnlyTheLineBreaks) {
  EXPECT_EQ(PrintableText("origin\n5\r\n\x1b\xe2\x80\xae\n", AsciiControls::kKeepNewlines),
            "origin\n5\\x0d\n\\x1b\\u202e\n");
}

TEST(PrintableText, KeepLeavesAsciiToTheRenderer) {
  EXPECT_EQ(PrintableText("a\tb\n\x1b\xe2\x80\xae", AsciiControls::kKeep), "a\tb\n\x1b\\u202e");
}

}  // namespace
}  // namespace evidence
