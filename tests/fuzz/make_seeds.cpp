// evidence-fuzz-seeds DIR: writes the seed corpus of every fuzz target into DIR/<target>/, made
// from the project's own fixture writers and a small case exported on the spot. Same bytes on
// every run except what depends on the clock and fresh keys (the exported bundle and its
// checkpoints). Exit status: 0 success, 2 usage error, 3 a seed could not be written.

#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "age_fuzz_identity.hpp"
#include "bagit.hpp"
#include "evidence/age.hpp"
#include "evidence/bundle.hpp"
#include "evidence/bytes.hpp"
#include "evidence/case.hpp"
#include "evidence/checkpoint.hpp"
#include "fixtures.hpp"
#include "fuzz_key.hpp"
#include "testing.hpp"

namespace {

namespace fs = std::filesystem;
namespace et = evidence::testing;

void Put(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  et::WriteFile(dir / name, bytes);
}

template <typename T>
T Check(evidence::Result<T> r, const char* what) {
  if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.status().message());
  return std::move(*r);
}
void Check(const evidence::Status& s, const char* what) {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.message());
}

std::string TelegramChat() {
  return R"json({"name": "Daniel Marsh", "type": "personal_chat", "id": 4242, "messages": [
 {"id": 1, "type": "service", "date": "2026-03-01T21:00:00", "date_unixtime": "1772398800",
  "actor": "Daniel Marsh", "actor_id": "user4242", "action": "phone_call",
  "duration_seconds": 5, "discard_reason": "missed", "text": "", "text_entities": []},
 {"id": 2, "type": "message", "date": "2026-03-01T21:05:00", "edited": "2026-03-01T21:06:00",
  "from": "Daniel Marsh", "from_id": "user4242", "forwarded_from": "Sam",
  "reply_to_message_id": 1, "text": [{"type": "bold", "text": "I know"}, " where ",
  {"type": "text_link", "text": "you live", "href": "https://example.com"}]},
 {"id": 3, "type": "message", "date_unixtime": "1772399000", "from": null, "from_id": "user7",
  "photo": "photos/photo_1@01-03-2026_21-10-00.jpg", "file": "(File not included.)",
  "mime_type": "audio/ogg", "media_type": "voice_message", "text": "look",
  "location_information": {"latitude": 51.5, "longitude": -0.1}}]}
)json";
}

std::string TelegramAccount() {
  return R"({"about": "Here is the data you requested. Telegram...",
 "personal_information": {"user_id": 7, "first_name": "Alex"},
 "chats": {"about": "", "list": [{"name": "Daniel", "type": "personal_chat", "id": 4242,
  "messages": [{"id": 1, "type": "message", "date_unixtime": "1772399000", "from": "Daniel",
                "from_id": "user4242", "text": "answer"}]}]},
 "left_chats": {"about": "", "list": [{"name": "G", "type": "private_group", "id": 9,
  "messages": [{"id": 1, "type": "message", "date": "2026-03-02T08:00:00", "from": "Alex",
                "from_id": "user7", "text": "bye"}]}]}}
)";
}

std::string DiscordDm() {
  const std::string author =
      R"({"id": "111", "name": "dan.marsh", "discriminator": "0000", "nickname": "Danny",
          "isBot": false})";
  return R"({"guild": {"id": "0", "name": "Direct Messages"},
 "channel": {"id": "55", "type": "DirectTextChat", "name": "dan"},
 "dateRange": {"after": null, "before": null},
 "messages": [
  {"id": "1", "type": "Default", "timestamp": "2026-03-01T21:00:00.123+00:00",
   "timestampEdited": "2026-03-01T21:01:00+01:00", "content": "answer me", "author": )" +
         author + R"(, "attachments": [{"id": "9", "url": "a\b.png", "fileName": "b.png",
   "fileSizeBytes": 10}], "embeds": [{"title": "t", "fields": [{"name": "n", "value": "v"}]}],
   "stickers": [{"name": "s", "sourceUrl": "https://x/y.png?z"}],
   "reactions": [{"emoji": {"name": "x"}, "count": 2}], "mentions": [{"name": "alex"}],
   "reference": {"messageId": "0"}},
  {"id": "2", "type": "Call", "timestamp": "2026-03-01T22:00:00.000+00:00",
   "callEndedTimestamp": "2026-03-01T22:04:00.000+00:00", "content": "Started a call.",
   "author": )" +
         author + R"(},
  {"id": "1", "type": "Default", "timestamp": "2026-03-01T21:00:00.123+00:00", "content": "dup",
   "author": )" +
         author + R"(}],
 "messageCount": 3}
)";
}

std::string IosChat() {
  return "[27/02/2026, 21:03:11] Daniel Marsh: \u200eMessages and calls are end-to-end encrypted.\n"
         "[27/02/2026, 21:03:15] Daniel Marsh: Hi\n"
         "[28/02/2026, 9:12:40 AM] Sam: Stop writing to me\n"
         "continued line\n"
         "[01/03/2026, 23:59:59] Daniel Marsh: \u200eimage omitted\n"
         "[02/03/2026, 00:00:01] Daniel Marsh: <attached: "
         "00000012-PHOTO-2026-03-02-00-00-01.jpg>\n";
}

std::string SmsBackup(const std::string& png) {
  return "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
         "<smses count=\"3\" backup_set=\"0f1e\" backup_date=\"1721556032311\" type=\"full\">\n"
         "  <sms protocol=\"0\" address=\"+15550000001\" date=\"1512226167463\" type=\"1\" "
         "subject=\"null\" body=\"Where are you?&#10;Answer me.\" read=\"1\" "
         "date_sent=\"1512226166000\" contact_name=\"Contact A\" />\n"
         "  <sms protocol=\"0\" address=\"+15550000001\" date=\"1600000000\" type=\"2\" "
         "body=\"Leave me alone\" contact_name=\"(Unknown)\" />\n"
         "  <mms date=\"1721161764000\" msg_box=\"1\" address=\"+15550000003~+15550000004\" "
         "sub=\"null\" contact_name=\"Contact C\">\n"
         "    <parts>\n"
         "      <part seq=\"-1\" ct=\"application/smil\" name=\"null\" text=\"&lt;smil/&gt;\" />\n"
         "      <part seq=\"0\" ct=\"image/png\" cl=\"photo.png\" data=\"" +
         evidence::Base64Encode(evidence::AsBytes(png)) +
         "\" />\n"
         "      <part seq=\"0\" ct=\"text/plain\" name=\"text_1.txt\" text=\"Look at this\" />\n"
         "    </parts>\n"
         "    <addrs>\n"
         "      <addr address=\"insert-address-token\" type=\"137\" />\n"
         "      <addr address=\"+15550000003\" type=\"151\" />\n"
         "    </addrs>\n"
         "  </mms>\n"
         "</smses>\n";
}

// A call log in each of the forms the call-log reader knows, written here.
std::string CallLog() {
  return "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
         "<calls count=\"3\" backup_set=\"0f1e\" backup_date=\"1721556032311\">\n"
         "  <call number=\"+15550000001\" duration=\"0\" date=\"1772470800000\" type=\"3\" "
         "presentation=\"1\" readable_date=\"Mar 2, 2026\" contact_name=\"Alex\" />\n"
         "  <call number=\"-1\" duration=\"12\" date=\"1772470860\" type=\"1\" />\n"
         "  <call number=\"+15550000002\" duration=\"61\" date=\"1772470900000\" type=\"2\" "
         "post_dial_digits=\",1\" />\n</calls>\n";
}

std::string SuperBackupLog() {
  return "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<alllogs count=\"2\">\n"
         "  <log number=\"+15550000003\" time=\"Mar 2, 2026 10:00:00 PM\" "
         "date=\"1772488800000\" type=\"3\" name=\"Sam\" new=\"1\" dur=\"0\" />\n"
         "  <log number=\"+15550000004\" date=\"1772489100000\" type=\"6\" dur=\"61\" />\n"
         "</alllogs>\n";
}

std::string VoicePage(const std::string& title, const std::string& body) {
  return "<?xml version=\"1.0\" ?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
         "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\"><html "
         "xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>" +
         title + "</title></head>\n<body>" + body + "</body></html>\n";
}

std::string VoiceCall() {
  return VoicePage(
      "Voicemail from Sam",
      "<div class=\"haudio\"><span class=\"album\">Call Log for</span>\n<div "
      "class=\"contributor vcard\">Voicemail from\n<a class=\"tel\" href=\"tel:+15550000003\">"
      "<span class=\"fn\">Sam</span></a></div>\n<abbr class=\"published\" "
      "title=\"2026-03-02T14:00:00.000-08:00\">Mar 2</abbr>\nTranscript:\n<span "
      "class=\"description\"><span class=\"full-text\">Call me back.</span><span class=\"word "
      "high\">Call<span class=\"start-time\">1.1</span></span></span>\n<audio src=\"a.mp3\">"
      "<a rel=\"enclosure\" href=\"a.mp3\">Audio</a></audio>\n<abbr class=\"duration\" "
      "title=\"PT1M5S\">(00:01:05)</abbr>\n<div class=\"tags\">Labels: <a rel=\"tag\" "
      "href=\"http://www.google.com/voice#voicemail\">Voicemail</a></div>\n<div "
      "class=\"deletedStatusContainer\">User Deleted:\nFalse</div></div>");
}

std::string VoiceThread() {
  return VoicePage(
      "Group Conversation",
      "<div class=\"hChatLog hfeed\"><div class=\"participants\">Group conversation with:\n"
      "<cite class=\"sender vcard\"><a class=\"tel\" href=\"tel:+15550000003\"><span "
      "class=\"fn\">Sam</span></a></cite></div>\n<div class=\"message\"><abbr class=\"dt\" "
      "title=\"2026-03-02T14:00:00.100-08:00\">x</abbr>:\n<cite class=\"sender vcard\"><a "
      "class=\"tel\" href=\"tel:+15550000003\"><span class=\"fn\">Sam</span></a></cite>:\n"
      "<q>one<br>two &amp; three</q>\n</div> <div class=\"message\"><abbr class=\"dt\" "
      "title=\"2026-03-02T14:01:00.000-08:00\">x</abbr>:\n<cite class=\"sender vcard\"><a "
      "class=\"tel\" href=\"tel:+15550000009\"><abbr class=\"fn\" title=\"\">Me</abbr></a>"
      "</cite>:\n<q></q>\n<div><img src=\"pic-1\" alt=\"Image MMS Attachment\" /></div></div>"
      "</div>");
}

std::string Eml() {
  return "From: Daniel Marsh <daniel@example.org>\r\n"
         "To: Sam <sam@example.net>, other@example.net\r\n"
         "Subject: =?UTF-8?B?V2h5IGFyZSB5b3UgaWdub3JpbmcgbWU/?=\r\n"
         "Date: Sat, 28 Feb 2026 21:03:11 +0100\r\n"
         "Message-ID: <1@example.org>\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
         "\r\n"
         "--b1\r\n"
         "Content-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n"
         "\r\n"
         "I know where you live=2E\r\n"
         "--b1\r\n"
         "Content-Type: image/jpeg; name=\"door.jpg\"\r\n"
         "Content-Disposition: attachment; filename=\"door.jpg\"\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "\r\n"
         "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQ==\r\n"
         "--b1--\r\n";
}

// Meta writes non-ASCII as UTF-8 bytes escaped one by one ("Zo\u00c3\u00ab" is "Zoë").
std::string MetaThread() {
  return "\xEF\xBB\xBF{\"participants\": [{\"name\": \"Zo\\u00c3\\u00ab\"}, {\"name\": \"Sam\"}],\n"
         "\"messages\": [{\"sender_name\": \"Sam\", \"timestamp_ms\": 1600000300000, \"content\": "
         "\"caf\\u00c3\\u00a9\", \"reactions\": [{\"reaction\": \"\\u00e2\\u009d\\u00a4\", "
         "\"actor\": \"Zo\\u00c3\\u00ab\"}]},\n"
         "{\"sender_name\": \"Zo\\u00c3\\u00ab\", \"timestamp_ms\": 1600000200000, \"is_unsent\": "
         "true},\n"
         "{\"sender_name\": \"Sam\", \"timestamp_ms\": 1600000100000, \"share\": {\"link\": "
         "\"https://example.org\"}, \"photos\": [{\"uri\": \"photos/1.jpg\"}]}],\n"
         "\"title\": \"Zo\\u00c3\\u00ab\", \"thread_path\": \"inbox/zoe_1\"}\n";
}

std::string GoogleChat() {
  return "{\"messages\": [{\"creator\": {\"name\": \"Ann\", \"email\": \"ann@example.org\"}, "
         "\"created_date\": \"Wednesday, April 15, 2015 at 6:24:13 PM UTC\", \"text\": \"hi\"},\n"
         "{\"creator\": {\"name\": \"Bo\"}, \"created_date\": \"Monday, January 7, 2019 at "
         "7:25:08\\u202fPM GMT+05:30\", \"attached_files\": [{\"original_name\": \"a.png\", "
         "\"export_name\": \"File-a.png\"}], \"annotations\": [{\"url_metadata\": {\"url\": "
         "{\"private_do_not_access_or_else_safe_url_wrapped_value\": \"https://x\"}}}]}]}\n";
}

std::string IMessageHtml() {
  return "<html><div class=\"message\"><div class=\"received SMS\"><p><span "
         "class=\"timestamp\">Jul 17, 2022 5:31:49 PM (Read by you after 5 seconds)</span><span "
         "class=\"sender\">+15558675309</span></p><div class=\"message_part\"><span "
         "class=\"bubble\">hi<br>there</span></div><div class=\"reactions\"><div "
         "class=\"reaction\"><span><b>Loved</b> by Me</span></div></div><div "
         "class=\"replies\"><div "
         "class=\"reply\"><div class=\"message\"><div class=\"sent iMessage\"><p><span "
         "class=\"timestamp\">Jul 17, 2022 5:32:03 PM</span><span "
         "class=\"sender\">Me</span></p><div "
         "class=\"message_part\"><img src=\"attachments/a.jpeg\"></div></div></div></div></div>"
         "</div></div><div class=\"announcement\"><p><span class=\"timestamp\">Jul 17, 2022 "
         "5:04:50 "
         "PM</span> You renamed the conversation to <b>x</b></p></div></html>\n";
}

std::string IMessageText() {
  return "May 17, 2022  5:29:42 PM\nMe\nHello\n\n"
         "May 17, 2022  5:30:01 PM (Read by you after 1 minute)\nSam\nwhere are you\nReactions:\n"
         "Loved by Me\n    May 17, 2022  5:31:00 PM\n    Me\n    home\n"
         "    /Users/me/Library/Messages/Attachments/a/IMG_1.HEIC\n\n"
         "May 17, 2022  5:32:00 PM You named the conversation X\n\n"
         "May 17, 2022  6:00:00 PM\nSam\nMay 17, 2022  5:59:00 PM first\nEdited 9 seconds later: "
         "second\n\n";
}

std::string Mbox() {
  return "From daniel@example.org Sat Feb 28 21:03:11 2026\n"
         "From: daniel@example.org\n"
         "Date: 28 Feb 26 21:03 EST\n"
         "Subject: one\n"
         "\n"
         "First.\n"
         ">From the start\n"
         "\n"
         "From daniel@example.org Sun Mar  1 07:00:00 2026\n"
         "From: \"Daniel\" <daniel@example.org>\n"
         "Date: Sun, 1 Mar 2026 07:00 +0000 (UTC)\n"
         "Content-Type: text/html; charset=iso-8859-1\n"
         "\n"
         "<p>Second \xe9</p>\n";
}

// Minimal AMR-NB (magic + two 12.2 kbit/s frames) and ADTS (two AAC-LC frame headers).
std::string Amr() {
  std::string s = "#!AMR\n";
  for (int i = 0; i < 2; ++i) s += '\x3c' + std::string(31, '\x11');
  return s;
}
std::string Adts() {
  std::string frame = "\xff\xf1\x50\x80\x02\x1f\xfc";  // 16 bytes long, 44.1 kHz, 2 channels
  frame += std::string(9, '\0');
  return frame + frame;
}

void WriteSeeds(const fs::path& out) {
  et::TempDir tmp;
  const std::string chat = et::WhatsAppExportText();
  const fs::path jpeg_path = tmp / "IMG_20260301_074213.jpg";
  const fs::path png_path = tmp / "Screenshot_20260302-211405.png";
  const fs::path wav_path = tmp / "voicemail.wav";
  et::JpegOptions small_jpeg;
  small_jpeg.width = 16;
  small_jpeg.height = 16;
  et::WriteJpegWithExif(jpeg_path, small_jpeg);
  et::PngOptions small_png;
  small_png.width = 16;
  small_png.height = 24;
  et::WritePngScreenshot(png_path, small_png);
  et::WriteWav(wav_path, 0.05);
  const std::string jpeg = et::ReadFile(jpeg_path);
  const std::string png = et::ReadFile(png_path);
  const std::string wav = et::ReadFile(wav_path);

  Put(out / "whatsapp_text", "android.txt", chat);
  Put(out / "whatsapp_text", "ios.txt", IosChat());
  Put(out / "whatsapp_text", "crlf.txt",
      "3/18/22, 2:56 PM - Daniel: one\r\n3/18/22, 2:57 PM - Daniel: two\r\n");

  fs::create_directories(out / "whatsapp_zip");
  et::WriteZip(out / "whatsapp_zip" / "stored.zip",
               {{"WhatsApp Chat with Daniel Marsh.txt", chat}, {"IMG-20260301-WA0001.jpg", jpeg}},
               et::ZipMethod::kStore);
  et::WriteZip(out / "whatsapp_zip" / "deflated.zip",
               {{"_chat.txt", IosChat()}, {"00000012-PHOTO-2026-03-02-00-00-01.jpg", jpeg}},
               et::ZipMethod::kDeflate);

  Put(out / "sms", "backup.xml", SmsBackup(png));
  Put(out / "email", "message.eml", Eml());
  Put(out / "calls_xml", "calls.xml", CallLog());
  Put(out / "calls_xml", "superbackup.xml", SuperBackupLog());
  Put(out / "google_voice", "voicemail.html", VoiceCall());
  Put(out / "google_voice", "thread.html", VoiceThread());
  Put(out / "email", "mailbox.mbox", Mbox());
  Put(out / "telegram", "result.json", TelegramChat());
  Put(out / "telegram", "account.json", TelegramAccount());
  Put(out / "discord", "dm.json", DiscordDm());
  Put(out / "meta", "message_1.json", MetaThread());
  Put(out / "google_chat", "messages.json", GoogleChat());
  // The imessage target reads byte 0 as the choice: odd is HTML, even is TXT.
  Put(out / "imessage", "chat.html", "\x01" + IMessageHtml());
  Put(out / "imessage", "chat.txt", std::string(1, '\0') + IMessageText());

  Put(out / "metadata", "photo.jpg", jpeg);
  Put(out / "metadata", "screenshot.png", png);
  Put(out / "metadata", "voicemail.wav", wav);
  Put(out / "metadata", "voice.amr", Amr());
  Put(out / "metadata", "voice.aac", Adts());
  Put(out / "metadata", "chat.txt", chat);

  // age files for the fuzz target's identity: empty, one short chunk, a full chunk and more.
  for (std::size_t n : {std::size_t{0}, std::size_t{100}, std::size_t{70000}}) {
    std::string file;
    auto to = Check(evidence::AgeRecipient::Parse(evidence::fuzz::AgeFuzzIdentity().Recipient()),
                    "age recipient");
    auto enc = Check(evidence::AgeEncryptor::Start({to},
                                                   [&](evidence::ByteView b) {
                                                     file.append(evidence::AsChars(b));
                                                     return evidence::Status::Ok();
                                                   }),
                     "age encryptor");
    Check(enc->Write(evidence::AsBytes(std::string(n, 'x'))), "age write");
    Check(enc->Finish(), "age finish");
    Put(out / "age", "plain-" + std::to_string(n) + ".age", file);
  }

  // A checkpoint signed by the target's own key, so the verify path is reached.
  evidence::Checkpoint cp;
  cp.origin = "evidence.case/00000000-0000-4000-8000-000000000000";
  cp.size = 7;
  for (std::size_t i = 0; i < cp.root.size(); ++i) cp.root[i] = static_cast<std::uint8_t>(i * 7);
  const auto& key = evidence::fuzz::FuzzKey();
  Put(out / "checkpoint", "signed.note",
      Check(evidence::SignCheckpoint(cp, evidence::fuzz::kFuzzKeyName, key), "sign checkpoint"));
  Put(out / "checkpoint", "verifier.key",
      evidence::VerifierKey(evidence::fuzz::kFuzzKeyName, key.public_key()));

  // A real case: the bundle seeds, its checkpoint and its BagIt tag files.
  evidence::CaseOptions options;
  options.name = "seed case";
  options.owner = "Seed Owner";
  options.passphrase = std::nullopt;
  auto c = Check(evidence::Case::Create(tmp / "case", options), "create case");
  const fs::path chat_path = tmp / "WhatsApp Chat with Daniel Marsh.txt";
  et::WriteText(chat_path, chat);
  evidence::IngestOptions note;
  note.note = "found on the doorstep";
  for (const auto& p : {jpeg_path, chat_path}) (void)Check(c.Ingest(p, note), "ingest");
  Check(c.Seal(), "seal");
  Put(out / "checkpoint", "case.note", Check(c.LatestCheckpoint(), "checkpoint"));
  for (const char* suffix : {".tar", ".zip", ".tar.gz"}) {
    evidence::ExportOptions ex;
    ex.out = tmp / (std::string("bundle") + suffix);
    ex.recipient = "seed";
    auto done = Check(c.Export(ex), "export");
    const std::string bytes = et::ReadFile(done.file);
    Put(out / "bundle", std::string("bundle") + suffix, bytes);
    if (std::string(suffix) == ".tar") {
      auto report = Check(evidence::VerifyBundle(done.file, {}), "verify bundle");
      for (const auto& [name, text] : report.tag_files) {
        const bool tag = name.find('/') == std::string::npos && name.ends_with(".txt");
        if (tag) Put(out / "bagit", name, text);
        if (name.find("checkpoint") != std::string::npos) {
          Put(out / "checkpoint", fs::path(name).filename().string(), text);
        }
      }
    }
  }

  Put(out / "roundtrip", "photo", "found on the doorstep\n" + jpeg);
  Put(out / "roundtrip", "chat", "the chat he sent\n" + chat);
  Put(out / "roundtrip", "text", "\nhello");

  // receive: edits of the bundle it exports itself (receive_fuzz.cpp), so a seed is only where and
  // what to edit. A value of another type, a field removed, a member replaced.
  using namespace std::string_literals;
  Put(out / "receive", "unchanged", "\x00\x00\x00\x00"s);
  Put(out / "receive", "items-number", "\x00\x00\x40\x04\"5\""s);
  Put(out / "receive", "items-null", "\x00\x00\x80\x08null"s);
  Put(out / "receive", "incidents-type", "\x01\x00\x30\x02[]"s);
  Put(out / "receive", "proofs-cut", "\x02\x00\x20\x40"s);
  for (int member = 0; member < 3; ++member) {
    for (const char* value :
         {"\"5\"", "5", "", "[]", "{}", "-1", "\"EX-0009\"", "18446744073709551616"}) {
      Put(out / "receive",
          "value-" + std::to_string(member) + "-" + std::to_string(value[0]) + "-" +
              std::to_string(std::strlen(value)),
          std::string(1, static_cast<char>(0x40 | member)) +
              std::string(1, static_cast<char>(member * 7 + std::strlen(value))) + value);
    }
  }
  Put(out / "receive", "items-empty", "\x80[]\n"s);
  Put(out / "receive", "incidents-object", "\x81{}\n"s);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: evidence-fuzz-seeds DIR\n";
    return 2;
  }
  try {
    WriteSeeds(argv[1]);
  } catch (const std::exception& e) {
    std::cerr << "evidence-fuzz-seeds: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
