// Call logs (SMS Backup & Restore calls.xml, SuperBackup <alllogs>) and Google Takeout Voice
// pages, on small exports written here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collect.hpp"
#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace mi = messages_internal;
using testing::TempDir;
using testing::WriteFile;

using testing::Parsed;

Parsed ParseCalls(const std::filesystem::path& path) {
  return testing::CollectExport(path, path.filename().string());
}

Parsed ParseCallsText(const std::string& name, const std::string& text) {
  TempDir dir;
  WriteFile(dir / name, text);
  return ParseCalls(dir / name);
}

const char kModern[] =
    "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
    "<?xml-stylesheet type=\"text/xsl\" href=\"calls.xsl\"?>\n"
    "<calls count=\"7\" backup_set=\"abc\" backup_date=\"1700000000000\" type=\"full\">\n"
    "  <call number=\"+15550000001\" duration=\"0\" date=\"1700000000000\" type=\"3\" "
    "presentation=\"1\" readable_date=\"Nov 14, 2023 22:13:20\" contact_name=\"Alex\" />\n"
    "  <call number=\"+15550000001\" duration=\"12\" date=\"1700000060000\" type=\"1\" "
    "presentation=\"1\" contact_name=\"Alex\" />\n"
    "  <call number=\"+15550000002\" duration=\"65\" date=\"1700000120000\" type=\"2\" "
    "presentation=\"1\" contact_name=\"(Unknown)\" post_dial_digits=\",123\" />\n"
    "  <call number=\"+15550000001\" duration=\"30\" date=\"1700000180000\" type=\"4\" "
    "presentation=\"1\" contact_name=\"Alex\" />\n"
    "  <call number=\"+15550000001\" duration=\"0\" date=\"1700000240000\" type=\"5\" "
    "presentation=\"1\" contact_name=\"Alex\" />\n"
    "  <call number=\"\" duration=\"0\" date=\"1700000300000\" type=\"6\" presentation=\"2\" "
    "contact_name=\"null\" />\n"
    "  <call number=\"-1\" duration=\"0\" date=\"1700000360\" type=\"9\" />\n"
    "</calls>\n";

TEST(CallLogXml, EveryTypeWithheldNumbersAndSeconds) {
  Parsed p = ParseCallsText("calls-2023.xml", kModern);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  EXPECT_EQ(p.summary->format, ExportFormat::kCallLogXml);
  ASSERT_EQ(p.messages.size(), 7u);
  EXPECT_EQ(p.summary->fields["declared_count"], 7);
  EXPECT_EQ(p.summary->fields["calls_by_type"]["missed"], 1);
  EXPECT_TRUE(p.summary->warnings.empty());
  const std::vector<std::string> types = {"missed",   "incoming", "outgoing", "voicemail",
                                          "rejected", "blocked",  "unknown"};
  for (size_t i = 0; i < types.size(); ++i) {
    ASSERT_TRUE(p.messages[i].call.has_value());
    EXPECT_EQ(p.messages[i].call->type, types[i]) << i;
    EXPECT_EQ(p.messages[i].index, i);
  }
  const Message& missed = p.messages[0];
  EXPECT_EQ(*missed.time, "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(missed.direction, "incoming");
  EXPECT_EQ(missed.sender, "+15550000001");
  EXPECT_EQ(missed.call->contact, "Alex");
  EXPECT_EQ(missed.call->duration_s, 0u);
  EXPECT_EQ(missed.text, "");
  EXPECT_EQ(missed.extra["kind"], "call");
  const Message& out = p.messages[2];
  EXPECT_EQ(out.direction, "outgoing");
  EXPECT_EQ(out.sender, "");
  EXPECT_EQ(out.recipients, std::vector<std::string>{"+15550000002"});
  EXPECT_EQ(out.call->contact, "");  // "(Unknown)" is the app's word for no contact
  EXPECT_EQ(out.extra["post_dial_digits"], ",123");
  EXPECT_EQ(p.messages[5].call->presentation, "withheld");
  EXPECT_EQ(p.messages[5].call->number, "");
  const Message& odd = p.messages[6];
  EXPECT_EQ(odd.call->presentation, "withheld");
  EXPECT_EQ(odd.extra["number_raw"], "-1");
  EXPECT_EQ(odd.extra["type_raw"], "9");
  EXPECT_EQ(*odd.time, "2023-11-14T22:19:20.000Z");  // seconds, not milliseconds
  EXPECT_TRUE(IsMissedCallType("voicemail"));
  EXPECT_TRUE(IsMissedCallType("blocked"));
  EXPECT_FALSE(IsMissedCallType("incoming"));
}

TEST(CallLogXml, OldBareFormAndDeclaredCountMismatch) {
  Parsed p =
      ParseCallsText("calls.xml",
                     "<calls count=\"3\">\n"
                     "<call number=\"123\" duration=\"5\" date=\"1312563906092\" type=\"1\"/>\n"
                     "<call number=\"456\" duration=\"x\" date=\"soon\" type=\"2\"/>\n"
                     "<note/>\n"
                     "</calls>\n");
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_FALSE(p.messages[1].time.has_value());
  EXPECT_FALSE(p.messages[1].call->duration_s.has_value());
  EXPECT_EQ(p.messages[1].extra["duration_raw"], "x");
  EXPECT_EQ(p.summary->warnings.size(), 4u);  // duration, date, count, unknown element
}

TEST(CallLogXml, TruncatedLogKeepsTheCallsBeforeTheCut) {
  std::string text = kModern;
  text.resize(text.find("type=\"4\""));
  Parsed p = ParseCallsText("calls.xml", text);
  ASSERT_FALSE(p.summary.ok());
  EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
  EXPECT_NE(p.summary.status().message().find("line"), std::string::npos);
  // The reader may need bytes past a record to finish it; the records before that are kept.
  EXPECT_GE(p.messages.size(), 2u);
  EXPECT_LE(p.messages.size(), 3u);
}

TEST(SuperBackup, AllLogsWithNameAndDur) {
  Parsed p = ParseCallsText(
      "calllog.xml",
      "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<alllogs count=\"2\">\n"
      "  <log number=\"+15550000003\" time=\"Mar 2, 2026 10:00:00 PM\" date=\"1772488800000\" "
      "type=\"3\" name=\"Sam\" new=\"1\" dur=\"0\" />\n"
      "  <log number=\"+15550000004\" time=\"Mar 2, 2026 10:05:00 PM\" date=\"1772489100000\" "
      "type=\"2\" name=\"\" new=\"0\" dur=\"61\" />\n"
      "</alllogs>\n");
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  EXPECT_EQ(p.summary->format, ExportFormat::kSuperBackupCalls);
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].call->type, "missed");
  EXPECT_EQ(p.messages[0].call->contact, "Sam");
  EXPECT_EQ(p.messages[0].extra["readable_date"], "Mar 2, 2026 10:00:00 PM");
  EXPECT_EQ(p.messages[1].call->duration_s, 61u);
  EXPECT_EQ(p.messages[1].direction, "outgoing");
}

std::string VoicePage(const std::string& body, const std::string& title) {
  return "<?xml version=\"1.0\" ?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
         "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\"><html "
         "xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>" +
         title + "</title></head>\n<body>" + body + "</body></html>";
}

TEST(GoogleVoice, VoicemailWithTranscriptDurationAndAudio) {
  Parsed p = ParseCallsText(
      "Sam - Voicemail - 2026-03-02T22_00_00Z.html",
      VoicePage("<div class=\"haudio\"><span class=\"album\">Call Log for\n</span>"
                "<div class=\"contributor vcard\">Voicemail from\n<a class=\"tel\" "
                "href=\"tel:+15550000003\"><span class=\"fn\">Sam &amp; Co</span></a></div>\n"
                "<abbr class=\"published\" title=\"2026-03-02T14:00:00.000-08:00\">Mar 2</abbr>\n"
                "Transcript:\n<span class=\"description\"><span class=\"full-text\">I know where "
                "you live.</span><span class=\"word high\">I<span class=\"start-time\">1.1</span>"
                "</span></span>\n<audio controls=\"controls\" src=\"Sam - Voicemail.mp3\"><a "
                "rel=\"enclosure\" href=\"Sam - Voicemail.mp3\">Audio</a></audio>\n"
                "<abbr class=\"duration\" title=\"PT1M5S\">(00:01:05)</abbr>\n"
                "<div class=\"tags\">Labels: <a rel=\"tag\" "
                "href=\"http://www.google.com/voice#inbox\">Inbox</a>, <a rel=\"tag\" "
                "href=\"http://www.google.com/voice#voicemail\">Voicemail</a></div></div>",
                "Voicemail from Sam"));
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  EXPECT_EQ(p.summary->format, ExportFormat::kGoogleVoiceCall);
  ASSERT_EQ(p.messages.size(), 1u);
  const Message& m = p.messages[0];
  ASSERT_TRUE(m.call.has_value());
  EXPECT_EQ(m.call->type, "voicemail");
  EXPECT_EQ(m.call->number, "+15550000003");
  EXPECT_EQ(m.call->contact, "Sam & Co");
  EXPECT_EQ(m.call->duration_s, 65u);
  EXPECT_EQ(*m.time, "2026-03-02T14:00:00.000-08:00");
  EXPECT_EQ(m.text, "I know where you live.");
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].name, "Sam - Voicemail.mp3");
  EXPECT_EQ(m.attachments[0].media_type, "audio/mpeg");
  EXPECT_EQ(m.direction, "incoming");
}

TEST(GoogleVoice, CallWithoutLabelTakesItsKindFromTheHeading) {
  Parsed p = ParseCallsText(
      "x.html", VoicePage("<div class=\"haudio\"><div class=\"contributor vcard\">Placed call to\n"
                          "<a class=\"tel\" href=\"tel:\"><span class=\"fn\"></span></a></div>"
                          "<abbr class=\"published\" title=\"2013-07-29T13:56:11Z\">x</abbr></div>",
                          "Placed call to"));
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].call->type, "outgoing");
  EXPECT_EQ(p.messages[0].call->number, "");
  EXPECT_EQ(p.messages[0].call->presentation, "unknown");
  EXPECT_FALSE(p.messages[0].call->duration_s.has_value());
}

TEST(GoogleVoice, TextThreadKeepsLineBreaksMarkupAsTextAndAttachments) {
  Parsed p = ParseCallsText(
      "Sam - Text - 2026.html",
      VoicePage("<div class=\"hChatLog hfeed\">\n<div class=\"message\"><abbr class=\"dt\" "
                "title=\"2026-03-02T14:00:00.100-08:00\">x</abbr>:\n<cite class=\"sender "
                "vcard\"><a class=\"tel\" href=\"tel:+15550000003\"><span "
                "class=\"fn\">Sam</span></a></cite>:\n<q>first line<br>&lt;b&gt;second&lt;/b&gt;"
                "</q>\n</div> <div class=\"message\"><abbr class=\"dt\" "
                "title=\"2026-03-02T14:01:00.000-08:00\">x</abbr>:\n<cite class=\"sender "
                "vcard\"><a class=\"tel\" href=\"tel:+15550000009\"><abbr class=\"fn\" "
                "title=\"\">Me</abbr></a></cite>:\n<q></q>\n<div><img src=\"pic-1\" alt=\"Image "
                "MMS Attachment\" /></div></div> <div class=\"message\"><abbr class=\"dt\" "
                "title=\"yesterday\">x</abbr>:<cite class=\"sender vcard\"><a class=\"tel\" "
                "href=\"tel:+15550000003\"><span class=\"fn\">Sam</span></a></cite>:<q>?</q></div>"
                "</div>",
                "Sam"));
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  EXPECT_EQ(p.summary->format, ExportFormat::kGoogleVoiceText);
  ASSERT_EQ(p.messages.size(), 3u);
  EXPECT_FALSE(p.messages[0].call.has_value());
  EXPECT_EQ(p.messages[0].text, "first line\n<b>second</b>");
  EXPECT_EQ(p.messages[0].sender, "Sam");
  EXPECT_EQ(p.messages[0].direction, "incoming");
  EXPECT_EQ(p.messages[1].sender, "Me");
  EXPECT_EQ(p.messages[1].direction, "outgoing");
  EXPECT_EQ(p.messages[1].recipients, std::vector<std::string>{"+15550000003"});
  ASSERT_EQ(p.messages[1].attachments.size(), 1u);
  EXPECT_EQ(p.messages[1].attachments[0].name, "pic-1");
  EXPECT_FALSE(p.messages[2].time.has_value());
  EXPECT_EQ(p.summary->warnings.size(), 1u);
}

TEST(GoogleVoice, OtherHtmlIsNotAVoicePage) {
  TempDir dir;
  WriteFile(dir / "page.html", "<!DOCTYPE html><html><body><p>hello</p></body></html>");
  EXPECT_FALSE(DetectExportFormat(dir / "page.html", "page.html").ok());
  EXPECT_FALSE(mi::DetectCallOrVoiceExport("<callsx/>").has_value());
  EXPECT_EQ(mi::DetectCallOrVoiceExport("<!-- x --><calls count=\"1\">"),
            ExportFormat::kCallLogXml);
}

TEST(GoogleVoice, APageLargerThanTheCapIsRefusedNotLoaded) {
  TempDir dir;
  std::string page = VoicePage("<div class=\"hChatLog hfeed\">", "Sam");
  page.append(static_cast<size_t>(mi::kMaxGoogleVoicePageBytes), ' ');
  WriteFile(dir / "big.html", page);
  Parsed p = ParseCalls(dir / "big.html");
  ASSERT_FALSE(p.summary.ok());
  EXPECT_EQ(p.summary.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(p.summary.status().message().find("MiB"), std::string::npos);
}

TEST(GoogleVoice, DeeplyNestedMarkupIsWalkedWithoutRecursion) {
  std::string body = "<div class=\"hChatLog\"><div class=\"message\"><q>";
  for (int i = 0; i < 100000; ++i) body += "<span>";
  body += "deep</q></div></div>";
  Parsed p = ParseCallsText("deep.html", VoicePage(body, "Sam"));
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
}

// Found by fuzz_google_voice: the unusable time quoted in a warning was cut at 40 bytes inside a
// UTF-8 sequence, so the summary carried invalid UTF-8.
TEST(GoogleVoice, RegressionWarningCutInsideAUtf8Sequence) {
  const std::string time = std::string(39, 'x') + "\xC3\xA9";
  Parsed p = ParseCallsText(
      "x.html", VoicePage("<div class=\"haudio\"><div class=\"contributor vcard\">Missed call "
                          "from <a class=\"tel\" href=\"tel:1\"></a></div><abbr "
                          "class=\"published\" title=\"" +
                              time + "\">x</abbr><abbr class=\"duration\" title=\"" + time +
                              "\">x</abbr></div>",
                          "Missed"));
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.summary->warnings.size(), 2u);
  for (const auto& w : p.summary->warnings) EXPECT_EQ(evidence::LossyUtf8(w), w) << w;
}

TEST(GoogleVoice, IsoDurations) {
  EXPECT_EQ(mi::ParseIsoDuration("PT22S"), 22u);
  EXPECT_EQ(mi::ParseIsoDuration("PT1M"), 60u);
  EXPECT_EQ(mi::ParseIsoDuration("PT1H2M3S"), 3723u);
  EXPECT_FALSE(mi::ParseIsoDuration("PT").has_value());
  EXPECT_FALSE(mi::ParseIsoDuration("PT5S1M").has_value());
  EXPECT_FALSE(mi::ParseIsoDuration("P1D").has_value());
  EXPECT_FALSE(mi::ParseIsoDuration("PT99999999999999999999S").has_value());
}

}  // namespace
}  // namespace evidence
