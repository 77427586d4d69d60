// Regression tests for what the fuzz targets found in the message parsers. Each input is kept
// in tests/fuzz/regressions/<target>/, which the fuzz smoke run also replays.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;

fs::path Regression(const std::string& target, const std::string& name) {
  return fs::path(EVIDENCE_SOURCE_DIR) / "tests" / "fuzz" / "regressions" / target / name;
}

// Everything a message carries must serialise as JSON (the case stores it so).
void ExpectStorable(const Message& m) {
  EXPECT_NO_THROW((void)m.extra.dump()) << "message " << m.index;
  EXPECT_EQ(evidence::LossyUtf8(m.text), m.text);
}

// GMime's warning about a malformed header named the header's bytes cut at 80 bytes, which
// could split a UTF-8 sequence: the message's "parse_warnings" then could not be stored.
TEST(Regression, EmailParserWarningCutUtf8) {
  const fs::path input = Regression("email", "parser-warning-cut-utf8.eml");
  std::vector<Message> messages;
  auto summary =
      messages_internal::ParseEmail(input, ExportFormat::kEml, ParseOptions{}, [&](Message&& m) {
        messages.push_back(std::move(m));
        return Status::Ok();
      });
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_EQ(messages.size(), 1u);
  ASSERT_TRUE(messages[0].extra.contains("parse_warnings"));
  ExpectStorable(messages[0]);
  for (const auto& w : summary->warnings) {
    EXPECT_EQ(evidence::LossyUtf8(w), w);
  }
}

// The summary warning about an unparsable Date header quoted the header cut at 80 bytes, which
// could split a UTF-8 sequence.
TEST(Regression, EmailDateWarningCutUtf8) {
  const fs::path input = Regression("email", "date-warning-cut-utf8.eml");
  std::vector<Message> messages;
  auto summary =
      messages_internal::ParseEmail(input, ExportFormat::kEml, ParseOptions{}, [&](Message&& m) {
        messages.push_back(std::move(m));
        return Status::Ok();
      });
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_FALSE(summary->warnings.empty());
  for (const auto& m : messages) ExpectStorable(m);
  for (const auto& w : summary->warnings) {
    EXPECT_EQ(evidence::LossyUtf8(w), w);
  }
}

}  // namespace
}  // namespace evidence
