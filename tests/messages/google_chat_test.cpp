// Google Chat Takeout messages.json, on small exports written here: the prose dates and their
// zones, attachments and links, and hostile input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collect.hpp"
#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using messages_internal::LooksLikeGoogleChatJson;
using messages_internal::LooksLikeMetaMessagesJson;
using messages_internal::ParseGoogleChatBuffer;
using messages_internal::ParseGoogleChatDate;
using testing::TempDir;
using testing::WriteFile;

using testing::Parsed;

Parsed ParseGoogleChat(const std::string& bytes) {
  return testing::Collect([&](const messages_internal::MessageCallback& cb) {
    return ParseGoogleChatBuffer(bytes, {}, cb);
  });
}

const char* kSpace = R"({
  "messages": [
    {
      "creator": {"name": "Ann Example", "email": "ann@example.org", "user_type": "Human"},
      "created_date": "Wednesday, April 15, 2015 at 6:24:13 PM UTC",
      "text": "I know where you live\nand work",
      "topic_id": "t1",
      "message_id": "s/t1/t1"
    },
    {
      "creator": {"name": "Ann Example", "email": "ann@example.org", "user_type": "Human"},
      "created_date": "Thursday, April 16, 2015 at 12:05:00 AM UTC",
      "attached_files": [{"original_name": "house.jpg", "export_name": "File-house.jpg"}],
      "annotations": [{"start_index": 0, "length": 5, "url_metadata": {"title": "Map",
        "url": {"private_do_not_access_or_else_safe_url_wrapped_value": "https://maps.example/x"}}}],
      "topic_id": "t2",
      "message_id": "s/t2/t2"
    },
    {
      "creator": {"name": "Bo", "email": "bo@example.org", "user_type": "Human"},
      "created_date": "Friday, April 17, 2015 at 12:30:00 PM UTC",
      "updated_date": "Friday, April 17, 2015 at 12:31:00 PM UTC",
      "text": "stop"
    }
  ]
})";

TEST(GoogleChatDate, ParsesTakeoutProse) {
  EXPECT_EQ(*ParseGoogleChatDate("Wednesday, April 15, 2015 at 6:24:13 PM UTC"),
            "2015-04-15T18:24:13Z");
  EXPECT_EQ(*ParseGoogleChatDate("Wednesday, April 15, 2015 at 12:51:08 AM UTC"),
            "2015-04-15T00:51:08Z");
  EXPECT_EQ(*ParseGoogleChatDate("Monday, August 25, 2014 at 12:29:21 PM UTC"),
            "2014-08-25T12:29:21Z");
  // Newer exports put a narrow no-break space before the AM/PM marker.
  EXPECT_EQ(*ParseGoogleChatDate("Monday, January 7, 2019 at 7:25:08\xE2\x80\xAFPM UTC"),
            "2019-01-07T19:25:08Z");
}

TEST(GoogleChatDate, KeepsAStatedOffset) {
  EXPECT_EQ(*ParseGoogleChatDate("Monday, January 7, 2019 at 7:25:08 PM GMT+05:30"),
            "2019-01-07T19:25:08+05:30");
  EXPECT_EQ(*ParseGoogleChatDate("Monday, January 7, 2019 at 7:25:08 PM PST"),
            "2019-01-07T19:25:08-08:00");
  EXPECT_EQ(*ParseGoogleChatDate("Monday, January 7, 2019 at 19:25:08 UTC-7"),
            "2019-01-07T19:25:08-07:00");
}

TEST(GoogleChatDate, RefusesWhatIsNotADate) {
  for (const char* bad :
       {"", "yesterday", "Monday, Smarch 7, 2019 at 7:25:08 PM UTC",
        "Monday, February 30, 2019 at 7:25:08 PM UTC", "Monday, January 7, 2019 at 13:25:08 PM UTC",
        "Monday, January 7, 2019 at 7:25:08 PM Mars/Olympus",
        "Monday, January 7, 2019 at 7:25:08 PM UTC extra"}) {
    EXPECT_FALSE(ParseGoogleChatDate(bad).has_value()) << bad;
  }
}

TEST(GoogleChat, ParsesSpace) {
  TempDir dir;
  const auto path = dir / "messages.json";
  WriteFile(path, kSpace);
  auto format = DetectExportFormat(path, "messages.json");
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(*format, ExportFormat::kGoogleChatJson);
  EXPECT_EQ(ExportFormatName(*format), "google-chat-json");
  EXPECT_FALSE(LooksLikeMetaMessagesJson(kSpace));

  Parsed p;
  p.summary = ParseExport(path, "messages.json", {}, [&](Message&& m) {
    p.messages.push_back(std::move(m));
    return Status::Ok();
  });
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 3u);
  const Message& first = p.messages[0];
  EXPECT_EQ(first.sender, "Ann Example");
  EXPECT_EQ(first.extra["sender_email"], "ann@example.org");
  EXPECT_EQ(*first.time, "2015-04-15T18:24:13Z");
  EXPECT_EQ(first.text, "I know where you live\nand work");
  EXPECT_EQ(first.extra["message_id"], "s/t1/t1");

  const Message& photo = p.messages[1];
  ASSERT_EQ(photo.attachments.size(), 1u);
  EXPECT_EQ(photo.attachments[0].name, "File-house.jpg");
  EXPECT_EQ(photo.attachments[0].media_type, "image/jpeg");
  EXPECT_EQ(photo.extra["attached_files"][0]["original_name"], "house.jpg");
  EXPECT_EQ(photo.extra["links"][0]["url"], "https://maps.example/x");

  EXPECT_EQ(p.messages[2].extra["updated_time"], "2015-04-17T12:31:00Z");
}

TEST(GoogleChat, BadDateIsKeptWithAWarning) {
  Parsed p = ParseGoogleChat(
      R"({"messages": [{"creator": {"name": "A"}, "created_date": "soon", "text": "x"},
                       {"creator": "not an object", "text": 5}]})");
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_FALSE(p.messages[0].time.has_value());
  EXPECT_EQ(p.messages[0].extra["date_raw"], "soon");
  EXPECT_EQ(p.messages[1].sender, "");
  EXPECT_EQ(p.messages[1].text, "");
  EXPECT_EQ(p.summary->warnings.size(), 2u);
}

TEST(GoogleChat, DetectionNeedsCreatorAndDate) {
  EXPECT_TRUE(LooksLikeGoogleChatJson(std::string(kSpace).substr(0, 200)));
  EXPECT_FALSE(LooksLikeGoogleChatJson(R"({"messages": [{"from": "A", "date": "x"}]})"));
  EXPECT_FALSE(LooksLikeGoogleChatJson(R"({"messages": []})"));
  EXPECT_FALSE(LooksLikeGoogleChatJson("<html>"));
}

TEST(GoogleChat, TruncatedAndHostileInput) {
  const std::string whole = kSpace;
  Parsed cut = ParseGoogleChat(whole.substr(0, whole.find("\"attached_files\"")));
  ASSERT_FALSE(cut.summary.ok());
  EXPECT_EQ(cut.summary.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(cut.messages.size(), 1u);
  for (const std::string& bytes :
       {std::string("{\"messages\": [\"\\ud800\"]}"), std::string("\xFF\xFE{}"),
        std::string("{\"messages\": [{\"text\": \"\xC3\x28\"}]}"), std::string(50000, '{')}) {
    Parsed p = ParseGoogleChat(bytes);
    EXPECT_FALSE(p.summary.ok());
  }
}

}  // namespace
}  // namespace evidence
