// DiscordChatExporter JSON, on small exports written here: DMs with calls, guild channels with
// edits, attachments and embeds, duplicate ids, offsets, detection, and damaged input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collect.hpp"
#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using testing::TempDir;
using testing::WriteFile;

using testing::Parsed;

Parsed ParseDiscord(const TempDir& dir, const std::string& content) {
  WriteFile(dir / "channel.json", content);
  return testing::DetectAndCollect(dir / "channel.json", "channel.json");
}

std::string Author(const std::string& id, const std::string& name, const std::string& nick) {
  return R"({"id": ")" + id + R"(", "name": ")" + name + R"(", "discriminator": "0000", )" +
         R"("nickname": ")" + nick + R"(", "color": null, "isBot": false, "avatarUrl": ""})";
}

std::string Msg(const std::string& id, const std::string& type, const std::string& ts,
                const std::string& content, const std::string& author,
                const std::string& more = "") {
  return R"({"id": ")" + id + R"(", "type": ")" + type + R"(", "timestamp": ")" + ts +
         R"(", "timestampEdited": null, "callEndedTimestamp": null, "isPinned": false, )" +
         R"("content": ")" + content + R"(", "author": )" + author +
         R"(, "attachments": [], "embeds": [], "stickers": [], "reactions": [], "mentions": [])" +
         more + "}";
}

std::string Export(const std::string& channel_type, const std::string& messages, int count) {
  return R"({"guild": {"id": "0", "name": "Direct Messages", "iconUrl": ""},
 "channel": {"id": "55", "type": ")" +
         channel_type + R"(", "categoryId": "0", "category": "Private", "name": "dan",
             "topic": null},
 "dateRange": {"after": null, "before": null},
 "exportedAt": "2024-03-05T10:00:00.000+00:00",
 "messages": [)" +
         messages + R"(],
 "messageCount": )" +
         std::to_string(count) + "}";
}

const std::string kDan = Author("111", "dan.marsh", "Danny");
const std::string kAlex = Author("222", "alex", "alex");

TEST(Discord, DirectMessagesWithCallsAndDuplicates) {
  TempDir dir;
  const std::string call =
      R"({"id": "3", "type": "Call", "timestamp": "2024-03-01T22:00:00.000+00:00",
          "timestampEdited": null, "callEndedTimestamp": "2024-03-01T22:04:11.500+00:00",
          "isPinned": false, "content": "Started a call that lasted 4 minutes.", "author": )" +
      kDan + R"(, "attachments": [], "embeds": [], "reactions": [], "mentions": []})";
  Parsed p = ParseDiscord(
      dir,
      Export("DirectTextChat",
             Msg("1", "Default", "2024-03-01T21:00:00.123+00:00", "answer me", kDan) + "," +
                 Msg("2", "Default", "2024-03-01T21:01:00.000+00:00", "no", kAlex) + "," + call +
                 "," +
                 // The same message again, as merged exports of overlapping ranges give.
                 Msg("1", "Default", "2024-03-01T21:00:00.123+00:00", "answer me", kDan) + "," +
                 Msg("4", "Reply", "2024-03-01T23:30:00.000+01:00", "I am outside", kDan,
                     R"(, "reference": {"messageId": "2", "channelId": "55"})"),
             5));
  ASSERT_TRUE(p.format.ok()) << p.format.status().ToString();
  EXPECT_EQ(*p.format, ExportFormat::kDiscordJson);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 4u);
  EXPECT_EQ(p.summary->message_count, 4u);
  const auto& f = p.summary->fields;
  EXPECT_EQ(f["channel_type"], "DirectTextChat");
  EXPECT_EQ(f["duplicate_ids"], 1);
  EXPECT_EQ(f["call_count"], 1);
  EXPECT_EQ(f["system_count"], 1);
  EXPECT_EQ(f["declared_count"], 5);
  bool noted = false;
  for (const auto& w : p.summary->warnings) noted |= w.find("counted once") != std::string::npos;
  EXPECT_TRUE(noted);

  const Message& first = p.messages[0];
  EXPECT_EQ(first.sender, "dan.marsh");
  EXPECT_EQ(first.extra["author_nickname"], "Danny");
  EXPECT_EQ(first.extra["author_id"], "111");
  EXPECT_EQ(first.text, "answer me");
  EXPECT_EQ(*first.time, "2024-03-01T21:00:00.123Z");
  EXPECT_FALSE(first.system);
  EXPECT_FALSE(p.messages[1].extra.contains("author_nickname"));  // same as the name

  const Message& c = p.messages[2];
  EXPECT_TRUE(c.system);
  EXPECT_EQ(c.extra["type"], "Call");
  EXPECT_EQ(c.extra["call_duration_seconds"], 251);
  EXPECT_EQ(c.extra["call_ended"], "2024-03-01T22:04:11.500Z");
  EXPECT_EQ(c.text, "Started a call that lasted 4 minutes.");

  const Message& reply = p.messages[3];
  EXPECT_FALSE(reply.system);
  EXPECT_EQ(*reply.time, "2024-03-01T23:30:00.000+01:00");  // the stated offset is kept
  EXPECT_EQ(reply.extra["reply_to"], "2");
  for (size_t i = 0; i < p.messages.size(); ++i) EXPECT_EQ(p.messages[i].index, i);
}

TEST(Discord, GuildChannelWithEditsAttachmentsAndEmbeds) {
  TempDir dir;
  const std::string rich =
      R"({"id": "10", "type": "Default", "timestamp": "2024-03-02T10:00:00.000+00:00",
          "timestampEdited": "2024-03-02T10:05:00.000+00:00", "callEndedTimestamp": null,
          "isPinned": true, "content": "see \ud83d\udc40", "author": )" +
      kDan + R"(,
          "attachments": [{"id": "9", "url": "chan.json_Files\\photo-1A2B3.jpg",
                           "fileName": "photo.jpg", "fileSizeBytes": 42900}],
          "embeds": [{"title": "Your street", "url": "https://maps.example/x", "timestamp": null,
                      "description": "a map", "color": "#1E2327", "fields": [],
                      "thumbnail": {"url": "t.png", "width": 10, "height": 10}}],
          "stickers": [{"id": "7", "name": "wave", "format": "Png",
                        "sourceUrl": "https://cdn.example/stickers/7.png?size=160"}],
          "reactions": [{"emoji": {"id": "", "name": "\ud83d\ude21"}, "count": 2}],
          "mentions": [{"id": "222", "name": "alex"}]})";
  Parsed p = ParseDiscord(
      dir, Export("GuildTextChat",
                  Msg("9", "GuildMemberJoin", "2024-03-02T09:00:00.000+00:00", "Joined the server.",
                      kDan) +
                      "," + rich + "," +
                      Msg("11", "ChannelPinnedMessage", "2024-03-02T10:06:00.000+00:00",
                          "Pinned a message.", kAlex) +
                      "," + Msg("12", "20", "2024-03-02T10:07:00.000+00:00", "bot says", kAlex) +
                      "," + Msg("13", "7", "2024-03-02T10:08:00.000+00:00", "joined", kAlex),
                  5));
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 5u);
  EXPECT_TRUE(p.messages[0].system);
  EXPECT_TRUE(p.messages[2].system);
  EXPECT_FALSE(p.messages[3].system);  // an unknown kind past Discord's notices
  EXPECT_TRUE(p.messages[4].system);   // a notice written by its number

  const Message& m = p.messages[1];
  EXPECT_EQ(m.text, "see \xF0\x9F\x91\x80");
  EXPECT_EQ(m.extra["edited"], "2024-03-02T10:05:00.000Z");
  EXPECT_EQ(m.extra["pinned"], true);
  ASSERT_EQ(m.attachments.size(), 2u);
  EXPECT_EQ(m.attachments[0].name, "photo.jpg");
  EXPECT_EQ(m.attachments[0].media_type, "image/jpeg");
  EXPECT_FALSE(m.attachments[0].size.has_value());  // stated, not held: kept in extra
  EXPECT_EQ(m.extra["attachments"][0]["declared_size"], 42900);
  EXPECT_EQ(m.attachments[1].name, "7.png");
  EXPECT_EQ(m.extra["stickers"][0], "wave");
  EXPECT_EQ(m.extra["embeds"][0]["title"], "Your street");
  EXPECT_EQ(m.extra["reactions"][0]["count"], 2);
  EXPECT_EQ(m.extra["mentions"][0], "alex");
  EXPECT_EQ(p.summary->fields["edited_count"], 1);
}

TEST(Discord, DetectionByContent) {
  using messages_internal::LooksLikeDiscordJson;
  using messages_internal::LooksLikeTelegramJson;
  const std::string dm =
      Export("DirectTextChat", Msg("1", "Default", "2024-03-01T21:00:00Z", "x", kDan), 1);
  EXPECT_TRUE(LooksLikeDiscordJson(dm));
  EXPECT_FALSE(LooksLikeTelegramJson(dm));
  EXPECT_FALSE(LooksLikeDiscordJson(R"({"guild": "x", "channel": {}, "messages": []})"));
  EXPECT_FALSE(LooksLikeDiscordJson(R"({"guild": {}, "channel": {}, "messages": {}})"));
  EXPECT_FALSE(LooksLikeDiscordJson(R"({"channel": {}, "messages": []})"));
  EXPECT_FALSE(LooksLikeDiscordJson(
      R"({"participants": [], "messages": [{"sender_name": "A", "timestamp_ms": 1}]})"));
  EXPECT_FALSE(LooksLikeDiscordJson("[]"));
}

TEST(Discord, DamagedInput) {
  TempDir dir;
  const std::string whole =
      Export("DirectTextChat",
             Msg("1", "Default", "2024-03-01T21:00:00.000+00:00", "one", kDan) + "," +
                 Msg("2", "Default", "not a time", "two", kDan) + "," +
                 Msg("3", "Default", "2024-03-01T21:02:00.000+00:00", "three", kDan),
             3);
  {
    Parsed p = ParseDiscord(dir, whole);
    ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
    ASSERT_EQ(p.messages.size(), 3u);
    EXPECT_FALSE(p.messages[1].time.has_value());
    EXPECT_FALSE(p.summary->warnings.empty());
  }
  {  // Cut inside the third message: the first two are kept, the error names the byte.
    Parsed p = ParseDiscord(dir, whole.substr(0, whole.find("three")));
    ASSERT_FALSE(p.summary.ok());
    EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
    EXPECT_NE(p.summary.status().message().find("discord: byte "), std::string::npos);
    EXPECT_EQ(p.messages.size(), 2u);
  }
  {  // Wrong types everywhere: no crash, no exception, every entry accounted for.
    Parsed p = ParseDiscord(dir, R"({"guild": {"name": 5}, "channel": {"type": []}, "messages": [
        1, {"id": 5, "type": null, "timestamp": 3, "content": {"x": 1}, "author": "me",
            "attachments": {}, "embeds": [1, {"fields": [2]}], "stickers": [null],
            "reactions": [{"emoji": 1}], "mentions": [3], "reference": 4}], "messageCount": "x"})");
    ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
    ASSERT_EQ(p.messages.size(), 1u);
    EXPECT_EQ(p.summary->fields["skipped_entries"], 1);
    EXPECT_EQ(p.messages[0].extra["id"], "5");
  }
}

}  // namespace
}  // namespace evidence
