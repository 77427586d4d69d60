// Telegram Desktop JSON (result.json), on small exports written here: text as entity arrays,
// service messages, edits, forwards, media, the time rule, the full-account layout, detection,
// and damaged or hostile input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collect.hpp"
#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "messages_json.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using testing::TempDir;
using testing::WriteFile;

using testing::Parsed;

Parsed ParseTelegram(const TempDir& dir, const std::string& content, ParseOptions options = {}) {
  WriteFile(dir / "result.json", content);
  return testing::DetectAndCollect(dir / "result.json", "result.json", options);
}

const char kChat[] = R"json({
 "name": "Daniel",
 "type": "personal_chat",
 "id": 4242,
 "messages": [
  {"id": 1, "type": "service", "date": "2024-03-01T21:00:00", "date_unixtime": "1709326800",
   "actor": "Daniel", "actor_id": "user4242", "action": "phone_call", "duration_seconds": 56,
   "discard_reason": "missed", "text": "", "text_entities": []},
  {"id": 2, "type": "message", "date": "2024-03-01T21:05:00", "date_unixtime": "1709327100",
   "edited": "2024-03-01T21:06:00", "edited_unixtime": "1709327160",
   "from": "Daniel", "from_id": "user4242",
   "text": [{"type": "bold", "text": "I know"}, " where you ", {"type": "text_link",
     "text": "live", "href": "https://maps.example/home"}],
   "text_entities": [{"type": "bold", "text": "I know"}, {"type": "plain", "text": " where you "},
     {"type": "text_link", "text": "live", "href": "https://maps.example/home"}]},
  {"id": 3, "type": "message", "date": "2024-03-02T08:00:00",
   "from": "Alex", "from_id": "user7", "text": "stop", "reply_to_message_id": 2},
  {"id": 4, "type": "message", "date": "2024-03-02T08:01:00", "date_unixtime": "1709362860",
   "from": "Daniel", "from_id": "user4242", "forwarded_from": "Unknown sender",
   "photo": "photos/photo_1@02-03-2024_08-01-00.jpg", "width": 800, "height": 600,
   "text": "look at this"},
  {"id": 5, "type": "message", "date": "2024-03-02T08:02:00", "date_unixtime": "1709362920",
   "from": "Daniel", "from_id": "user4242",
   "file": "(File not included. Change data exporting settings to download.)",
   "media_type": "voice_message", "mime_type": "audio/ogg", "duration_seconds": 12, "text": ""},
  {"id": 6, "type": "message", "date": "2024-03-02T08:03:00", "date_unixtime": "1709362980",
   "from": null, "from_id": "user99", "text": "from a deleted account",
   "location_information": {"latitude": 51.5, "longitude": -0.12}}
 ]
})json";

TEST(Telegram, SingleChat) {
  TempDir dir;
  Parsed p = ParseTelegram(dir, kChat);
  ASSERT_TRUE(p.format.ok()) << p.format.status().ToString();
  EXPECT_EQ(*p.format, ExportFormat::kTelegramJson);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 6u);
  EXPECT_EQ(p.summary->message_count, 6u);
  EXPECT_EQ(p.summary->fields["chat_name"], "Daniel");
  EXPECT_EQ(p.summary->fields["chat_type"], "personal_chat");
  EXPECT_EQ(p.summary->fields["service_count"], 1);
  EXPECT_EQ(p.summary->fields["edited_count"], 1);
  EXPECT_EQ(p.summary->fields["forwarded_count"], 1);

  const Message& call = p.messages[0];
  EXPECT_TRUE(call.system);
  EXPECT_EQ(call.sender, "Daniel");  // the actor
  EXPECT_EQ(call.extra["action"], "phone_call");
  EXPECT_EQ(call.extra["service"]["duration_seconds"], 56);
  EXPECT_EQ(call.text, "[phone call, 56 s, missed]");
  EXPECT_EQ(call.extra["text_generated"], true);
  EXPECT_EQ(*call.time, "2024-03-01T21:00:00.000Z");

  const Message& threat = p.messages[1];
  EXPECT_FALSE(threat.system);
  EXPECT_EQ(threat.text, "I know where you live");
  EXPECT_EQ(threat.sender, "Daniel");
  EXPECT_EQ(threat.direction, "incoming");  // a personal chat's id is the other person's
  EXPECT_EQ(threat.extra["edited"], "2024-03-01T21:06:00.000Z");
  EXPECT_EQ(threat.extra["links"][0]["href"], "https://maps.example/home");
  EXPECT_EQ(threat.extra["date"], "2024-03-01T21:05:00");
  EXPECT_EQ(threat.extra["id"], 2);

  // No date_unixtime: the local wall time, without zone.
  EXPECT_EQ(*p.messages[2].time, "2024-03-02T08:00:00");
  EXPECT_EQ(p.messages[2].direction, "outgoing");
  EXPECT_EQ(p.messages[2].extra["reply_to_message_id"], 2);

  const Message& fwd = p.messages[3];
  EXPECT_EQ(fwd.extra["forwarded_from"], "Unknown sender");
  ASSERT_EQ(fwd.attachments.size(), 1u);
  EXPECT_EQ(fwd.attachments[0].name, "photos/photo_1@02-03-2024_08-01-00.jpg");
  EXPECT_EQ(fwd.attachments[0].media_type, "image/jpeg");
  EXPECT_FALSE(fwd.attachments[0].size.has_value());

  const Message& voice = p.messages[4];
  ASSERT_EQ(voice.attachments.size(), 1u);
  EXPECT_EQ(voice.attachments[0].name, "");
  EXPECT_EQ(voice.attachments[0].media_type, "audio/ogg");
  EXPECT_EQ(voice.extra["media_type"], "voice_message");
  EXPECT_TRUE(voice.extra.contains("media_not_included"));

  const Message& deleted = p.messages[5];
  EXPECT_EQ(deleted.sender, "");
  EXPECT_EQ(deleted.extra["from_deleted"], true);
  // Coordinates are kept as their text: no float reaches a message.
  EXPECT_EQ(deleted.extra["location_information"]["latitude"], "51.5");
  EXPECT_EQ(p.summary->fields["time_zone"].get<std::string>().rfind("mixed", 0), 0u);
}

TEST(Telegram, FullAccountExport) {
  TempDir dir;
  Parsed p = ParseTelegram(dir, R"({
 "about": "Here is the data you requested. Remember: Telegram is ad free...",
 "personal_information": {"user_id": 7, "first_name": "Alex", "last_name": "Doe",
                          "phone_number": "+44 0000"},
 "contacts": {"about": "x", "list": [{"first_name": "Daniel", "date": "2020-01-01T00:00:00"}]},
 "chats": {"about": "y", "list": [
   {"name": "Daniel", "type": "personal_chat", "id": 4242, "messages": [
     {"id": 1, "type": "message", "date": "2024-03-01T21:05:00", "date_unixtime": "1709327100",
      "from": "Daniel", "from_id": "user4242", "text": "answer me"},
     {"id": 2, "type": "message", "date": "2024-03-01T21:06:00", "date_unixtime": "1709327160",
      "from": "Alex Doe", "from_id": "user7", "text": "no"}]},
   {"name": "Group", "type": "private_group", "id": 11, "messages": [
     {"id": 9, "type": "service", "date": "2024-03-03T10:00:00", "date_unixtime": "1709460000",
      "actor": "Daniel", "actor_id": "user4242", "action": "invite_members",
      "members": ["Sam", "Kim"], "text": ""}]}]},
 "left_chats": {"about": "z", "list": [
   {"name": "Old", "type": "private_supergroup", "id": 12, "messages": [
     {"id": 1, "type": "message", "date_unixtime": "1709470000", "from": "Daniel",
      "from_id": "user4242", "text": "you cannot leave"}]}]}
})");
  ASSERT_TRUE(p.format.ok()) << p.format.status().ToString();
  EXPECT_EQ(*p.format, ExportFormat::kTelegramJson);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 4u);
  EXPECT_EQ(p.summary->fields["layout"], "account");
  EXPECT_EQ(p.summary->fields["chats"], 3);
  EXPECT_EQ(p.summary->fields["owner_user_id"], 7);
  EXPECT_EQ(p.summary->fields["time_zone"], "UTC");
  EXPECT_EQ(p.messages[0].direction, "incoming");
  EXPECT_EQ(p.messages[1].direction, "outgoing");
  EXPECT_EQ(p.messages[0].extra["chat"], "Daniel");
  EXPECT_EQ(p.messages[2].extra["chat"], "Group");
  EXPECT_EQ(p.messages[2].text, "[invite members: Sam, Kim]");
  EXPECT_EQ(p.messages[3].extra["chat"], "Old");
  EXPECT_EQ(p.messages[3].extra["chat_type"], "private_supergroup");
  EXPECT_EQ(p.messages[3].text, "you cannot leave");
  for (size_t i = 0; i < p.messages.size(); ++i) EXPECT_EQ(p.messages[i].index, i);
}

TEST(Telegram, DetectionByContent) {
  using messages_internal::LooksLikeDiscordJson;
  using messages_internal::LooksLikeTelegramJson;
  EXPECT_TRUE(LooksLikeTelegramJson(kChat));
  EXPECT_FALSE(LooksLikeDiscordJson(kChat));
  // A chat whose header was dropped: the first message's shape decides.
  EXPECT_TRUE(LooksLikeTelegramJson(
      R"({"messages": [{"type": "message", "date_unixtime": "1", "from": "A", "text": "x"}]})"));
  // An empty chat, told by its type.
  EXPECT_TRUE(LooksLikeTelegramJson(R"({"name": "A", "type": "private_channel", "id": 1,
      "messages": []})"));
  EXPECT_TRUE(LooksLikeTelegramJson(R"({"chats": {"list": []}})"));
  // Meta (Messenger, Instagram) and Google Chat have a "messages" array too.
  EXPECT_FALSE(LooksLikeTelegramJson(
      R"({"participants": [{"name": "A"}], "messages": [{"sender_name": "A",
          "timestamp_ms": 1, "content": "x", "type": "Generic"}]})"));
  EXPECT_FALSE(LooksLikeTelegramJson(
      R"({"messages": [{"sender_name": "A", "timestamp_ms": 1, "content": "x"}]})"));
  EXPECT_FALSE(LooksLikeTelegramJson(R"({"messages": [{"creator": {"name": "A"},
      "created_date": "Monday, January 7, 2019 at 7:25:08 PM UTC", "text": "x"}]})"));
  EXPECT_FALSE(LooksLikeTelegramJson(R"({"messages": [{"type": "message", "from": "A"}]})"));
  EXPECT_FALSE(LooksLikeTelegramJson(R"([{"type": "message"}])"));
  EXPECT_FALSE(LooksLikeTelegramJson("not json"));
  EXPECT_FALSE(LooksLikeTelegramJson(""));
}

TEST(Telegram, TruncatedFileKeepsWhatCameBefore) {
  TempDir dir;
  std::string cut = kChat;
  cut.resize(cut.find("{\"id\": 4,") + 20);
  Parsed p = ParseTelegram(dir, cut);
  ASSERT_TRUE(p.format.ok());
  ASSERT_FALSE(p.summary.ok());
  EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
  EXPECT_NE(p.summary.status().message().find("telegram: byte "), std::string::npos);
  EXPECT_NE(p.summary.status().message().find("ends inside"), std::string::npos)
      << p.summary.status().message();
  EXPECT_EQ(p.messages.size(), 3u);
}

TEST(Telegram, HostileInput) {
  TempDir dir;
  {  // Nesting deeper than any export: refused, not recursed into.
    std::string deep = R"({"name": "A", "type": "personal_chat", "id": 1, "messages": [{"x": )";
    for (int i = 0; i < 100000; ++i) deep += '[';
    Parsed p = ParseTelegram(dir, deep);
    ASSERT_FALSE(p.summary.ok());
    EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
    EXPECT_NE(p.summary.status().message().find("nesting"), std::string::npos);
  }
  {  // A text longer than the limit is cut, with a warning.
    ParseOptions options;
    options.max_text_bytes = 1000;
    std::string long_text(5000, 'a');
    long_text += "\xC3\xA9";  // é, so the cut must respect UTF-8
    Parsed p =
        ParseTelegram(dir,
                      R"({"type": "personal_chat", "messages": [{"type": "message", "date": )"
                      R"("2024-01-01T00:00:00", "from": "A", "text": ")" +
                          long_text + "\"}]}",
                      options);
    ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
    ASSERT_EQ(p.messages.size(), 1u);
    EXPECT_EQ(p.messages[0].text.size(), 1000u);
    EXPECT_EQ(p.messages[0].extra["text_truncated"], true);
    EXPECT_FALSE(p.summary->warnings.empty());
  }
  {  // Entries that are not objects, wrong types and impossible dates never stop the parse.
    Parsed p = ParseTelegram(dir, R"({"type": "personal_chat", "id": "x", "messages": [
        7, "text", null,
        {"type": "message", "date": "2024-02-30T00:00:00", "from": ["A"], "text": {"a": 1}},
        {"type": "message", "date_unixtime": "99999999999999", "from": 5, "text": [1, {"text": 2}]},
        {"type": "service", "date": "2024-01-01T00:00:00", "action": null, "members": [null, 1]}
      ]})");
    ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
    ASSERT_EQ(p.messages.size(), 3u);
    EXPECT_FALSE(p.messages[0].time.has_value());
    EXPECT_FALSE(p.messages[1].time.has_value());
    EXPECT_EQ(p.summary->fields["skipped_entries"], 3);
    EXPECT_GE(p.summary->warnings.size(), 5u);
  }
  {  // The top level must be an object; trailing garbage after it is damage.
    Parsed p = ParseTelegram(dir, std::string(kChat) + "garbage");
    ASSERT_FALSE(p.summary.ok());
    EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(p.messages.size(), 6u);
  }
  {  // Invalid UTF-8 inside a string is malformed JSON: refused with its offset.
    Parsed p = ParseTelegram(dir,
                             "{\"type\": \"personal_chat\", \"messages\": [{\"type\": \"message\", "
                             "\"date\": \"2024-01-01T00:00:00\", \"text\": \"\xFF\"}]}");
    ASSERT_FALSE(p.summary.ok());
    EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
  }
}

TEST(Telegram, ACallbackErrorStopsTheParse) {
  TempDir dir;
  const auto path = dir / "result.json";
  WriteFile(path, kChat);
  int seen = 0;
  auto r = ParseExport(path, "", {}, [&](Message&&) {
    return ++seen == 2 ? Status::IoError("disk full") : Status::Ok();
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_EQ(seen, 2);
}

// A string too long to hold is refused before nlohmann has gathered all of it.
TEST(JsonStream, TokenLimit) {
  struct Keep final : messages_internal::JsonStreamHandler {
    bool Want(const messages_internal::JsonPath&) override { return true; }
    Status OnValue(const messages_internal::JsonPath&, nlohmann::json&&,
                   const messages_internal::JsonCapture&) override {
      ++values;
      return Status::Ok();
    }
    int values = 0;
  } keep;
  TempDir dir;
  const auto path = dir / "big.json";
  WriteFile(path, R"({"a": 1, "b": ")" + std::string(2 << 20, 'x') + R"("})");
  messages_internal::JsonStreamLimits limits;
  limits.max_token_bytes = 1000;
  Status st = messages_internal::StreamJsonFile(path, "test", limits, keep);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("without a complete JSON token"), std::string::npos) << st.message();
  EXPECT_EQ(keep.values, 1);
  limits.max_token_bytes = 16u << 20;
  keep.values = 0;
  EXPECT_TRUE(messages_internal::StreamJsonFile(path, "test", limits, keep).ok());
  EXPECT_EQ(keep.values, 2);
}

// Without "text", the text comes from text_entities; with it, text_entities is not needed.
TEST(Telegram, TextFromEntitiesAlone) {
  TempDir dir;
  Parsed p = ParseTelegram(dir, R"({"type": "private_group", "messages": [
      {"type": "message", "date": "2024-01-01T00:00:00", "from": "A",
       "text_entities": [{"type": "plain", "text": "see "},
                         {"type": "text_link", "text": "this", "href": "https://x.example"}]}]})");
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].text, "see this");
  EXPECT_EQ(p.messages[0].extra["links"][0]["href"], "https://x.example");
  EXPECT_EQ(p.messages[0].direction, "");  // a group export does not say whose it is
}

TEST(JsonDateTime, Grammar) {
  using messages_internal::ParseIsoDateTime;
  auto local = ParseIsoDateTime("2019-07-12T16:55:32");
  ASSERT_TRUE(local);
  EXPECT_FALSE(local->has_zone);
  EXPECT_EQ(local->Format(), "2019-07-12T16:55:32");
  auto z = ParseIsoDateTime("2017-01-01T06:20:09.248Z");
  ASSERT_TRUE(z);
  EXPECT_EQ(z->Format(), "2017-01-01T06:20:09.248Z");
  auto off = ParseIsoDateTime("2023-01-06T15:03:03.8531234+01:00");
  ASSERT_TRUE(off);
  EXPECT_EQ(off->Format(), "2023-01-06T15:03:03.853+01:00");
  EXPECT_EQ(off->UnixMillis(), ParseIsoDateTime("2023-01-06T14:03:03.853Z")->UnixMillis());
  EXPECT_EQ(ParseIsoDateTime("1970-01-01T00:00:00Z")->UnixMillis(), 0);
  EXPECT_EQ(ParseIsoDateTime("2019-01-04T17:52:39.762+00:00")->Format(),
            "2019-01-04T17:52:39.762Z");
  for (const char* bad :
       {"", "2019-07-12", "2019-13-01T00:00:00", "2019-02-29T00:00:00", "2019-07-12T24:00:00",
        "2019-07-12T16:55:32+", "2019-07-12T16:55:32Zx", "2019-07-12T16:55:32.",
        "2019-07-12T16:55:32+25:00", "x019-07-12T16:55:32"}) {
    EXPECT_FALSE(ParseIsoDateTime(bad)) << bad;
  }
}

}  // namespace
}  // namespace evidence
