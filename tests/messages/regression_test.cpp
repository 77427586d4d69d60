// Regression tests for what the fuzz targets found in the message parsers. Each input is kept
// in tests/fuzz/regressions/<target>/, which the fuzz smoke run also replays.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"
// Both JSON readers' headers in one file: see JsonHeadShapesOfTheTwoReadersAreTwoTypes.
#include "messages_json.hpp"
#include "messages_json_records.hpp"

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

// Two structs of the JSON readers' detection, with different members, had one name
// (messages_internal::JsonHeadShape): an ODR violation, which let the linker take one struct's
// inline copy or destructor for the other's objects. This file includes both headers, so the
// clash would not build again; each scanner still fills its own shape.
TEST(Regression, JsonHeadShapesOfTheTwoReadersAreTwoTypes) {
  const std::string head = R"({"messages": [{"id": "1", "type": "message", "from": "A"}]})";
  const messages_internal::JsonHeadShape shape = messages_internal::ScanJsonHead(head);
  EXPECT_TRUE(shape.root_object);
  EXPECT_EQ(shape.KindOf("messages"), 'a');
  EXPECT_TRUE(shape.FirstMessageHas("from"));
  EXPECT_EQ(shape.first_message_type, "message");
  const messages_internal::RecordHeadShape records =
      messages_internal::ReadRecordHeadShape(head, "messages");
  EXPECT_TRUE(records.object);
  EXPECT_TRUE(messages_internal::HasKey(records.top_keys, "messages"));
  EXPECT_TRUE(messages_internal::HasKey(records.first_record_keys, "from"));
}

}  // namespace
}  // namespace evidence
