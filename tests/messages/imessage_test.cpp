// iMessage conversations rendered by imessage-exporter, HTML and TXT, on small exports written
// here in the exporter's layout: directions, replies, reactions, edits, announcements, and hostile
// or truncated input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collect.hpp"
#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using messages_internal::LooksLikeIMessageHtml;
using messages_internal::LooksLikeIMessageText;
using messages_internal::LooksLikeWhatsAppText;
using messages_internal::ParseIMessageHtmlBuffer;
using messages_internal::ParseIMessageTextBuffer;
using messages_internal::ParseIMessageTimestamp;
using testing::TempDir;
using testing::WriteFile;

using testing::Parsed;

Parsed ParseIMessageText(const std::string& bytes, ParseOptions options = {}) {
  return testing::Collect([&](const messages_internal::MessageCallback& cb) {
    return ParseIMessageTextBuffer(bytes, options, cb);
  });
}

Parsed ParseIMessageHtml(const std::string& bytes) {
  return testing::Collect([&](const messages_internal::MessageCallback& cb) {
    return ParseIMessageHtmlBuffer(bytes, {}, cb);
  });
}

// The TXT layout: stamp line, sender line, body, blank line; replies indented by four spaces.
const char* kText =
    "May 17, 2022  5:29:42 PM\n"
    "Me\n"
    "Hello world\n"
    "\n"
    "May 17, 2022  5:30:01 PM (Read by you after 1 minute)\n"
    "Sample Contact\n"
    "I know where you are\n"
    "Reactions:\n"
    "Loved by Me\n"
    "    May 17, 2022  5:31:00 PM\n"
    "    Me\n"
    "    please stop\n"
    "    /Users/me/Library/Messages/Attachments/ab/01/IMG_0001.HEIC\n"
    "    May 17, 2022  5:31:30 PM\n"
    "    Sample Contact\n"
    "    no\n"
    "\n"
    "May 17, 2022  5:32:00 PM You named the conversation Stalker\n"
    "\n"
    "May 17, 2022  6:00:00 PM\n"
    "Sample Contact\n"
    "May 17, 2022  5:59:00 PM first version\n"
    "Edited 9 seconds later: second version\n"
    "\n"
    "Dec 01, 2022 12:10:00 AM\n"
    "Sample Contact\n"
    "line one\n"
    "\n"
    "line three after a blank line\n"
    "This message responded to an earlier message.\n"
    "\n";

TEST(IMessageTimestamp, ParsesTheExporterClock) {
  size_t consumed = 0;
  EXPECT_EQ(*ParseIMessageTimestamp("May 17, 2022  5:29:42 PM", &consumed), "2022-05-17T17:29:42");
  EXPECT_EQ(consumed, 24u);
  EXPECT_EQ(*ParseIMessageTimestamp("Jul 17, 2022 5:04:04 PM (Read by you)", &consumed),
            "2022-07-17T17:04:04");
  EXPECT_EQ(*ParseIMessageTimestamp("Dec 01, 2022 12:10:00 AM", nullptr), "2022-12-01T00:10:00");
  EXPECT_EQ(*ParseIMessageTimestamp("Dec 01, 2022 12:10:00 PM", nullptr), "2022-12-01T12:10:00");
  for (const char* bad : {"", "May", "May 17 2022  5:29:42 PM", "Mai 17, 2022  5:29:42 PM",
                          "Feb 30, 2022  5:29:42 PM", "May 17, 2022 13:29:42 PM",
                          "May 17, 2022  5:29:42", "May 17, 2022  5:29:42 PMx"}) {
    EXPECT_FALSE(ParseIMessageTimestamp(bad, nullptr).has_value()) << bad;
  }
}

TEST(IMessageText, ParsesBlocksRepliesAndAnnouncements) {
  TempDir dir;
  const auto path = dir / "+15558675309.txt";
  WriteFile(path, kText);
  auto format = DetectExportFormat(path, path.filename().string());
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(*format, ExportFormat::kIMessageText);
  EXPECT_EQ(ExportFormatName(*format), "imessage-text");

  Parsed p = ParseIMessageText(kText);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 7u);
  EXPECT_TRUE(p.summary->warnings.empty()) << p.summary->warnings.front();
  for (size_t i = 0; i < p.messages.size(); ++i) EXPECT_EQ(p.messages[i].index, i);

  EXPECT_EQ(p.messages[0].sender, "Me");
  EXPECT_EQ(p.messages[0].direction, "outgoing");
  EXPECT_EQ(*p.messages[0].time, "2022-05-17T17:29:42");
  EXPECT_EQ(p.messages[0].text, "Hello world");

  const Message& threat = p.messages[1];
  EXPECT_EQ(threat.sender, "Sample Contact");
  EXPECT_EQ(threat.direction, "incoming");
  EXPECT_EQ(threat.text, "I know where you are");
  EXPECT_EQ(threat.extra["reactions"], nlohmann::json({"Loved by Me"}));
  EXPECT_EQ(threat.extra["read_receipt"], "(Read by you after 1 minute)");

  const Message& reply = p.messages[2];
  EXPECT_EQ(reply.sender, "Me");
  EXPECT_EQ(reply.text, "please stop");
  EXPECT_EQ(reply.extra["reply_to_line"], 5);
  ASSERT_EQ(reply.attachments.size(), 1u);
  EXPECT_EQ(reply.attachments[0].name,
            "/Users/me/Library/Messages/Attachments/ab/01/IMG_0001.HEIC");
  EXPECT_EQ(reply.attachments[0].media_type, "image/heic");
  EXPECT_EQ(p.messages[3].sender, "Sample Contact");
  EXPECT_EQ(p.messages[3].text, "no");
  EXPECT_EQ(p.messages[3].extra["reply_to_line"], 5);

  const Message& notice = p.messages[4];
  EXPECT_TRUE(notice.system);
  EXPECT_EQ(notice.sender, "");
  EXPECT_EQ(notice.text, "You named the conversation Stalker");
  EXPECT_EQ(*notice.time, "2022-05-17T17:32:00");

  const Message& edited = p.messages[5];
  EXPECT_EQ(edited.text, "second version");
  EXPECT_EQ(edited.extra["edit_history"], nlohmann::json({"first version", "second version"}));

  const Message& last = p.messages[6];
  EXPECT_EQ(*last.time, "2022-12-01T00:10:00");
  EXPECT_EQ(last.text, "line one\n\nline three after a blank line");
  EXPECT_EQ(last.extra["responds_to_earlier"], true);
}

TEST(IMessageText, StampInsideABodyIsText) {
  // Without a blank line before it, a stamp-like line is part of the message.
  Parsed p = ParseIMessageText(
      "\xEF\xBB\xBFMay 17, 2022  5:29:42 PM\nMe\nsee you at\nMay 17, 2022  5:29:42 PM Me\n\n");
  ASSERT_TRUE(p.summary.ok());
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].sender, "Me");
}

TEST(IMessageText, DetectionIsNarrow) {
  EXPECT_TRUE(LooksLikeIMessageText(kText));
  EXPECT_TRUE(LooksLikeIMessageText("\n\nMay 17, 2022  5:32:00 PM You named the conversation X\n"));
  EXPECT_FALSE(LooksLikeIMessageText("May 17, 2022  5:29:42 PM\n\nHello\n"));
  EXPECT_FALSE(LooksLikeIMessageText("[5/17/22, 17:29:42] Me: Hello\n"));
  EXPECT_FALSE(LooksLikeIMessageText("May 17 was a good day\n"));
  EXPECT_TRUE(LooksLikeIMessageText("May 17, 2022  5:29:42 PM (Delivered)\nMe\nHello\n"));
  EXPECT_FALSE(LooksLikeWhatsAppText(kText));
}

TEST(IMessageText, HostileInputStaysBounded) {
  ParseOptions options;
  options.max_text_bytes = 64;
  std::string hostile = "May 17, 2022  5:29:42 PM\nMe\n" + std::string(10000, 'x') + "\n";
  for (int i = 0; i < 200; ++i) hostile += "    May 17, 2022  5:29:42 PM\n    Me\n    r\n";
  hostile += std::string(5000, '\n') + "garbage\n\xFF\xFE\n";
  Parsed p = ParseIMessageText(hostile, options);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 201u);
  EXPECT_LE(p.messages[0].text.size(), 64u);
  EXPECT_FALSE(p.summary->warnings.empty());
  for (const Message& m : p.messages) {
    EXPECT_EQ(evidence::LossyUtf8(m.text), m.text);
  }
  EXPECT_EQ(p.messages.back().text, "r");
  Parsed empty = ParseIMessageText("");
  ASSERT_TRUE(empty.summary.ok());
  EXPECT_TRUE(empty.messages.empty());
}

const char* kHtml = R"(<html>
<meta charset="UTF-8">
<div class="message">
    <div class="received SMS">
        <p><span class="timestamp">Jan 02, 2023 11:15:00 PM (Read by you after 2 seconds)</span>
            <span class="sender">+15550001111</span>
        </p>
        <hr>
        <div class="message_part"><span class="bubble">I see you <b>&lt;script&gt;</b><br>tonight<script>alert(1)</script></span></div>
        <div class="message_part"><video controls><source src="attachments/clip.mov" type="video/quicktime"></video></div>
    </div>
</div>
<div class="announcement">
    <p><span class="timestamp">Jan 02, 2023 11:16:00 PM</span> +15550001111 left the conversation.</p>
</div>
<div class="message">
    <div class="sent iMessage">
        <p><span class="timestamp">not a time</span><span class="sender">Me</span></p>
        <div class="message_part"><span class="bubble">who is this</span></div>
    </div>
</div>
</html>)";

TEST(IMessageHtml, ExtractsTextOnly) {
  TempDir dir;
  const auto path = dir / "chat.html";
  WriteFile(path, kHtml);
  auto format = DetectExportFormat(path, "chat.html");
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(*format, ExportFormat::kIMessageHtml);

  Parsed p = ParseIMessageHtml(kHtml);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 3u);
  const Message& first = p.messages[0];
  EXPECT_EQ(first.direction, "incoming");
  EXPECT_EQ(first.sender, "+15550001111");
  EXPECT_EQ(first.extra["service"], "SMS");
  EXPECT_EQ(*first.time, "2023-01-02T23:15:00");
  // Markup is never interpreted: escaped text stays text, scripts are dropped, <br> breaks a line.
  EXPECT_EQ(first.text, "I see you <script>\ntonight");
  ASSERT_EQ(first.attachments.size(), 1u);
  EXPECT_EQ(first.attachments[0].name, "attachments/clip.mov");
  EXPECT_EQ(first.attachments[0].media_type, "video/quicktime");

  EXPECT_TRUE(p.messages[1].system);
  EXPECT_EQ(p.messages[1].text, "+15550001111 left the conversation.");

  EXPECT_FALSE(p.messages[2].time.has_value());
  EXPECT_EQ(p.messages[2].extra["date_raw"], "not a time");
  EXPECT_EQ(p.messages[2].direction, "outgoing");
  EXPECT_FALSE(p.summary->warnings.empty());
}

// Found by fuzz_imessage: an unparseable timestamp kept in extra.date_raw was cut at 256 bytes
// inside a UTF-8 sequence, and the message no longer serialised to JSON.
TEST(Regression, IMessageDateRawCutUtf8) {
  std::string stamp(255, 'x');
  stamp += "\xE2\x82\xAC\xE2\x82\xAC";
  Parsed p =
      ParseIMessageHtml("<div class=\"message\"><div class=\"sent\"><p><span class=\"timestamp\">" +
                        stamp + "</span></p></div></div>");
  ASSERT_TRUE(p.summary.ok());
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_NO_THROW((void)p.messages[0].extra.dump());
  EXPECT_EQ(p.messages[0].extra["date_raw"].get<std::string>().size(), 255u);
}

TEST(IMessageHtml, DetectionIsNarrow) {
  EXPECT_TRUE(LooksLikeIMessageHtml(kHtml));
  EXPECT_FALSE(LooksLikeIMessageHtml(
      "<html><div class=\"message\"><cite class=\"sender vcard\"><a class=\"tel\">x</a></cite>"
      "<abbr class=\"dt\" title=\"2023-09-20T10:00:00.000-04:00\">x</abbr></div></html>"));
  EXPECT_FALSE(LooksLikeIMessageHtml("<html><body>hello</body></html>"));
  // Newer exports start with their style sheet inline, which may fill the whole head.
  std::string styled =
      "<html>\n<head>\n<meta charset=\"UTF-8\">\n<style>\n.message {}\n"
      ".message .sent.imessage {}\n.message .received {}\nspan.timestamp {}\n"
      ".announcement {}\n";
  styled += std::string(20000, ' ');
  EXPECT_TRUE(LooksLikeIMessageHtml(styled));
}

TEST(IMessageHtml, TruncatedAndHostileInput) {
  const std::string whole = kHtml;
  Parsed cut = ParseIMessageHtml(whole.substr(0, whole.find("tonight")));
  ASSERT_TRUE(cut.summary.ok()) << cut.summary.status().ToString();
  ASSERT_EQ(cut.messages.size(), 1u);
  EXPECT_EQ(cut.messages[0].text, "I see you <script>");

  std::string deep =
      "<html><div class=\"message\"><div class=\"sent\"><p><span "
      "class=\"timestamp\">Jan 02, 2023 11:15:00 PM</span></p>";
  for (int i = 0; i < 5000; ++i)
    deep +=
        "<div class=\"replies\"><div class=\"reply\"><div class=\"message\"><div class=\"sent\">";
  Parsed nested = ParseIMessageHtml(deep);
  EXPECT_TRUE(nested.summary.ok());

  Parsed garbage = ParseIMessageHtml(std::string("\x00\xFF<div class=\"message\">\x80", 25));
  EXPECT_TRUE(garbage.summary.ok() || garbage.summary.status().code() == StatusCode::kCorruption);

  Parsed huge = ParseIMessageHtml(std::string((64u << 20) + 1, ' '));
  ASSERT_FALSE(huge.summary.ok());
  EXPECT_EQ(huge.summary.status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace evidence
