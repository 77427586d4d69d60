// E-mail (.eml and .mbox) through GMime, the RFC 5322 date grammar, and format detection.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collect.hpp"
#include "evidence/bytes.hpp"
#include "evidence/hash.hpp"
#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using messages_internal::ParseRfc5322Date;
using testing::TempDir;
using testing::WriteFile;

using testing::Parsed;

Parsed ParseEmail(const std::filesystem::path& path, std::string hint = "") {
  if (hint.empty()) hint = path.filename().string();
  return testing::CollectExport(path, hint);
}

// ---------------------------------------------------------------------------------------------
// Date grammar.

TEST(Rfc5322Date, ModernAndObsoleteForms) {
  EXPECT_EQ(ParseRfc5322Date("Sat, 22 Nov 2008 15:04:59 +1100"), "2008-11-22T15:04:59+11:00");
  EXPECT_EQ(ParseRfc5322Date("22 Aug 2016 18:37:49 +0400"), "2016-08-22T18:37:49+04:00");
  EXPECT_EQ(ParseRfc5322Date("Fri, 23 Aug 2002 2:32:53 -0400"), "2002-08-23T02:32:53-04:00");
  EXPECT_EQ(ParseRfc5322Date("Wed, 28 May 2014 17:18:19 +0900 (JST)"), "2014-05-28T17:18:19+09:00");
  EXPECT_EQ(ParseRfc5322Date("Fri, 25 Sep 92 14:13:02 PDT"), "1992-09-25T14:13:02-07:00");
  EXPECT_EQ(ParseRfc5322Date("Tue, 28 May 1996 12:24:23 cst"), "1996-05-28T12:24:23-06:00");
  EXPECT_EQ(ParseRfc5322Date("Mon, 1 Jan 2001 00:00 GMT"), "2001-01-01T00:00:00+00:00");
  EXPECT_EQ(ParseRfc5322Date("Mon, 1 Jan 01 10:00:00 -0000"), "2001-01-01T10:00:00-00:00");
  EXPECT_EQ(ParseRfc5322Date(" Mon,\r\n 1 Jan 2001 10:00:00 +0000 "), "2001-01-01T10:00:00+00:00");
}

TEST(Rfc5322Date, RejectsWhatIsNotADate) {
  EXPECT_EQ(ParseRfc5322Date("Pn, 29 paX 2007 21:13:00 +0100"), std::nullopt);
  EXPECT_EQ(ParseRfc5322Date("0001-01-01 00:00:00 +0000 UTC"), std::nullopt);
  EXPECT_EQ(ParseRfc5322Date("<HR>"), std::nullopt);
  EXPECT_EQ(ParseRfc5322Date(""), std::nullopt);
  EXPECT_EQ(ParseRfc5322Date("Mon, 31 Apr 2001 10:00:00 +0000"), std::nullopt);
  EXPECT_EQ(ParseRfc5322Date("Mon, 1 Jan 2001 10:00:00"), std::nullopt);  // no zone
  EXPECT_EQ(ParseRfc5322Date("Mon, 1 Jan 2001 10:00:00 +2500"), std::nullopt);
  EXPECT_EQ(ParseRfc5322Date("Mon, 1 Jan 2001 10:00:00 +0000 trailing"), std::nullopt);
  EXPECT_EQ(ParseRfc5322Date("Mon, 1 Jan 2001 10:00:00 (unclosed +0000"), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// Messages.

const char kEml[] =
    "Return-Path: <stalker@example.net>\r\n"
    "Message-ID: <abc123@example.net>\r\n"
    "Date: Sat, 14 Mar 2020 18:20:00 +0100\r\n"
    "From: \"Mallory M.\" <stalker@example.net>\r\n"
    "To: Alice <alice@example.org>, bob@example.org\r\n"
    "Cc: =?UTF-8?Q?Zo=C3=A9?= <zoe@example.org>\r\n"
    "Subject: =?UTF-8?B?SSBzZWUgeW91?=\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
    "\r\n"
    "--XX\r\n"
    "Content-Type: text/plain; charset=ISO-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "I know where you are, Zo=E9.\r\n"
    "--XX\r\n"
    "Content-Type: image/jpeg; name=\"window.jpg\"\r\n"
    "Content-Disposition: attachment; filename=\"window.jpg\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n";

std::string Photo() {
  std::string bytes;
  for (int i = 0; i < 3000; ++i) bytes += static_cast<char>(i * 13 % 256);
  return bytes;
}

std::string EmlWithAttachment() {
  std::string b64 = Base64Encode(AsBytes(Photo()));
  std::string wrapped;
  for (size_t i = 0; i < b64.size(); i += 76) wrapped += b64.substr(i, 76) + "\r\n";
  return std::string(kEml) + wrapped + "--XX--\r\n";
}

TEST(Email, EmlWithAttachment) {
  TempDir dir;
  const auto path = dir / "threat.eml";
  WriteFile(path, EmlWithAttachment());
  auto format = DetectExportFormat(path, "threat.eml");
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(*format, ExportFormat::kEml);

  Parsed p = ParseEmail(path);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 1u);
  const Message& m = p.messages[0];
  EXPECT_EQ(m.sender, "Mallory M. <stalker@example.net>");
  EXPECT_EQ(m.recipients, (std::vector<std::string>{"Alice <alice@example.org>", "bob@example.org",
                                                    "Zo\u00E9 <zoe@example.org>"}));
  EXPECT_EQ(*m.time, "2020-03-14T18:20:00+01:00");
  EXPECT_EQ(m.direction, "");
  EXPECT_EQ(m.text, "I know where you are, Zo\u00E9.");
  EXPECT_EQ(m.extra["subject"], "I see you");
  EXPECT_EQ(m.extra["message_id"], "abc123@example.net");
  EXPECT_EQ(m.extra["date_raw"], "Sat, 14 Mar 2020 18:20:00 +0100");
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].name, "window.jpg");
  EXPECT_EQ(m.attachments[0].media_type, "image/jpeg");
  EXPECT_EQ(*m.attachments[0].size, Photo().size());
  EXPECT_EQ(*m.attachments[0].sha256, DigestHex(Sha256::Of(Photo())));
}

TEST(Email, MboxWithThreeMessages) {
  TempDir dir;
  const auto path = dir / "inbox.mbox";
  WriteFile(path,
            "From stalker@example.net Sat Mar 14 18:20:00 2020\n"
            "From: stalker@example.net\n"
            "To: alice@example.org\n"
            "Date: Sat, 14 Mar 2020 18:20:00 +0000\n"
            "Subject: one\n"
            "\n"
            "First.\n"
            "\n"
            "From stalker@example.net Sun Mar 15 08:00:00 2020\n"
            "From: stalker@example.net\n"
            "To: alice@example.org\n"
            "Date: Sun, 15 Mar 2020 09:00:00 +0100\n"
            "Subject: two\n"
            "\n"
            ">From the window I saw you.\n"
            "\n"
            "From other@example.net Mon Mar 16 08:00:00 2020\n"
            "From: Other <other@example.net>\n"
            "To: alice@example.org\n"
            "Date: Mon, 16 Mar 2020 08:00:00 -0500\n"
            "Subject: three\n"
            "\n"
            "Third.\n");
  auto format = DetectExportFormat(path, "inbox.mbox");
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(*format, ExportFormat::kMbox);
  Parsed p = ParseEmail(path);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 3u);
  EXPECT_EQ(p.summary->format, ExportFormat::kMbox);
  EXPECT_EQ(p.messages[0].extra["subject"], "one");
  EXPECT_EQ(p.messages[0].extra["offset"], 0);
  EXPECT_EQ(p.messages[0].text, "First.\n");
  EXPECT_EQ(p.messages[1].extra["subject"], "two");
  EXPECT_EQ(*p.messages[1].time, "2020-03-15T09:00:00+01:00");
  EXPECT_EQ(p.messages[1].extra["mbox_from"], "From stalker@example.net Sun Mar 15 08:00:00 2020");
  EXPECT_EQ(p.messages[2].sender, "Other <other@example.net>");
  EXPECT_EQ(*p.messages[2].time, "2020-03-16T08:00:00-05:00");
  EXPECT_EQ(p.messages[2].index, 2u);
}

// A body line beginning with "From " that its writer did not quote as ">From " split the message
// in two: the second half became a message of its own, without headers.
TEST(Email, UnmungedFromLineInABodyDoesNotSplitTheMessage) {
  TempDir dir;
  const auto path = dir / "inbox.mbox";
  WriteFile(path,
            "From stalker@example.net Sat Mar 14 18:20:00 2020\n"
            "From: stalker@example.net\n"
            "Date: Sat, 14 Mar 2020 18:20:00 +0000\n"
            "Subject: one\n"
            "\n"
            "I watched you today.\n"
            "\n"
            "From the window I saw you leave.\n"
            "You will hear from me.\n"
            "\n"
            "From stalker@example.net Sun Mar 15 08:00:00 2020\n"
            "From: stalker@example.net\n"
            "Date: Sun, 15 Mar 2020 09:00:00 +0100\n"
            "Subject: two\n"
            "\n"
            "Second.\n"
            "From here on: the last line of the file.\n");
  Parsed p = ParseEmail(path);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].text,
            "I watched you today.\n\nFrom the window I saw you leave.\nYou will hear from me.\n");
  EXPECT_EQ(p.messages[1].extra["subject"], "two");
  EXPECT_EQ(p.messages[1].text, "Second.\nFrom here on: the last line of the file.\n");
  EXPECT_EQ(p.summary->read_count, 2u);
  EXPECT_EQ(p.summary->unparsed_count, 0u);
}

TEST(Email, MalformedMessageDoesNotSwallowTheNext) {
  TempDir dir;
  const auto path = dir / "takeout.mbox";
  WriteFile(path,
            "From 1@xxx\n"
            "From: a@example.org\n"
            "Date: Fri, 26 Sep 2025 10:18:40 -0700\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\n"
            "\n"
            "--b\n"
            "Content-Type: application/zip; name=\"x.zip\"\n"
            "Content-Transfer-Encoding: base64\n"
            "N3q8ryccAAQFn0NaGrkKAAAAAACSAAAAAAAAAGE3uUrhx43ABF0AJpaOcAAX9\n"  // no blank line
            "\n"
            "--b--\n"
            "\n"
            "From 2@xxx\n"
            "From: b@example.org\n"
            "Date: Fri, 26 Sep 2025 10:19:40 -0700\n"
            "\n"
            "Second.\n");
  Parsed p = ParseEmail(path);
  ASSERT_TRUE(p.summary.ok()) << p.summary.status().ToString();
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[1].sender, "b@example.org");
  EXPECT_EQ(p.messages[1].text, "Second.\n");
}

TEST(Email, BadDateKeepsTheRawHeader) {
  TempDir dir;
  const auto path = dir / "bad.eml";
  WriteFile(
      path,
      "From: x@example.org\r\nDate: Pn, 29 paX 2007 21:13:00 +0100\r\nSubject: s\r\n\r\nbody\r\n");
  Parsed p = ParseEmail(path);
  ASSERT_TRUE(p.summary.ok());
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_FALSE(p.messages[0].time.has_value());
  EXPECT_EQ(p.messages[0].extra["date_raw"], "Pn, 29 paX 2007 21:13:00 +0100");
  EXPECT_EQ(p.messages[0].extra["date_error"], "unparsable Date header");
  ASSERT_EQ(p.summary->warnings.size(), 1u);
  EXPECT_NE(p.summary->warnings[0].find("Pn, 29 paX"), std::string::npos);
}

TEST(Email, MislabelledUtf8AndHtmlOnlyBodies) {
  TempDir dir;
  const auto utf8 = dir / "utf8.eml";
  WriteFile(utf8,
            "From: x@example.org\nDate: Sun, 13 May 2018 12:32:22 +0800\n"
            "Content-Type: text/plain; charset=\"GB2312\"\nContent-Transfer-Encoding: 8bit\n\n"
            "\u4F60\u597D\n");
  Parsed p = ParseEmail(utf8);
  ASSERT_TRUE(p.summary.ok());
  EXPECT_EQ(p.messages[0].text, "\u4F60\u597D\n");
  EXPECT_TRUE(p.messages[0].extra.contains("charset_note"));

  const auto html = dir / "html.eml";
  WriteFile(html,
            "From: x@example.org\nDate: Sun, 13 May 2018 12:32:22 +0800\n"
            "Content-Type: text/html; charset=utf-8\n\n<p>Hello</p>\n");
  Parsed h = ParseEmail(html);
  ASSERT_TRUE(h.summary.ok());
  EXPECT_EQ(h.messages[0].text, "<p>Hello</p>\n");
  EXPECT_EQ(h.messages[0].extra["body_format"], "html");
}

TEST(Email, EmlWithMboxFromLineFollowsTheNameHint) {
  TempDir dir;
  const auto path = dir / "message.eml";
  WriteFile(path, "From x@example.org Tue May 10 11:28:07 2005\nFrom: x@example.org\n\nHi\n");
  auto as_eml = DetectExportFormat(path, "message.eml");
  ASSERT_TRUE(as_eml.ok());
  EXPECT_EQ(*as_eml, ExportFormat::kEml);
  auto as_mbox = DetectExportFormat(path, "");
  ASSERT_TRUE(as_mbox.ok());
  EXPECT_EQ(*as_mbox, ExportFormat::kMbox);
  Parsed p = ParseEmail(path);
  ASSERT_TRUE(p.summary.ok());
  EXPECT_EQ(p.summary->format, ExportFormat::kEml);
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(p.messages[0].text, "Hi\n");
}

// ---------------------------------------------------------------------------------------------
// Detection of what is not a message export.

TEST(Detect, RefusesOtherFilesCleanly) {
  TempDir dir;
  const auto msg = dir / "mail.msg";
  WriteFile(msg, std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'));
  auto r = DetectExportFormat(msg, "mail.msg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find(".msg"), std::string::npos);

  const auto json = dir / "result.json";
  WriteFile(json, "{\"messages\": [{\"type\": \"message\", \"from\": \"A\"}]}\n");
  EXPECT_EQ(DetectExportFormat(json, "").status().code(), StatusCode::kUnsupported);

  const auto signal = dir / "signal.txt";
  WriteFile(signal, "[2019-12-24, 12:23] Jane Doe: Hello John!\n");
  EXPECT_EQ(DetectExportFormat(signal, "").status().code(), StatusCode::kUnsupported);

  const auto empty = dir / "empty.txt";
  WriteFile(empty, "");
  EXPECT_EQ(DetectExportFormat(empty, "").status().code(), StatusCode::kUnsupported);

  const auto random = dir / "random.bin";
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 2654435761u) >> 13);
  WriteFile(random, bytes);
  EXPECT_EQ(DetectExportFormat(random, "").status().code(), StatusCode::kUnsupported);
  auto parsed = ParseExport(random, "", {}, [](Message&&) { return Status::Ok(); });
  EXPECT_EQ(parsed.status().code(), StatusCode::kUnsupported);

  EXPECT_EQ(DetectExportFormat(dir / "missing.txt", "").status().code(), StatusCode::kNotFound);
}

TEST(Helpers, SanitizeAndFormat) {
  size_t replaced = 0;
  EXPECT_EQ(evidence::LossyUtf8("ok \xC0\xAF \xED\xA0\x80 \xF0\x9F\x98\x8A", &replaced),
            "ok \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xF0\x9F\x98\x8A");
  EXPECT_EQ(replaced, 5u);
  EXPECT_EQ(messages_internal::FormatUnixMillisUtc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(messages_internal::FormatUnixMillisUtc(1512226167463), "2017-12-02T14:49:27.463Z");
  EXPECT_EQ(messages_internal::FormatUnixMillisUtc(INT64_MAX), std::nullopt);
  EXPECT_EQ(ParseDateOrder("day-first").value(), DateOrder::kDayFirst);
  EXPECT_EQ(ParseDateOrder("month-first").value(), DateOrder::kMonthFirst);
  EXPECT_EQ(ParseDateOrder("dd/mm").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evidence
