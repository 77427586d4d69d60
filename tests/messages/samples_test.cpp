// Real exports from public repositories ($EVIDENCE_SAMPLES/messages). The expected values were
// read off the files by hand (see SOURCES.md there): message counts are the time-stamped lines,
// first and last are the first and last of those lines. Skipped when the samples are absent.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "collect.hpp"
#include "evidence/messages.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

struct Expected {
  const char* file;  // relative to $EVIDENCE_SAMPLES/messages
  ExportFormat format;
  uint64_t count;
  const char* first_time;  // "" = no time
  const char* first_sender;
  const char* last_time;
  const char* last_sender;
  DateOrder order = DateOrder::kUnknown;  // given only where the file cannot prove it
};

using testing::Parsed;

Parsed ParseSample(const std::filesystem::path& path, DateOrder order) {
  ParseOptions options;
  options.date_order = order;
  return testing::CollectExport(path, path.filename().string(), options);
}

std::string TimeOf(const Message& m) { return m.time ? *m.time : ""; }

void CheckAll(const std::vector<Expected>& table) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  for (const Expected& e : table) {
    SCOPED_TRACE(e.file);
    const auto path = *dir / "messages" / e.file;
    auto format = DetectExportFormat(path, path.filename().string());
    ASSERT_TRUE(format.ok()) << format.status().ToString();
    EXPECT_EQ(*format, e.format);
    Parsed run = ParseSample(path, e.order);
    ASSERT_TRUE(run.summary.ok()) << run.summary.status().ToString();
    EXPECT_EQ(run.summary->message_count, e.count);
    ASSERT_EQ(run.messages.size(), e.count);
    if (e.count == 0) continue;
    EXPECT_EQ(TimeOf(run.messages.front()), e.first_time);
    EXPECT_EQ(run.messages.front().sender, e.first_sender);
    EXPECT_EQ(TimeOf(run.messages.back()), e.last_time);
    EXPECT_EQ(run.messages.back().sender, e.last_sender);
    for (size_t i = 0; i < run.messages.size(); ++i) EXPECT_EQ(run.messages[i].index, i);
  }
}

const ExportFormat kTxt = ExportFormat::kWhatsAppText;
const ExportFormat kZip = ExportFormat::kWhatsAppZip;

TEST(Samples, WhatsApp) {
  CheckAll({
      {"whatsapp/android_EN.txt", kTxt, 60, "2022-03-23T13:31:00", "", "2023-01-07T23:32:00",
       "Dmitry S"},
      {"whatsapp/android_EN_media.txt", kTxt, 60, "2022-03-23T13:31:00", "", "2023-01-07T23:32:00",
       "Dmitry S"},
      {"whatsapp/android_RU.txt", kTxt, 60, "2022-03-23T13:31:00", "", "2023-01-07T23:32:00",
       "Dmitry S"},
      {"whatsapp/android_group.txt", kTxt, 20, "2023-01-11T16:13:00", "", "2023-01-11T16:57:00",
       "Dmitry S", DateOrder::kDayFirst},
      {"whatsapp/chatanalytics_2A_5M.txt", kTxt, 5, "2021-01-01T12:00:00", "A",
       "2021-01-01T12:02:00", "A", DateOrder::kMonthFirst},
      {"whatsapp/chatanalytics_4A_11M.txt", kTxt, 14, "2020-12-09T23:55:00", "",
       "2020-12-09T23:56:00", "Trent", DateOrder::kMonthFirst},
      {"whatsapp/chatanalytics_4A_11M.zip", kZip, 14, "2020-12-09T23:55:00", "",
       "2020-12-09T23:56:00", "Trent", DateOrder::kMonthFirst},
      {"whatsapp/chatminer_ddmmyy_24hrs.txt", kTxt, 9, "2019-01-01T11:25:00", "John Doe",
       "2021-12-30T22:01:00", "John Doe"},
      {"whatsapp/chatminer_mmddyy_24hrs.txt", kTxt, 9, "2019-01-01T11:25:00", "John Doe",
       "2021-12-30T22:01:00", "John Doe"},
      {"whatsapp/chatminer_mmddyyyy_12hrs.txt", kTxt, 9, "2019-01-01T11:25:00", "John Doe",
       "2021-12-30T22:01:00", "John Doe"},
      {"whatsapp/chatminer_yyyymmdd_24hrs.txt", kTxt, 9, "2019-01-01T11:25:00", "John Doe",
       "2021-12-30T22:01:00", "John Doe"},
      // The English notices iOS attributes to the chat's name are system messages ("").
      {"whatsapp/ios_EN_Elon_Musk.txt", kTxt, 25, "2022-03-18T14:56:01", "", "2023-01-07T23:32:30",
       ""},
      {"whatsapp/ios_EN_media_Elon_Musk.txt", kTxt, 25, "2022-03-18T14:56:01", "",
       "2023-01-07T23:32:30", ""},
      {"whatsapp/ios_calendar_Buddhist.txt", kTxt, 28, "2022-03-18T14:56:01", "",
       "2023-01-12T15:35:15", "Dmitry S"},
      {"whatsapp/ios_calendar_Japanese.txt", kTxt, 28, "2022-03-18T14:56:01", "",
       "2023-01-12T15:35:15", "Dmitry S"},
      // In other languages they stay attributed to the chat's name, as printed.
      {"whatsapp/ios_CZ_Elon_Musk.txt", kTxt, 25, "2022-03-18T14:56:00", "Elon Musk",
       "2023-01-07T23:32:30", "Elon Musk"},
      {"whatsapp/ios_DE_Elon_Musk.txt", kTxt, 25, "2022-03-18T14:56:00", "Elon Musk",
       "2023-01-07T23:32:30", "Elon Musk"},
      {"whatsapp/ios_ES_Elon_Musk.txt", kTxt, 25, "2022-03-18T14:56:00", "Elon Musk",
       "2023-01-07T23:32:30", "Elon Musk"},
      {"whatsapp/ios_IT_Elon_Musk.txt", kTxt, 25, "2022-03-18T14:56:00", "Elon Musk",
       "2023-01-07T23:32:30", "Elon Musk"},
      {"whatsapp/ios_RU_Elon_Musk.txt", kTxt, 25, "2022-03-18T14:56:00", "Elon Musk",
       "2023-01-07T23:32:30", "Elon Musk"},
      {"whatsapp/ios_RU_Elon_Musk.zip", kZip, 25, "2022-03-18T14:56:00", "Elon Musk",
       "2023-01-07T23:32:30", "Elon Musk"},
      {"whatsapp/ios_UK_Elon_Musk.txt", kTxt, 25, "2022-03-18T14:56:00", "Elon Musk",
       "2023-01-07T23:32:30", "Elon Musk"},
      {"whatsapp/ios_ID.txt", kTxt, 28, "2022-03-18T14:56:01", "Elon Musk", "2023-01-12T15:35:14",
       "Dmitry S"},
      {"whatsapp/ios_JA.txt", kTxt, 28, "2022-03-18T14:56:00", "Elon Musk", "2023-01-12T15:35:14",
       "Dmitry S"},
      {"whatsapp/ios_TH.txt", kTxt, 28, "2022-03-18T14:56:01", "Elon Musk", "2023-01-12T15:35:15",
       "Dmitry S"},
      {"whatsapp/ios_VI.txt", kTxt, 28, "2022-03-18T14:56:01", "Musk Elon", "2023-01-12T15:35:15",
       "Dmitry S"},
      {"whatsapp/whatstk_pokemon.txt", kTxt, 20, "2016-04-15T15:04:00", "", "2016-10-31T12:23:00",
       "Wobbuffet"},
      {"whatsapp/whatsapp-chat-parser-example_with_media.zip", kZip, 52, "2019-06-20T15:58:47", "",
       "2019-06-20T16:45:28", "Loris"},
  });
}

TEST(Samples, WhatsAppAmbiguousOrderIsRefusedWithoutTheOption) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  for (const char* file : {"android_group.txt", "chatanalytics_2A_5M.txt",
                           "chatanalytics_4A_11M.txt", "chatanalytics_4A_11M.zip"}) {
    SCOPED_TRACE(file);
    Parsed run = ParseSample(*dir / "messages/whatsapp" / file, DateOrder::kUnknown);
    ASSERT_FALSE(run.summary.ok());
    EXPECT_EQ(run.summary.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(run.messages.empty());
  }
}

TEST(Samples, WhatsAppDetails) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  {
    Parsed run = ParseSample(*dir / "messages/whatsapp/whatsapp-chat-parser-example_with_media.zip",
                             DateOrder::kUnknown);
    ASSERT_TRUE(run.summary.ok());
    EXPECT_EQ(run.summary->fields["media_count"], 4);
    // "[20.06.19, 16:00:15] Loris: <attached: 00000001-PHOTO-2019-06-20-16-00-15.jpg>"; the member
    // is 146284 bytes (unzip -lv) with this SHA-256 (sha256sum of the extracted file).
    const Message& photo = run.messages[15];
    EXPECT_EQ(*photo.time, "2019-06-20T16:00:15");
    ASSERT_EQ(photo.attachments.size(), 1u);
    EXPECT_EQ(photo.attachments[0].name, "00000001-PHOTO-2019-06-20-16-00-15.jpg");
    EXPECT_EQ(*photo.attachments[0].size, 146284u);
    EXPECT_EQ(*photo.attachments[0].sha256,
              "eb6ee22d65a7ff5f803297c0d9ae3943ca58f9729816835993e1032c893a42f8");
    // A two-line message.
    EXPECT_EQ(run.messages[23].text, "Come on...\ndon't be so mysterious and show us!");
  }
  {
    Parsed run =
        ParseSample(*dir / "messages/whatsapp/ios_EN_media_Elon_Musk.txt", DateOrder::kUnknown);
    ASSERT_TRUE(run.summary.ok());
    EXPECT_EQ(run.messages[0].extra["attributed_to"], "Elon Musk");
    ASSERT_EQ(run.messages[2].attachments.size(), 1u);
    EXPECT_EQ(run.messages[2].attachments[0].name, "00000035-PHOTO-2022-03-27-21-41-55.jpg");
    EXPECT_FALSE(run.messages[2].attachments[0].size.has_value());  // a .txt carries no media
  }
  {
    Parsed run = ParseSample(*dir / "messages/whatsapp/android_EN_media.txt", DateOrder::kUnknown);
    ASSERT_TRUE(run.summary.ok());
    // "23/03/2022, 13:32 - Elon: IMG-20220323-WA0002.jpg (file attached)" (line 11).
    const Message& m = run.messages[8];
    EXPECT_EQ(m.extra["line"], 11);
    ASSERT_EQ(m.attachments.size(), 1u);
    EXPECT_EQ(m.attachments[0].name, "IMG-20220323-WA0002.jpg");
  }
}

TEST(Samples, OtherChatAppsAreRefused) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  // Telegram JSON is read now (chat_json_samples_test.cpp); Signal's text export is not.
  for (const char* file : {"signal/chatminer_signal_export.txt"}) {
    SCOPED_TRACE(file);
    const auto path = *dir / "messages" / file;
    auto format = DetectExportFormat(path, path.filename().string());
    ASSERT_FALSE(format.ok());
    EXPECT_EQ(format.status().code(), StatusCode::kUnsupported);
    Parsed run = ParseSample(path, DateOrder::kUnknown);
    EXPECT_EQ(run.summary.status().code(), StatusCode::kUnsupported);
  }
}

const ExportFormat kSms = ExportFormat::kSmsBackupXml;

TEST(Samples, SmsBackup) {
  CheckAll({
      // date="1512226167463" type="1" from +15550000001; last date="1512238245524" type="2".
      {"sms/sms_small.xml", kSms, 12, "2017-12-02T14:49:27.463Z", "+15550000001",
       "2017-12-02T18:10:45.524Z", ""},
      {"sms/sample_mms_attachments.xml", kSms, 4, "2024-07-16T20:29:24.000Z", "+15550000003",
       "2024-07-16T20:29:27.000Z", "+15550000003"},
      {"sms/corrupt_attachments.xml", kSms, 2, "2024-07-16T20:29:28.000Z", "+15550000004",
       "2024-07-16T20:29:29.000Z", "+15550000004"},
      {"sms/empty.xml", kSms, 0, "", "", "", ""},
      // Three <sms> then two <mms> on one line; the root says count="2".
      {"sms/smsrst_mms_jpeg.xml", kSms, 5, "2015-06-21T02:08:38.026Z", "",
       "2016-10-31T13:18:26.000Z", "+33677311379"},
  });
}

TEST(Samples, SmsDetails) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  {
    Parsed run = ParseSample(*dir / "messages/sms/sample_mms_attachments.xml", DateOrder::kUnknown);
    ASSERT_TRUE(run.summary.ok());
    ASSERT_EQ(run.messages[0].attachments.size(), 1u);
    const Attachment& png = run.messages[0].attachments[0];
    EXPECT_EQ(png.name, "image.png");
    EXPECT_EQ(png.media_type, "image/png");
    EXPECT_EQ(*png.size, 70u);
    EXPECT_EQ(*png.sha256, "6b7fa434f92a8b80aab02d9bf1a12e49ffcae424e4013a1c4f68b67e3d2bbcd0");
    EXPECT_EQ(run.messages[0].text, "Here is an image attachment");
  }
  {
    Parsed run = ParseSample(*dir / "messages/sms/smsrst_mms_jpeg.xml", DateOrder::kUnknown);
    ASSERT_TRUE(run.summary.ok());
    ASSERT_EQ(run.summary->warnings.size(), 1u);  // count="2" but five records
    const Message& mms = run.messages[3];
    EXPECT_EQ(mms.direction, "outgoing");
    EXPECT_EQ(mms.text, "Un tout beau tout neuf :D");
    ASSERT_EQ(mms.attachments.size(), 1u);
    EXPECT_EQ(mms.attachments[0].media_type, "image/jpeg");
    EXPECT_EQ(*mms.attachments[0].size, 118640u);
    EXPECT_EQ(*mms.attachments[0].sha256,
              "c6544fd4320010d1476852b4c7f49f63e5e69b02bb5df4dccc88598167afbec2");
  }
  {
    Parsed run = ParseSample(*dir / "messages/sms/corrupt_attachments.xml", DateOrder::kUnknown);
    ASSERT_TRUE(run.summary.ok());
    EXPECT_EQ(run.summary->warnings.size(), 2u);
    EXPECT_FALSE(run.messages[0].attachments[0].sha256.has_value());
  }
}

TEST(Samples, SmsTruncatedBackup) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  // sms_and_mms.xml stops inside its tenth <mms> (line 136, 135 newlines): 41 <sms> and 8 complete
  // <mms> come before the cut.
  Parsed run = ParseSample(*dir / "messages/sms/sms_and_mms.xml", DateOrder::kUnknown);
  ASSERT_FALSE(run.summary.ok());
  EXPECT_EQ(run.summary.status().code(), StatusCode::kCorruption);
  EXPECT_NE(run.summary.status().message().find("line 136"), std::string::npos)
      << run.summary.status().message();
  EXPECT_NE(run.summary.status().message().find("truncated"), std::string::npos);
  ASSERT_EQ(run.messages.size(), 49u);
  EXPECT_EQ(*run.messages.front().time, "2017-12-02T14:49:27.463Z");
  EXPECT_EQ(run.messages.front().sender, "+15550000001");
  EXPECT_EQ(*run.messages.back().time, "2024-07-17T21:37:26.000Z");
  EXPECT_EQ(run.messages.back().sender, "+15550000011");
}

const ExportFormat kEml = ExportFormat::kEml;
const ExportFormat kMbox = ExportFormat::kMbox;

TEST(Samples, Email) {
  CheckAll({
      {"email/basic_email.eml", kEml, 1, "2008-11-22T15:04:59+11:00",
       "Mikel Lindsaar <test@lindsaar.net>", "2008-11-22T15:04:59+11:00",
       "Mikel Lindsaar <test@lindsaar.net>"},
      {"email/raw_email_reply.eml", kEml, 1, "2007-11-18T19:56:07+11:00",
       "Testing <xxxxxxxx@xxx.org>", "2007-11-18T19:56:07+11:00", "Testing <xxxxxxxx@xxx.org>"},
      {"email/raw_email_with_bad_date.eml", kEml, 1, "", "Darrell Shaw <subventive@vodtravel.com>",
       "", "Darrell Shaw <subventive@vodtravel.com>"},
      {"email/bad_date_header.eml", kEml, 1, "", "Grants-Notification <infoz@reactive-outpost.com>",
       "", "Grants-Notification <infoz@reactive-outpost.com>"},
      {"email/emlparser_sample_invalid_date1.eml", kEml, 1, "", "", "", ""},
      {"email/emlparser_sample_attachments.eml", kEml, 1, "", "pruebas@evidev1.ivnosys.net", "",
       "pruebas@evidev1.ivnosys.net"},
      {"email/japanese_shift_jis.eml", kEml, 1, "2014-05-28T17:18:19+09:00", "xxxxxxx@docomo.ne.jp",
       "2014-05-28T17:18:19+09:00", "xxxxxxx@docomo.ne.jp"},
      {"email/utf8_headers_rfc6532.eml", kEml, 1, "",
       "J\u00F6hn Doe <jd\u00F6e@m\u00E4chine.example>", "",
       "J\u00F6hn Doe <jd\u00F6e@m\u00E4chine.example>"},
      {"email/attachment_nonascii_filename.eml", kEml, 1, "2005-06-06T22:21:22+02:00",
       "foo@example.com", "2005-06-06T22:21:22+02:00", "foo@example.com"},
      {"email/attachment_pdf.eml", kEml, 1, "2005-05-10T11:26:39-06:00",
       "Test Tester <xxxx@xxxx.com>", "2005-05-10T11:26:39-06:00", "Test Tester <xxxx@xxxx.com>"},
      {"email/raw_email_with_nested_attachment.eml", kEml, 1, "2007-02-22T11:20:31-07:00",
       "Jamis Buck <jamis@37signals.com>", "2007-02-22T11:20:31-07:00",
       "Jamis Buck <jamis@37signals.com>"},
      {"email/report_422.eml", kEml, 1, "2008-01-17T03:40:52+11:00",
       "Mail Delivery Subsystem <MAILER-DAEMON@tppppp.com.au>", "2008-01-17T03:40:52+11:00",
       "Mail Delivery Subsystem <MAILER-DAEMON@tppppp.com.au>"},
      {"email/spamscope_mail_test_3.eml", kEml, 1, "2016-08-22T16:56:09+03:00",
       "Ava Oneil <Oneil.844@randtelekom.com.tr>", "2016-08-22T16:56:09+03:00",
       "Ava Oneil <Oneil.844@randtelekom.com.tr>"},
      // From: =?GB2312?B?1cXPyMn6?= is 张先生.
      {"email/spamscope_mail_test_12.eml", kEml, 1, "2018-05-13T12:32:22+08:00",
       "\u5F20\u5148\u751F <baoguan@hotmail.com>", "2018-05-13T12:32:22+08:00",
       "\u5F20\u5148\u751F <baoguan@hotmail.com>"},
      // The encoded display name is the address itself.
      {"email/spamscope_mail_test_17.eml", kEml, 1, "2022-10-10T20:11:32+00:00",
       "notificaccion-clientes@bbva.mx", "2022-10-10T20:11:32+00:00",
       "notificaccion-clientes@bbva.mx"},
      {"email/spamscope_mail_malformed_2.eml", kEml, 1, "2016-08-22T06:23:36-03:00",
       "postmaster@netpar.com.br", "2016-08-22T06:23:36-03:00", "postmaster@netpar.com.br"},
      {"email/mimekit_simple.mbox", kMbox, 3, "2002-08-23T02:32:53-04:00", "fejj@gnome.org",
       "2002-08-23T02:32:53-04:00", "fejj@gnome.org"},
      // Message 2's attachment has no blank line before its body; 3 and 4 must survive it.
      {"email/mimekit_gmail_takeout_issue1189.mbox", kMbox, 4, "2025-09-26T10:18:40-07:00",
       "Sender <sender@example.com>", "2025-09-26T10:19:54-07:00", "Sender <sender@example.com>"},
      // The last From is "izzy@nugget.scr.atm.com (Dr. Mark K. Joseph)" (a comment name).
      {"email/mimekit_content-length.mbox", kMbox, 29, "1996-07-21T17:02:55-08:00",
       "mailusr1@navstar1.mcom.com", "1996-09-27T09:36:54-07:00",
       "Dr. Mark K. Joseph <izzy@nugget.scr.atm.com>"},
  });
}

TEST(Samples, EmailDetails) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  {
    Parsed run =
        ParseSample(*dir / "messages/email/raw_email_with_bad_date.eml", DateOrder::kUnknown);
    ASSERT_TRUE(run.summary.ok());
    EXPECT_EQ(run.messages[0].extra["date_raw"], "Pn, 29 paX 2007 21:13:00 +0100");
    EXPECT_EQ(run.messages[0].extra["date_error"], "unparsable Date header");
  }
  {
    Parsed run =
        ParseSample(*dir / "messages/email/emlparser_sample_attachments.eml", DateOrder::kUnknown);
    ASSERT_TRUE(run.summary.ok());
    const auto& a = run.messages[0].attachments;
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[0].name, "text.txt");
    EXPECT_EQ(a[1].name, "document.pdf");
    EXPECT_EQ(a[1].media_type, "application/pdf");
    EXPECT_EQ(*a[1].size, 7392u);
    EXPECT_EQ(a[2].name, "test.csv");
  }
  {
    Parsed run =
        ParseSample(*dir / "messages/email/attachment_nonascii_filename.eml", DateOrder::kUnknown);
    ASSERT_TRUE(run.summary.ok());
    ASSERT_EQ(run.messages[0].attachments.size(), 1u);
    EXPECT_EQ(run.messages[0].attachments[0].name, "ci\u00EBle.txt");
  }
  {
    Parsed run = ParseSample(*dir / "messages/email/japanese_shift_jis.eml", DateOrder::kUnknown);
    ASSERT_TRUE(run.summary.ok());
    EXPECT_EQ(run.messages[0].text.rfind("\u3042\u3044\u3046\u3048\u304A", 0), 0u);  // あいうえお
  }
}

TEST(Samples, OutlookMsgIsUnsupported) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  const auto path = *dir / "messages/email/spamscope_mail_outlook_1.msg";
  auto format = DetectExportFormat(path, path.filename().string());
  ASSERT_FALSE(format.ok());
  EXPECT_EQ(format.status().code(), StatusCode::kUnsupported);
  Parsed run = ParseSample(path, DateOrder::kUnknown);
  EXPECT_EQ(run.summary.status().code(), StatusCode::kUnsupported);
  EXPECT_TRUE(run.messages.empty());
}

}  // namespace
}  // namespace evidence
