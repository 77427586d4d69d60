// WhatsApp chat exports: the header-line grammar, the date-order rule, and whole exports (.txt and
// .zip) generated here.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "collect.hpp"
#include "evidence/hash.hpp"
#include "evidence/messages.hpp"
#include "fixtures.hpp"
#include "messages_internal.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using messages_internal::ParseWhatsAppHeader;
using testing::TempDir;
using testing::WriteFile;
using testing::WriteZip;

using testing::Parsed;

Parsed ParseWhatsApp(const std::filesystem::path& path, ParseOptions options = {},
                     const MediaSink* sink = nullptr) {
  return testing::CollectExport(path, path.filename().string(), options, sink);
}

// ---------------------------------------------------------------------------------------------
// Header grammar.

TEST(WhatsAppHeader, Android24Hour) {
  auto h = ParseWhatsAppHeader("18/03/2022, 14:56 - Dmitry S: Hello");
  ASSERT_TRUE(h.has_value());
  EXPECT_FALSE(h->bracketed);
  EXPECT_EQ(h->field1, 18);
  EXPECT_EQ(h->field2, 3);
  EXPECT_EQ(h->year, 2022);
  EXPECT_EQ(h->hour, 14);
  EXPECT_EQ(h->minute, 56);
  EXPECT_FALSE(h->has_seconds);
  EXPECT_EQ(std::string("18/03/2022, 14:56 - Dmitry S: Hello").substr(h->rest_offset),
            "Dmitry S: Hello");
}

TEST(WhatsAppHeader, IosWithSecondsAndLeadingMark) {
  const std::string line = "\u200E[3/27/22, 21:41:55] Dmitry S: \u200Eimage omitted";
  auto h = ParseWhatsAppHeader(line);
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(h->bracketed);
  EXPECT_EQ(h->field1, 3);
  EXPECT_EQ(h->field2, 27);
  EXPECT_EQ(h->year, 2022);
  EXPECT_EQ(h->second, 55);
  EXPECT_EQ(line.substr(h->rest_offset), "Dmitry S: \u200Eimage omitted");
}

TEST(WhatsAppHeader, TwelveHourWithNarrowNoBreakSpace) {
  auto h = ParseWhatsAppHeader("3/14/20, 6:20\u202FPM - Bob: hi");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->hour, 18);
  EXPECT_TRUE(h->twelve_hour);
  auto midnight = ParseWhatsAppHeader("[3/14/20, 12:05:09\u00A0AM] Bob: hi");
  ASSERT_TRUE(midnight.has_value());
  EXPECT_EQ(midnight->hour, 0);
  auto spanish = ParseWhatsAppHeader("01/30/2019, 08:49 p. m. - Jahn Doe: Lorem");
  ASSERT_TRUE(spanish.has_value());
  EXPECT_EQ(spanish->hour, 20);
  EXPECT_FALSE(ParseWhatsAppHeader("3/14/20, 13:20 PM - Bob: hi").has_value());
}

TEST(WhatsAppHeader, LocaleVariants) {
  auto vi = ParseWhatsAppHeader("[14:56:01, 3/18/22] Musk Elon: x");
  ASSERT_TRUE(vi.has_value());
  EXPECT_TRUE(vi->time_first);
  EXPECT_EQ(vi->hour, 14);
  EXPECT_EQ(vi->field2, 18);

  auto dots = ParseWhatsAppHeader("[3/18/22 14.56.01] Elon Musk: x");
  ASSERT_TRUE(dots.has_value());
  EXPECT_EQ(dots->minute, 56);

  auto buddhist = ParseWhatsAppHeader("[3/27/2565 BE, 21:41:35] Dmitry S: Hello World");
  ASSERT_TRUE(buddhist.has_value());
  EXPECT_EQ(buddhist->year, 2022);
  EXPECT_STREQ(buddhist->calendar, "buddhist");

  auto japanese = ParseWhatsAppHeader("[1/12/R5, 02:05:44] Dmitry S: x");
  ASSERT_TRUE(japanese.has_value());
  EXPECT_EQ(japanese->year, 2023);
  EXPECT_STREQ(japanese->calendar, "japanese");

  auto korean = ParseWhatsAppHeader("2020. 3. 14. \uC624\uD6C4 6:20 - Kim: x");
  ASSERT_TRUE(korean.has_value());
  EXPECT_TRUE(korean->year_first);
  EXPECT_EQ(korean->hour, 18);

  auto french = ParseWhatsAppHeader("14/03/2020 \u00E0 18:20 - Zo\u00E9: salut");
  ASSERT_TRUE(french.has_value());
  EXPECT_EQ(french->field1, 14);

  // Arabic-Indic digits with RLM marks between the fields and the Arabic comma.
  auto arabic = ParseWhatsAppHeader(
      "\u200F\u0661\u0664\u200F/\u0663\u200F/\u0662\u0660\u0662\u0660\u060C \u0666:\u0662\u0660 "
      "\u0645 - Ali: x");
  ASSERT_TRUE(arabic.has_value());
  EXPECT_EQ(arabic->field1, 14);
  EXPECT_EQ(arabic->year, 2020);
  EXPECT_EQ(arabic->hour, 18);
}

TEST(WhatsAppHeader, RejectsNonHeaders) {
  EXPECT_FALSE(ParseWhatsAppHeader("just a continuation line").has_value());
  EXPECT_FALSE(ParseWhatsAppHeader("").has_value());
  EXPECT_FALSE(ParseWhatsAppHeader("12/03/2020 was a good day").has_value());
  // Signal's export looks like iOS but has an ISO date and no seconds.
  EXPECT_FALSE(ParseWhatsAppHeader("[2019-12-24, 12:23] Jane Doe: Hello John!").has_value());
  // An hour past 12 with p.m. is no time; the colon form always has seconds.
  EXPECT_FALSE(ParseWhatsAppHeader("[11/10/22 13:37:00 p.m.] A: b").has_value());
  EXPECT_FALSE(ParseWhatsAppHeader("2/11/19, 14:18: Arrival").has_value());
  EXPECT_FALSE(ParseWhatsAppHeader("40/40/2020, 10:00 - A: b").has_value());
  EXPECT_FALSE(ParseWhatsAppHeader("12/03/2020, 25:00 - A: b").has_value());
}

TEST(WhatsAppHeader, DateAndClockFamilies) {
  // A dot after the time.
  const std::string dot = "2022/12/14, 13:34. - John Doe: Lorem";
  auto trailing = ParseWhatsAppHeader(dot);
  ASSERT_TRUE(trailing.has_value());
  EXPECT_TRUE(trailing->year_first);
  EXPECT_EQ(trailing->hour, 13);
  EXPECT_EQ(dot.substr(trailing->rest_offset), "John Doe: Lorem");

  // Brackets without comma or seconds and a two-digit year (WhatsApp Web copies).
  const std::string web = "[01/20/19 11:23] John Doe: text";
  auto bracket = ParseWhatsAppHeader(web);
  ASSERT_TRUE(bracket.has_value());
  EXPECT_TRUE(bracket->bracketed);
  EXPECT_FALSE(bracket->has_seconds);
  EXPECT_EQ(bracket->field2, 20);
  EXPECT_EQ(web.substr(bracket->rest_offset), "John Doe: text");

  // Brackets followed by a dash.
  const std::string dash = "[20/01/2019, 11:23:45] - Jane: hi";
  auto bracket_dash = ParseWhatsAppHeader(dash);
  ASSERT_TRUE(bracket_dash.has_value());
  EXPECT_EQ(dash.substr(bracket_dash->rest_offset), "Jane: hi");

  // Dashes inside brackets, no comma.
  auto dashed = ParseWhatsAppHeader("[15-01-20 02:22:56] Mary: x");
  ASSERT_TRUE(dashed.has_value());
  EXPECT_EQ(dashed->date_separator, '-');

  // Dotted a.m./p.m. with a space inside, no comma, four-digit year.
  auto dotted = ParseWhatsAppHeader("11/27/2019 9:30 p. m. - John Doe: x");
  ASSERT_TRUE(dotted.has_value());
  EXPECT_EQ(dotted->hour, 21);

  // Early iOS: no brackets, a colon after a time with seconds.
  const std::string early = "12/24/15, 6:30:21 PM: Ann: hello: there";
  auto colon = ParseWhatsAppHeader(early);
  ASSERT_TRUE(colon.has_value());
  EXPECT_TRUE(colon->colon_after);
  EXPECT_EQ(colon->hour, 18);
  EXPECT_EQ(early.substr(colon->rest_offset), "Ann: hello: there");
}

// ---------------------------------------------------------------------------------------------
// Whole text exports.

// "[01/20/19 11:23] Name: text" (brackets, no comma, two-digit year, no seconds) was refused as
// "not a format this library reads" by the parser while the metadata called it a WhatsApp chat:
// the export was stored with no message and nothing said why.
TEST(WhatsAppText, BracketedTwoDigitYearWithoutSecondsYieldsItsMessages) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  WriteFile(path,
            "[01/20/19 11:23] John Doe: Hello\n"
            "[01/20/19 11:25] Jane: Hi\n"
            "how are you?\n"
            "[01/21/19 09:02] John Doe: fine\n");
  auto format = DetectExportFormat(path, "chat.txt");
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(*format, ExportFormat::kWhatsAppText);
  Parsed p = ParseWhatsApp(path);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 3u);
  EXPECT_EQ(*p.messages[0].time, "2019-01-20T11:23:00");
  EXPECT_EQ(p.messages[1].text, "Hi\nhow are you?");
  EXPECT_EQ(*p.messages[2].time, "2019-01-21T09:02:00");
  EXPECT_EQ(p.summary->fields["date_order"], "month-first");
  EXPECT_EQ(p.summary->read_count, 4u);
  EXPECT_EQ(p.summary->unparsed_count, 0u);
  EXPECT_FALSE(ReadingWarning(*p.summary).has_value());
}

TEST(WhatsAppText, EarlyIosColonLayout) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  WriteFile(path,
            "25/10/2015, 20:49:25: Ann: one\n"
            "25/10/2015, 20:50:01: Bob: two: with a colon\n");
  Parsed p = ParseWhatsApp(path);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[1].sender, "Bob");
  EXPECT_EQ(p.messages[1].text, "two: with a colon");
  EXPECT_EQ(p.summary->fields["layout"], "ios-early");
}

// Lines shaped like a message whose stamp does not read are kept as text of the message before
// them, counted, and the first is named; so are lines before the first message.
TEST(WhatsAppText, UnreadLinesAreCountedAndTheFirstIsNamed) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  WriteFile(path,
            "[09/10/22 11:37:00 p.m.] John: one\n"
            "[10/10/22 12:37:00 p.m.] John: two\n"
            "[11/10/22 13:37:00 p.m.] Jane: three\n"
            "2/11/19: a date alone is text\n"
            "\n");
  ParseOptions options;
  options.date_order = DateOrder::kDayFirst;
  Parsed p = ParseWhatsApp(path, options);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_NE(p.messages[1].text.find("13:37:00 p.m.] Jane: three"), std::string::npos);
  EXPECT_EQ(p.summary->read_count, 5u);
  EXPECT_EQ(p.summary->unparsed_count, 1u);
  EXPECT_EQ(p.summary->first_unparsed, "line 3: [11/10/22 13:37:00 p.m.] Jane: three");
  auto warning = ReadingWarning(*p.summary);
  ASSERT_TRUE(warning.has_value());
  EXPECT_NE(warning->find("1 of 5 lines"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("line 3: [11/10/22"), std::string::npos) << *warning;
}

TEST(WhatsAppText, CleanExportNeedsNoWarning) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  WriteFile(path,
            "20/01/2019, 11:23 - A: one\n"
            "second line of one\n"
            "\n"
            "21/01/2019, 11:24 - B: two\n");
  Parsed p = ParseWhatsApp(path);
  ASSERT_TRUE(p.summary.ok());
  EXPECT_EQ(p.summary->unparsed_count, 0u);
  EXPECT_TRUE(p.summary->first_unparsed.empty());
  EXPECT_FALSE(ReadingWarning(*p.summary).has_value());
}

TEST(WhatsAppText, AndroidDayFirst24Hour) {
  TempDir dir;
  const auto path = dir / "WhatsApp Chat with Alice.txt";
  WriteFile(path,
            "14/03/2020, 18:20 - Messages and calls are end-to-end encrypted. Tap to learn more.\n"
            "14/03/2020, 18:21 - Alice: Hello\n"
            "14/03/2020, 18:22 - \u202A+44 7700 900123\u202C: first line\n"
            "second line\n"
            "\n"
            "fourth line\n"
            "15/03/2020, 09:00 - Alice: <Media omitted>\n"
            "15/03/2020, 09:01 - Alice: IMG-20200315-WA0001.jpg (file attached)\n"
            "15/03/2020, 09:02 - Alice added Bob\n"
            "15/03/2020, 09:03 - Alice changed the subject to \"Plans: May\"\n");
  auto format = DetectExportFormat(path, path.filename().string());
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(*format, ExportFormat::kWhatsAppText);

  Parsed p = ParseWhatsApp(path);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 7u);
  EXPECT_EQ(p.summary->message_count, 7u);
  EXPECT_EQ(p.summary->fields["layout"], "android");
  EXPECT_EQ(p.summary->fields["date_order"], "day-first");
  EXPECT_EQ(p.summary->fields["date_order_source"], "file");
  EXPECT_EQ(p.summary->fields["time_zone"], "unknown (phone local time)");

  EXPECT_TRUE(p.messages[0].system);
  EXPECT_EQ(p.messages[0].sender, "");
  EXPECT_EQ(*p.messages[0].time, "2020-03-14T18:20:00");

  EXPECT_EQ(p.messages[1].sender, "Alice");
  EXPECT_EQ(p.messages[1].text, "Hello");
  EXPECT_EQ(p.messages[1].index, 1u);
  EXPECT_EQ(p.messages[1].extra["line"], 2);

  // Invisible embedding marks around a phone number are not part of the name.
  EXPECT_EQ(p.messages[2].sender, "+44 7700 900123");
  EXPECT_EQ(p.messages[2].text, "first line\nsecond line\n\nfourth line");

  EXPECT_EQ(p.messages[3].extra["media_omitted"], true);
  EXPECT_TRUE(p.messages[3].attachments.empty());

  ASSERT_EQ(p.messages[4].attachments.size(), 1u);
  EXPECT_EQ(p.messages[4].attachments[0].name, "IMG-20200315-WA0001.jpg");
  EXPECT_EQ(p.messages[4].attachments[0].media_type, "image/jpeg");
  EXPECT_FALSE(p.messages[4].attachments[0].sha256.has_value());

  EXPECT_TRUE(p.messages[5].system);
  EXPECT_EQ(p.messages[5].text, "Alice added Bob");
  EXPECT_TRUE(p.messages[6].system);  // the quoted subject's colon is not a sender separator
  EXPECT_EQ(*p.messages[6].time, "2020-03-15T09:03:00");
}

TEST(WhatsAppText, IosMonthFirst12HourWithMarks) {
  TempDir dir;
  const auto path = dir / "_chat.txt";
  WriteFile(path,
            "\xEF\xBB\xBF[3/14/20, 6:20:01\u202FPM] Bob: \u200EMessages and calls are end-to-end "
            "encrypted. No one outside of this chat can read them.\r\n"
            "[3/14/20, 6:21:00\u202FPM] Bob: see you\r\n"
            "\u200E[3/14/20, 6:22:30\u202FPM] Bob: \u200E<attached: "
            "00000012-PHOTO-2020-03-14-18-22-30.jpg>\r\n"
            "[3/15/20, 12:00:00\u202FAM] Ann: midnight\r\n");
  Parsed p = ParseWhatsApp(path);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 4u);
  EXPECT_EQ(p.summary->fields["layout"], "ios");
  EXPECT_EQ(p.summary->fields["date_order"], "month-first");
  EXPECT_EQ(p.summary->fields["clock"], "12-hour");

  EXPECT_TRUE(p.messages[0].system);
  EXPECT_EQ(p.messages[0].sender, "");
  EXPECT_EQ(p.messages[0].extra["attributed_to"], "Bob");
  EXPECT_EQ(*p.messages[0].time, "2020-03-14T18:20:01");
  EXPECT_EQ(p.messages[1].text, "see you");
  ASSERT_EQ(p.messages[2].attachments.size(), 1u);
  EXPECT_EQ(p.messages[2].attachments[0].name, "00000012-PHOTO-2020-03-14-18-22-30.jpg");
  EXPECT_EQ(*p.messages[3].time, "2020-03-15T00:00:00");
}

TEST(WhatsAppText, AmbiguousDateOrderNeedsTheOption) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  WriteFile(path,
            "01/02/2020, 10:00 - Alice: one\n"
            "03/04/2020, 11:00 - Bob: two\n");
  int delivered = 0;
  auto r = ParseExport(path, "chat.txt", {}, [&](Message&&) {
    ++delivered;
    return Status::Ok();
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().argument(), "date_order");
  // A library message never names a command-line flag; the CLI adds the flag and its hint.
  EXPECT_EQ(r.status().message().find("--"), std::string::npos) << r.status().message();
  EXPECT_EQ(delivered, 0);  // nothing reaches the caller before the order is settled

  ParseOptions day_first;
  day_first.date_order = DateOrder::kDayFirst;
  Parsed d = ParseWhatsApp(path, day_first);
  ASSERT_TRUE(d.summary.ok());
  EXPECT_EQ(*d.messages[0].time, "2020-02-01T10:00:00");
  EXPECT_EQ(d.summary->fields["date_order_source"], "option");

  ParseOptions month_first;
  month_first.date_order = DateOrder::kMonthFirst;
  Parsed m = ParseWhatsApp(path, month_first);
  ASSERT_TRUE(m.summary.ok());
  EXPECT_EQ(*m.messages[0].time, "2020-01-02T10:00:00");
  EXPECT_EQ(*m.messages[1].time, "2020-03-04T11:00:00");
}

TEST(WhatsAppText, OrderProvenByTheFileWinsOverTheOption) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  WriteFile(path,
            "01/02/2020, 10:00 - Alice: one\n"
            "13/02/2020, 11:00 - Bob: two\n");
  ParseOptions options;
  options.date_order = DateOrder::kMonthFirst;
  Parsed p = ParseWhatsApp(path, options);
  ASSERT_TRUE(p.summary.ok());
  EXPECT_EQ(*p.messages[0].time, "2020-02-01T10:00:00");
  EXPECT_EQ(p.summary->fields["date_order_source"], "file");
  ASSERT_EQ(p.summary->warnings.size(), 1u);
  EXPECT_NE(p.summary->warnings[0].find("line 2"), std::string::npos);
}

TEST(WhatsAppText, ContradictoryDatesAreCorruption) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  WriteFile(path,
            "13/02/2020, 10:00 - Alice: one\n"
            "02/13/2020, 11:00 - Bob: two\n");
  Parsed p = ParseWhatsApp(path);
  ASSERT_FALSE(p.summary.ok());
  EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
  EXPECT_NE(p.summary.status().message().find("line 1"), std::string::npos);
  EXPECT_NE(p.summary.status().message().find("line 2"), std::string::npos);
  EXPECT_TRUE(p.messages.empty());
}

TEST(WhatsAppText, ImpossibleDateNamesItsLine) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  WriteFile(path,
            "13/02/2020, 10:00 - Alice: one\n"
            "31/04/2020, 11:00 - Bob: there is no 31 April\n");
  Parsed p = ParseWhatsApp(path);
  ASSERT_FALSE(p.summary.ok());
  EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
  EXPECT_NE(p.summary.status().message().find("whatsapp: line 2"), std::string::npos)
      << p.summary.status().message();
}

TEST(WhatsAppText, KeepsFileOrderForOutOfOrderStamps) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  WriteFile(path,
            "20/01/2021, 12:05 - A: later\n"
            "20/01/2021, 12:01 - B: earlier");  // no final newline
  Parsed p = ParseWhatsApp(path);
  ASSERT_TRUE(p.summary.ok());
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].text, "later");
  EXPECT_EQ(p.messages[1].index, 1u);
  EXPECT_EQ(p.messages[1].text, "earlier");
}

TEST(WhatsAppText, CallbackErrorStopsTheParse) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  WriteFile(path,
            "20/01/2021, 12:00 - A: one\n"
            "20/01/2021, 12:01 - A: two\n"
            "20/01/2021, 12:02 - A: three\n");
  int calls = 0;
  auto r = ParseExport(path, "chat.txt", {}, [&](Message&&) {
    return ++calls == 2 ? Status::Busy("caller: stop") : Status::Ok();
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kBusy);
  EXPECT_EQ(r.status().message(), "caller: stop");
  EXPECT_EQ(calls, 2);
}

TEST(WhatsAppText, LongTextIsCutAndFlagged) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  std::string body = "20/01/2021, 12:00 - A: start\n";
  for (int i = 0; i < 2000; ++i) body += "\u00E9\u00E9\u00E9 continuation line\n";
  body += "20/01/2021, 12:01 - B: next\n";
  WriteFile(path, body);
  ParseOptions options;
  options.max_text_bytes = 1001;
  Parsed p = ParseWhatsApp(path, options);
  ASSERT_TRUE(p.summary.ok());
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_LE(p.messages[0].text.size(), 1001u);
  EXPECT_EQ(p.messages[0].extra["text_truncated"], true);
  EXPECT_EQ(p.messages[1].text, "next");
  EXPECT_FALSE(p.summary->warnings.empty());
}

TEST(WhatsAppText, HostileBytesAreSanitisedNotFatal) {
  TempDir dir;
  const auto path = dir / "chat.txt";
  std::string body = "20/01/2021, 12:00 - A: bad \xC3\x28 bytes \xFF\n";
  body += std::string(3 << 20, 'x');  // a 3 MiB line without a newline
  WriteFile(path, body);
  ParseOptions options;
  options.max_text_bytes = 4096;
  Parsed p = ParseWhatsApp(path, options);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].text.substr(0, 19), "bad \xEF\xBF\xBD( bytes \xEF\xBF\xBD\n");
  EXPECT_LE(p.messages[0].text.size(), 4096u);
  EXPECT_EQ(p.messages[0].extra["text_truncated"], true);
  EXPECT_NO_THROW((void)nlohmann::json(p.messages[0].text).dump());
}

// ---------------------------------------------------------------------------------------------
// Zip exports.

const char kZipChat[] =
    "[20.06.19, 15:58:47] Messages to this group are now secured with end-to-end encryption.\r\n"
    "[20.06.19, 16:00:10] Loris: Let me show you:\r\n"
    "[20.06.19, 16:00:15] Loris: <attached: 00000001-PHOTO-2019-06-20-16-00-15.jpg>\r\n"
    "[20.06.19, 16:01:00] Emily: <attached: 00000009-AUDIO-missing.opus>\r\n";

TEST(WhatsAppZip, MediaAreStreamedBeforeMessagesAndLinkedByName) {
  TempDir dir;
  const auto path = dir / "WhatsApp Chat - Loris.zip";
  std::string photo;
  for (int i = 0; i < 200000; ++i) photo += static_cast<char>((i * 7919) % 251);
  WriteZip(path, {{"00000001-PHOTO-2019-06-20-16-00-15.jpg", photo},
                  {"_chat.txt", kZipChat},
                  {"__MACOSX/._chat.txt", "apple double"}});
  auto format = DetectExportFormat(path, "");
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(*format, ExportFormat::kWhatsAppZip);

  std::vector<std::string> events;
  std::string copied;
  MediaSink sink = [&](const Attachment& member, MediaReader& reader) -> Status {
    events.push_back("media:" + member.name);
    EXPECT_EQ(member.media_type, "image/jpeg");
    EXPECT_FALSE(member.sha256.has_value());
    // Copy only the first 1000 bytes; the parser hashes the rest itself.
    std::vector<uint8_t> buf(1000);
    auto n = reader.Read(buf);
    if (!n.ok()) return n.status();
    copied.assign(reinterpret_cast<const char*>(buf.data()), *n);
    return Status::Ok();
  };
  std::vector<Message> messages;
  auto r = ParseExport(
      path, "", {},
      [&](Message&& m) {
        events.push_back("message");
        messages.push_back(std::move(m));
        return Status::Ok();
      },
      &sink);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0], "media:00000001-PHOTO-2019-06-20-16-00-15.jpg");
  EXPECT_EQ(copied, photo.substr(0, 1000));
  EXPECT_EQ(r->fields["media_count"], 1);
  EXPECT_EQ(r->fields["chat_member"], "_chat.txt");
  EXPECT_EQ(r->fields["date_order"], "day-first");

  ASSERT_EQ(messages.size(), 4u);
  EXPECT_TRUE(messages[0].system);
  ASSERT_EQ(messages[2].attachments.size(), 1u);
  const Attachment& a = messages[2].attachments[0];
  EXPECT_EQ(a.name, "00000001-PHOTO-2019-06-20-16-00-15.jpg");
  ASSERT_TRUE(a.size.has_value());
  EXPECT_EQ(*a.size, photo.size());
  EXPECT_EQ(*a.sha256, DigestHex(Sha256::Of(photo)));
  // A name with no member behind it: the reference stays, without size or hash.
  ASSERT_EQ(messages[3].attachments.size(), 1u);
  EXPECT_FALSE(messages[3].attachments[0].size.has_value());
}

TEST(WhatsAppZip, SinkFinishReportsSizeAndHash) {
  TempDir dir;
  const auto path = dir / "export.zip";
  WriteZip(path, {{"_chat.txt", kZipChat}, {"00000001-PHOTO-2019-06-20-16-00-15.jpg", "JPEG!"}});
  std::optional<Attachment> finished;
  MediaSink sink = [&](const Attachment&, MediaReader& reader) -> Status {
    auto done = reader.Finish();
    if (!done.ok()) return done.status();
    finished = *done;
    return Status::Ok();
  };
  auto r = ParseExport(
      path, "export.zip", {}, [](Message&&) { return Status::Ok(); }, &sink);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(*finished->size, 5u);
  EXPECT_EQ(*finished->sha256, DigestHex(Sha256::Of(std::string_view("JPEG!"))));
}

TEST(WhatsAppZip, SinkErrorStopsBeforeAnyMessage) {
  TempDir dir;
  const auto path = dir / "export.zip";
  WriteZip(path, {{"_chat.txt", kZipChat}, {"00000001-PHOTO-2019-06-20-16-00-15.jpg", "JPEG!"}});
  MediaSink sink = [](const Attachment&, MediaReader&) { return Status::IoError("disk full"); };
  int delivered = 0;
  auto r = ParseExport(
      path, "export.zip", {},
      [&](Message&&) {
        ++delivered;
        return Status::Ok();
      },
      &sink);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_EQ(delivered, 0);
}

TEST(WhatsAppZip, DecompressionBombIsAnError) {
  TempDir dir;
  const auto path = dir / "bomb.zip";
  WriteZip(path, {{"_chat.txt", kZipChat},
                  {"00000001-PHOTO-2019-06-20-16-00-15.jpg", std::string(16 << 20, '\0')}});
  Parsed p = ParseWhatsApp(path);
  ASSERT_FALSE(p.summary.ok());
  EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
  EXPECT_NE(p.summary.status().message().find("decompression bomb"), std::string::npos)
      << p.summary.status().message();
}

TEST(WhatsAppZip, MemberSizeLimitIsAnError) {
  TempDir dir;
  const auto path = dir / "big.zip";
  WriteZip(path,
           {{"_chat.txt", kZipChat}, {"00000001-PHOTO-2019-06-20-16-00-15.jpg", "0123456789"}});
  ParseOptions options;
  options.max_member_bytes = 8;
  Parsed p = ParseWhatsApp(path, options);
  ASSERT_FALSE(p.summary.ok());
  EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
  EXPECT_NE(p.summary.status().message().find("limit"), std::string::npos);
}

TEST(WhatsAppZip, ZipWithoutChatIsUnsupported) {
  TempDir dir;
  const auto path = dir / "photos.zip";
  WriteZip(path, {{"a.jpg", "x"}, {"notes.txt", "shopping list\n"}});
  auto format = DetectExportFormat(path, "photos.zip");
  ASSERT_FALSE(format.ok());
  EXPECT_EQ(format.status().code(), StatusCode::kUnsupported);
}

TEST(WhatsAppZip, TruncatedZipIsCorruption) {
  TempDir dir;
  const auto whole = dir / "whole.zip";
  std::string photo(300000, 'p');
  for (size_t i = 0; i < photo.size(); ++i) photo[i] = static_cast<char>(i * 31 % 256);
  WriteZip(whole, {{"_chat.txt", kZipChat}, {"00000001-PHOTO-2019-06-20-16-00-15.jpg", photo}});
  const std::string bytes = testing::ReadFile(whole);
  const auto cut = dir / "cut.zip";
  WriteFile(cut, bytes.substr(0, bytes.size() / 2));
  Parsed p = ParseWhatsApp(cut);
  ASSERT_FALSE(p.summary.ok());
  EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption) << p.summary.status().ToString();
  EXPECT_EQ(p.summary.status().message().rfind("zip: ", 0), 0u) << p.summary.status().message();
}

}  // namespace
}  // namespace evidence
