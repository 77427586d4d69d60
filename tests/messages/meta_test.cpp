// Facebook Messenger / Instagram "Download your information" JSON, on small exports written here:
// mojibake repair, BOM, reactions, shares, unsent markers, and hostile input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collect.hpp"
#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "messages_json_records.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using messages_internal::LooksLikeMetaMessagesJson;
using messages_internal::ParseMetaMessagesBuffer;
using messages_internal::RepairMetaMojibake;
using testing::TempDir;
using testing::WriteFile;

using testing::Parsed;

Parsed ParseMeta(const std::string& bytes, ParseOptions options = {}) {
  return testing::Collect([&](const messages_internal::MessageCallback& cb) {
    return ParseMetaMessagesBuffer(bytes, options, cb);
  });
}

// "Zoë 😀" as Meta writes it: each UTF-8 byte escaped as a code point.
const char* kMojibakeName = "Zo\\u00c3\\u00ab \\u00f0\\u009f\\u0098\\u0080";

std::string Thread() {
  return std::string("\xEF\xBB\xBF{\n") + "  \"participants\": [{\"name\": \"" + kMojibakeName +
         "\"}, {\"name\": \"Sam\"}],\n"
         "  \"messages\": [\n"
         "    {\"sender_name\": \"" +
         kMojibakeName +
         "\", \"timestamp_ms\": 1600000300000,\n"
         "     \"content\": \"caf\\u00c3\\u00a9 \\u00e2\\u0080\\u0094 ok\",\n"
         "     \"reactions\": [{\"reaction\": \"\\u00e2\\u009d\\u00a4\", \"actor\": \"Sam\"}]},\n"
         "    {\"sender_name\": \"Sam\", \"timestamp_ms\": 1600000200000, \"is_unsent\": true},\n"
         "    {\"sender_name\": \"Sam\", \"timestamp_ms\": 1600000100000, \"content\": \"look\",\n"
         "     \"share\": {\"link\": \"https://example.org/x\", \"share_text\": \"x\"},\n"
         "     \"photos\": [{\"uri\": \"messages/inbox/sam/photos/1.jpg\", "
         "\"creation_timestamp\": 1600000000}]},\n"
         "    {\"sender_name\": \"Sam\", \"timestamp_ms\": 1600000000000, \"content\": \"Sam added "
         "Kim to the group.\", \"type\": \"Subscribe\", \"users\": [{\"name\": \"Kim\"}]}\n"
         "  ],\n"
         "  \"title\": \"" +
         kMojibakeName +
         "\",\n"
         "  \"is_still_participant\": true,\n"
         "  \"thread_path\": \"inbox/zoe_abc\"\n"
         "}\n";
}

TEST(MetaMojibake, RepairsUtf8EscapedAsLatin1) {
  EXPECT_EQ(RepairMetaMojibake("caf\xC3\x83\xC2\xA9"), "caf\xC3\xA9");  // "cafÃ©" -> "café"
  EXPECT_EQ(RepairMetaMojibake("plain ascii"), "plain ascii");
}

TEST(MetaMojibake, KeepsRealLatin1AndWiderText) {
  // "café" correctly encoded: é alone (0xE9) is not valid UTF-8 as a byte, so nothing changes.
  EXPECT_EQ(RepairMetaMojibake("caf\xC3\xA9"), "caf\xC3\xA9");
  // A code point above U+00FF means the string is not mojibake.
  EXPECT_EQ(RepairMetaMojibake("\xC3\x83\xC2\xA9 \xE2\x82\xAC"), "\xC3\x83\xC2\xA9 \xE2\x82\xAC");
}

TEST(Meta, ParsesThreadWithBomInFileOrder) {
  TempDir dir;
  const auto path = dir / "message_1.json";
  WriteFile(path, Thread());
  auto format = DetectExportFormat(path, "message_1.json");
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(*format, ExportFormat::kMetaMessagesJson);
  EXPECT_EQ(ExportFormatName(*format), "messenger-instagram-json");

  Parsed p;
  p.summary = ParseExport(path, "message_1.json", {}, [&](Message&& m) {
    p.messages.push_back(std::move(m));
    return Status::Ok();
  });
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 4u);
  EXPECT_EQ(p.summary->message_count, 4u);
  const std::string zoe = "Zo\xC3\xAB \xF0\x9F\x98\x80";
  EXPECT_EQ(p.summary->fields["participants"], nlohmann::json({zoe, "Sam"}));
  EXPECT_EQ(p.summary->fields["title"], zoe);
  EXPECT_EQ(p.summary->fields["thread_path"], "inbox/zoe_abc");
  EXPECT_EQ(p.summary->fields["is_still_participant"], true);

  const Message& first = p.messages[0];  // newest first, as in the file
  EXPECT_EQ(first.index, 0u);
  EXPECT_EQ(first.sender, zoe);
  EXPECT_EQ(*first.time, "2020-09-13T12:31:40.000Z");
  EXPECT_EQ(first.text, "caf\xC3\xA9 \xE2\x80\x94 ok");
  EXPECT_EQ(first.extra["reactions"][0]["reaction"], "\xE2\x9D\xA4");
  EXPECT_EQ(first.extra["reactions"][0]["actor"], "Sam");

  EXPECT_EQ(p.messages[1].extra["unsent"], true);
  EXPECT_EQ(p.messages[1].text, "");

  const Message& shared = p.messages[2];
  EXPECT_EQ(shared.extra["share"]["link"], "https://example.org/x");
  ASSERT_EQ(shared.attachments.size(), 1u);
  EXPECT_EQ(shared.attachments[0].name, "messages/inbox/sam/photos/1.jpg");
  EXPECT_EQ(shared.attachments[0].media_type, "image/jpeg");

  const Message& join = p.messages[3];
  EXPECT_TRUE(join.system);
  EXPECT_EQ(join.sender, "");
  EXPECT_EQ(join.extra["actor"], "Sam");
  EXPECT_EQ(join.text, "Sam added Kim to the group.");
}

TEST(Meta, InstagramWithoutParticipantsIsDetected) {
  const std::string bytes =
      "{\"messages\": [{\"sender_name\": \"A\", \"timestamp_ms\": 1579294140000, "
      "\"content\": \"hi\"}]}";
  EXPECT_TRUE(LooksLikeMetaMessagesJson(bytes));
  // The head may end anywhere inside the first message.
  EXPECT_TRUE(LooksLikeMetaMessagesJson(bytes.substr(0, 60)));
}

TEST(Meta, OtherJsonIsNotClaimed) {
  EXPECT_FALSE(LooksLikeMetaMessagesJson(
      "{\"name\": \"x\", \"type\": \"personal_chat\", \"messages\": [{\"id\": 1, \"type\": "
      "\"message\", \"date\": \"2020-01-01T00:00:00\", \"from\": \"A\", \"text\": \"hi\"}]}"));
  EXPECT_FALSE(LooksLikeMetaMessagesJson("[{\"sender_name\": \"A\", \"timestamp_ms\": 1}]"));
  EXPECT_FALSE(LooksLikeMetaMessagesJson("not json"));
  EXPECT_FALSE(LooksLikeMetaMessagesJson(""));
}

TEST(Meta, SecondsTimestampAndMissingTime) {
  Parsed p = ParseMeta(
      "{\"messages\": [{\"sender_name\": \"A\", \"timestamp\": 1400000000, \"content\": \"old\"},"
      "{\"sender_name\": \"B\", \"content\": \"no time\"},"
      "{\"sender_name\": \"C\", \"timestamp_ms\": 1.5e12, \"content\": \"float\"}, 7]}");
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 3u);
  EXPECT_EQ(*p.messages[0].time, "2014-05-13T16:53:20.000Z");
  EXPECT_FALSE(p.messages[1].time.has_value());
  EXPECT_TRUE(p.messages[1].extra.contains("date_error"));
  EXPECT_FALSE(p.messages[2].time.has_value());
  EXPECT_GE(p.summary->warnings.size(), 3u);  // two bad times and the non-object element
}

TEST(Meta, TruncatedFileIsCorruptionNamingTheOffsetAndKeepsEarlierMessages) {
  const std::string whole = Thread();
  const std::string cut = whole.substr(0, whole.find("\"is_unsent\"") + 5);
  Parsed p = ParseMeta(cut);
  ASSERT_FALSE(p.summary.ok());
  EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
  EXPECT_NE(p.summary.status().message().find("messenger: byte "), std::string::npos)
      << p.summary.status().message();
  EXPECT_EQ(p.messages.size(), 1u);
}

TEST(Meta, HostileInputIsRefusedCleanly) {
  for (const std::string& bytes :
       {std::string("[1, 2, 3]"), std::string("{\"messages\": "), std::string("{} trailing"),
        std::string(100000, '['), "{\"messages\": [" + std::string(5000, '[') + "]}",
        std::string("\"just a string\"")}) {
    Parsed p = ParseMeta(bytes);
    EXPECT_FALSE(p.summary.ok()) << bytes.substr(0, 40);
    if (!p.summary.ok()) {
      EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
    }
  }
}

TEST(JsonRecords, OversizedOrDeepRecordIsCorruption) {
  messages_internal::JsonRecordLimits limits;
  limits.max_record_bytes = 1024;
  limits.max_depth = 8;
  auto run = [&](const std::string& bytes) {
    return messages_internal::StreamJsonRecordsFromBuffer(
        bytes, "test", "messages", limits, [](nlohmann::json&&, uint64_t) { return Status::Ok(); },
        [](const std::string&, nlohmann::json&&) { return Status::Ok(); });
  };
  Status big =
      run("{\"messages\": [{\"a\": 1}, {\"content\": \"" + std::string(2000, 'x') + "\"}]}");
  EXPECT_EQ(big.code(), StatusCode::kCorruption);
  EXPECT_NE(big.message().find("message 2"), std::string::npos) << big.message();
  Status deep = run("{\"messages\": [" + std::string(20, '[') + std::string(20, ']') + "]}");
  EXPECT_EQ(deep.code(), StatusCode::kCorruption);
  Status member = run("{\"participants\": \"" + std::string(2000, 'x') + "\", \"messages\": []}");
  EXPECT_EQ(member.code(), StatusCode::kCorruption);
  EXPECT_NE(member.message().find("participants"), std::string::npos) << member.message();
  EXPECT_TRUE(run("{\"messages\": [{\"a\": 1}], \"x\": {\"y\": [1, 2]}}").ok());
}

TEST(Meta, LongTextIsCutAndFlagged) {
  ParseOptions options;
  options.max_text_bytes = 8;
  Parsed p = ParseMeta(
      "{\"messages\": [{\"sender_name\": \"A\", \"timestamp_ms\": 1, \"content\": "
      "\"0123456789abcdef\"}]}",
      options);
  ASSERT_TRUE(p.summary.ok());
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].text, "01234567");
  EXPECT_EQ(p.messages[0].extra["text_truncated"], true);
}

TEST(Meta, CallbackErrorStopsTheParse) {
  int seen = 0;
  auto summary = ParseMetaMessagesBuffer(Thread(), {}, [&](Message&&) {
    ++seen;
    return Status::IoError("disk full");
  });
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), StatusCode::kIoError);
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace evidence
