// SMS Backup & Restore XML, on backups generated here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collect.hpp"
#include "evidence/bytes.hpp"
#include "evidence/hash.hpp"
#include "evidence/messages.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using testing::TempDir;
using testing::WriteFile;

using testing::Parsed;

Parsed ParseSms(const std::filesystem::path& path, ParseOptions options = {}) {
  return testing::CollectExport(path, path.filename().string(), options);
}

std::string Png() {
  std::string bytes = "\x89PNG\r\n\x1a\n";
  for (int i = 0; i < 5000; ++i) bytes += static_cast<char>(i % 253);
  return bytes;
}

std::string Backup(const std::string& records, int count) {
  return "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
         "<?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n"
         "<smses count=\"" +
         std::to_string(count) +
         "\" backup_set=\"0f1e2d3c\" backup_date=\"1721556032311\" type=\"full\">\n" + records +
         "</smses>\n";
}

std::string Records() {
  return
      // Incoming SMS, date in milliseconds.
      "  <sms protocol=\"0\" address=\"+15550000001\" date=\"1512226167463\" type=\"1\" "
      "subject=\"null\" body=\"Where are you?&#10;Answer me.\" read=\"1\" "
      "date_sent=\"1512226166000\" readable_date=\"Dec 2, 2017 06:49:27\" "
      "contact_name=\"Contact A\" />\n"
      // Outgoing SMS, date in seconds (as some backups write it).
      "  <sms protocol=\"0\" address=\"+15550000001\" date=\"1600000000\" type=\"2\" "
      "subject=\"null\" body=\"Leave me alone\" read=\"1\" date_sent=\"0\" "
      "contact_name=\"(Unknown)\" />\n"
      // Incoming MMS with a picture.
      "  <mms date=\"1721161764000\" msg_box=\"1\" address=\"+15550000003\" sub=\"null\" "
      "contact_name=\"Contact C\">\n"
      "    <parts>\n"
      "      <part seq=\"-1\" ct=\"application/smil\" name=\"null\" text=\"&lt;smil/&gt;\" />\n"
      "      <part seq=\"0\" ct=\"image/png\" name=\"null\" fn=\"null\" cl=\"photo.png\" "
      "data=\"" +
      Base64Encode(AsBytes(Png())) +
      "\" />\n"
      "      <part seq=\"0\" ct=\"text/plain\" name=\"text_1.txt\" text=\"Look at this\" />\n"
      "    </parts>\n"
      "    <addrs>\n"
      "      <addr address=\"+15550000003\" type=\"137\" charset=\"106\" />\n"
      "      <addr address=\"+15550000007\" type=\"151\" charset=\"106\" />\n"
      "    </addrs>\n"
      "  </mms>\n"
      // Outgoing group MMS: the owner is the placeholder token.
      "  <mms date=\"1721252246\" msg_box=\"2\" address=\"+15550000009~+15550000012\" "
      "sub=\"Party\">\n"
      "    <parts>\n"
      "      <part seq=\"0\" ct=\"text/plain\" name=\"null\" text=\"Hi all\" />\n"
      "      <part seq=\"0\" ct=\"text/x-vCard\" name=\"null\" cl=\"me.vcf\" "
      "text=\"BEGIN:VCARD&#10;END:VCARD\" />\n"
      "    </parts>\n"
      "    <addrs>\n"
      "      <addr address=\"insert-address-token\" type=\"137\" />\n"
      "      <addr address=\"+15550000009\" type=\"151\" />\n"
      "      <addr address=\"+15550000012\" type=\"151\" />\n"
      "    </addrs>\n"
      "  </mms>\n";
}

TEST(SmsBackup, SmsAndMmsWithAttachmentsAndBothDateUnits) {
  TempDir dir;
  const auto path = dir / "sms-20240721.xml";
  WriteFile(path, Backup(Records(), 4));
  auto format = DetectExportFormat(path, "");
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(*format, ExportFormat::kSmsBackupXml);

  Parsed p = ParseSms(path);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 4u);
  EXPECT_TRUE(p.summary->warnings.empty());
  EXPECT_EQ(p.summary->fields["time_zone"], "UTC");
  EXPECT_EQ(p.summary->fields["backup_set"], "0f1e2d3c");
  EXPECT_EQ(p.summary->fields["backup_date"], "2024-07-21T10:00:32.311Z");
  EXPECT_EQ(p.summary->fields["sms_count"], 2);
  EXPECT_EQ(p.summary->fields["mms_count"], 2);

  const Message& in = p.messages[0];
  EXPECT_EQ(*in.time, "2017-12-02T14:49:27.463Z");
  EXPECT_EQ(in.extra["date_unit"], "ms");
  EXPECT_EQ(in.direction, "incoming");
  EXPECT_EQ(in.sender, "+15550000001");
  EXPECT_TRUE(in.recipients.empty());
  EXPECT_EQ(in.text, "Where are you?\nAnswer me.");
  EXPECT_EQ(in.extra["contact_name"], "Contact A");
  EXPECT_EQ(in.extra["date_sent"], "2017-12-02T14:49:26.000Z");

  const Message& out = p.messages[1];
  EXPECT_EQ(*out.time, "2020-09-13T12:26:40.000Z");
  EXPECT_EQ(out.extra["date_unit"], "s");
  EXPECT_EQ(out.direction, "outgoing");
  EXPECT_EQ(out.sender, "");
  EXPECT_EQ(out.recipients, std::vector<std::string>{"+15550000001"});
  EXPECT_FALSE(out.extra.contains("contact_name"));

  const Message& mms = p.messages[2];
  EXPECT_EQ(*mms.time, "2024-07-16T20:29:24.000Z");
  EXPECT_EQ(mms.sender, "+15550000003");
  EXPECT_EQ(mms.recipients, std::vector<std::string>{"+15550000007"});
  EXPECT_EQ(mms.text, "Look at this");
  ASSERT_EQ(mms.attachments.size(), 1u);
  EXPECT_EQ(mms.attachments[0].name, "photo.png");
  EXPECT_EQ(mms.attachments[0].media_type, "image/png");
  EXPECT_EQ(*mms.attachments[0].size, Png().size());
  EXPECT_EQ(*mms.attachments[0].sha256, DigestHex(Sha256::Of(Png())));

  const Message& group = p.messages[3];
  EXPECT_EQ(*group.time, "2024-07-17T21:37:26.000Z");
  EXPECT_EQ(group.direction, "outgoing");
  EXPECT_EQ(group.sender, "");
  EXPECT_EQ(group.recipients, (std::vector<std::string>{"+15550000009", "+15550000012"}));
  EXPECT_EQ(group.extra["subject"], "Party");
  ASSERT_EQ(group.attachments.size(), 1u);
  EXPECT_EQ(group.attachments[0].name, "me.vcf");
  EXPECT_EQ(*group.attachments[0].sha256,
            DigestHex(Sha256::Of(std::string_view("BEGIN:VCARD\nEND:VCARD"))));
}

TEST(SmsBackup, UndecodablePartIsAWarningNotAFailure) {
  TempDir dir;
  const auto path = dir / "sms.xml";
  WriteFile(path, Backup("  <mms date=\"1721161768000\" msg_box=\"1\" address=\"+1555\">\n"
                         "    <parts><part ct=\"image/png\" cl=\"bad.png\" data=\"not-base64!!\" />"
                         "<part ct=\"text/plain\" text=\"caption\" /></parts>\n"
                         "  </mms>\n",
                         1));
  Parsed p = ParseSms(path);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 1u);
  ASSERT_EQ(p.messages[0].attachments.size(), 1u);
  EXPECT_EQ(p.messages[0].attachments[0].name, "bad.png");
  EXPECT_FALSE(p.messages[0].attachments[0].sha256.has_value());
  EXPECT_EQ(p.messages[0].extra["attachment_errors"].size(), 1u);
  EXPECT_EQ(p.messages[0].text, "caption");
  ASSERT_EQ(p.summary->warnings.size(), 1u);
  EXPECT_NE(p.summary->warnings[0].find("bad.png"), std::string::npos);
}

TEST(SmsBackup, BadDateKeepsTheRecord) {
  TempDir dir;
  const auto path = dir / "sms.xml";
  WriteFile(path,
            Backup("  <sms address=\"+1555\" date=\"yesterday\" type=\"1\" body=\"x\" />\n", 1));
  Parsed p = ParseSms(path);
  ASSERT_TRUE(p.summary.ok());
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_FALSE(p.messages[0].time.has_value());
  EXPECT_EQ(p.messages[0].extra["date_raw"], "yesterday");
  EXPECT_TRUE(p.messages[0].extra.contains("date_error"));
  EXPECT_EQ(p.summary->warnings.size(), 1u);
}

TEST(SmsBackup, CountMismatchIsAWarning) {
  TempDir dir;
  const auto path = dir / "sms.xml";
  WriteFile(path, Backup(Records(), 7));
  Parsed p = ParseSms(path);
  ASSERT_TRUE(p.summary.ok());
  ASSERT_EQ(p.summary->warnings.size(), 1u);
  EXPECT_NE(p.summary->warnings[0].find("declares 7"), std::string::npos);
}

// Records the parser does not read are counted and the first is named, so that an ingest can say
// how much of the backup was read (docs/messages.md, "Never silent").
TEST(SmsBackup, UnknownRecordsAreCountedAsUnread) {
  TempDir dir;
  const auto path = dir / "sms.xml";
  WriteFile(path, Backup(Records() + "  <call number=\"+15550000001\" />\n", 0));
  Parsed p = ParseSms(path);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  EXPECT_EQ(p.summary->read_count, p.messages.size() + 1);
  EXPECT_EQ(p.summary->read_unit, "records");
  EXPECT_EQ(p.summary->unparsed_count, 1u);
  EXPECT_NE(p.summary->first_unparsed.find(": <call>"), std::string::npos)
      << p.summary->first_unparsed;
  auto warning = ReadingWarning(*p.summary);
  ASSERT_TRUE(warning.has_value());
  EXPECT_NE(warning->find("records belong to no message"), std::string::npos) << *warning;
}

TEST(SmsBackup, TruncatedFileNamesTheLine) {
  TempDir dir;
  const std::string whole = Backup(Records(), 4);
  const auto path = dir / "sms.xml";
  WriteFile(path, whole.substr(0, whole.find("<addrs>", whole.find("<mms"))));
  Parsed p = ParseSms(path);
  ASSERT_FALSE(p.summary.ok());
  EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
  const std::string msg = p.summary.status().message();
  EXPECT_EQ(msg.rfind("sms: line ", 0), 0u) << msg;
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  EXPECT_EQ(p.messages.size(), 2u);  // the complete records before the cut
}

TEST(SmsBackup, OtherXmlIsUnsupported) {
  TempDir dir;
  const auto path = dir / "contacts.xml";
  WriteFile(path, "<?xml version='1.0'?>\n<contacts count=\"0\"></contacts>\n");
  auto format = DetectExportFormat(path, "contacts.xml");
  ASSERT_FALSE(format.ok());
  EXPECT_EQ(format.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(format.status().message().find("<contacts>"), std::string::npos);
}

TEST(SmsBackup, EntityExpansionIsBounded) {
  TempDir dir;
  const auto path = dir / "sms.xml";
  std::string dtd = "<?xml version='1.0'?>\n<!DOCTYPE smses [\n<!ENTITY a0 \"lol\">\n";
  for (int i = 1; i <= 12; ++i) {
    dtd += "<!ENTITY a" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) dtd += "&a" + std::to_string(i - 1) + ";";
    dtd += "\">\n";
  }
  dtd +=
      "]>\n<smses count=\"1\"><sms address=\"1\" date=\"1600000000000\" type=\"1\" "
      "body=\"&a12;\" /></smses>\n";
  WriteFile(path, dtd);
  Parsed p = ParseSms(path);
  // libxml2 refuses the amplification; either way nothing explodes.
  if (p.summary.ok()) {
    ASSERT_EQ(p.messages.size(), 1u);
    EXPECT_LE(p.messages[0].text.size(), ParseOptions{}.max_text_bytes);
  } else {
    EXPECT_EQ(p.summary.status().code(), StatusCode::kCorruption);
  }
}

}  // namespace
}  // namespace evidence
