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

#include "bagit.hpp"
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

  Put(out / "metadata", "photo.jpg", jpeg);
  Put(out / "metadata", "screenshot.png", png);
  Put(out / "metadata", "voicemail.wav", wav);
  Put(out / "metadata", "voice.amr", Amr());
  Put(out / "metadata", "voice.aac", Adts());
  Put(out / "metadata", "chat.txt", chat);

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
