// ExtractMetadata end to end on fixtures built here byte by byte: JPEG with EXIF and GPS, TIFF
// named .jpg, PNG with text chunks, WAV, AMR, ADTS, an MP4 voice memo, text files, message
// exports, e-mail, archives, and broken and mutated variants of all of them.
#include "evidence/metadata.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "evidence/canonical_json.hpp"
#include "fixtures.hpp"
#include "metadata_internal.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

using evidence::testing::TempDir;
using evidence::testing::WriteFile;
using evidence::testing::WriteZip;

std::string Be16s(std::uint32_t v) { return {char(v >> 8), char(v)}; }
std::string Be32s(std::uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }
std::string Le16s(std::uint32_t v) { return {char(v), char(v >> 8)}; }
std::string Le32s(std::uint32_t v) { return {char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; }

// --- TIFF / EXIF builder (little-endian) -----------------------------------------------------

class Ifd {
 public:
  Ifd& Ascii(std::uint16_t tag, const std::string& s) {
    return Add(tag, 2, s.size() + 1, s + '\0');
  }
  Ifd& Byte(std::uint16_t tag, std::uint8_t v) { return Add(tag, 1, 1, std::string(1, char(v))); }
  Ifd& Bytes(std::uint16_t tag, const std::string& v) { return Add(tag, 1, v.size(), v); }
  Ifd& Short(std::uint16_t tag, std::uint16_t v) { return Add(tag, 3, 1, Le16s(v)); }
  Ifd& Long(std::uint16_t tag, std::uint32_t v) { return Add(tag, 4, 1, Le32s(v)); }
  Ifd& Undefined(std::uint16_t tag, const std::string& v) { return Add(tag, 7, v.size(), v); }
  Ifd& Rationals(std::uint16_t tag, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& r) {
    std::string v;
    for (auto [n, d] : r) v += Le32s(n) + Le32s(d);
    return Add(tag, 5, r.size(), v);
  }

  std::uint32_t Size() const {
    std::uint32_t size = 2 + 12 * static_cast<std::uint32_t>(entries_.size()) + 4;
    for (const auto& [tag, e] : entries_) {
      if (e.value.size() > 4) size += static_cast<std::uint32_t>((e.value.size() + 1) & ~1u);
    }
    return size;
  }

  // The IFD at file offset `base`, followed by its out-of-line values.
  std::string Serialize(std::uint32_t base) const {
    std::string head = Le16s(static_cast<std::uint32_t>(entries_.size()));
    std::string data;
    std::uint32_t data_at = base + 2 + 12 * static_cast<std::uint32_t>(entries_.size()) + 4;
    for (const auto& [tag, e] : entries_) {
      head += Le16s(tag) + Le16s(e.type) + Le32s(static_cast<std::uint32_t>(e.count));
      if (e.value.size() <= 4) {
        head += e.value + std::string(4 - e.value.size(), '\0');
      } else {
        head += Le32s(data_at + static_cast<std::uint32_t>(data.size()));
        data += e.value;
        if (data.size() % 2 != 0) data.push_back('\0');
      }
    }
    return head + Le32s(0) + data;
  }

 private:
  struct Entry {
    std::uint16_t type;
    std::size_t count;
    std::string value;
  };
  Ifd& Add(std::uint16_t tag, std::uint16_t type, std::size_t count, std::string value) {
    entries_[tag] = Entry{type, count, std::move(value)};
    return *this;
  }
  std::map<std::uint16_t, Entry> entries_;  // sorted by tag, as TIFF requires
};

std::string Tiff(Ifd ifd0, const Ifd* exif = nullptr, const Ifd* gps = nullptr) {
  if (exif != nullptr) ifd0.Long(0x8769, 0);
  if (gps != nullptr) ifd0.Long(0x8825, 0);
  std::uint32_t exif_at = 8 + ifd0.Size();
  std::uint32_t gps_at = exif_at + (exif != nullptr ? exif->Size() : 0);
  if (exif != nullptr) ifd0.Long(0x8769, exif_at);
  if (gps != nullptr) ifd0.Long(0x8825, gps_at);
  std::string out = std::string("II*\0", 4) + Le32s(8) + ifd0.Serialize(8);
  if (exif != nullptr) out += exif->Serialize(exif_at);
  if (gps != nullptr) out += gps->Serialize(gps_at);
  return out;
}

std::string Jpeg(const std::string& tiff, std::uint16_t width, std::uint16_t height) {
  std::string app1 = std::string("Exif\0\0", 6) + tiff;
  std::string s = "\xFF\xD8";
  s += "\xFF\xE1" + Be16s(static_cast<std::uint32_t>(app1.size() + 2)) + app1;
  s += "\xFF\xC0" + Be16s(17) + "\x08" + Be16s(height) + Be16s(width) +
       std::string("\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
  s += "\xFF\xD9";
  return s;
}

Ifd CameraIfd0(const std::string& software = "1.0") {
  Ifd ifd0;
  ifd0.Ascii(0x010F, "Acme").Ascii(0x0110, "PhoneCam 3").Short(0x0112, 6).Ascii(0x0131, software);
  return ifd0;
}

Ifd ExifIfd(const std::string& when, const std::string& subsec, const std::string& offset) {
  Ifd exif;
  exif.Ascii(0x9003, when);
  if (!subsec.empty()) exif.Ascii(0x9291, subsec);
  if (!offset.empty()) exif.Ascii(0x9011, offset);
  return exif;
}

Ifd GpsIfd() {
  Ifd gps;
  gps.Bytes(0x0000, std::string("\x02\x02\x00\x00", 4))
      .Ascii(0x0001, "N")
      .Rationals(0x0002, {{51, 1}, {10, 1}, {4181, 100}})
      .Ascii(0x0003, "W")
      .Rationals(0x0004, {{1, 1}, {49, 1}, {3590, 100}})
      .Byte(0x0005, 0)
      .Rationals(0x0006, {{97, 1}})
      .Rationals(0x0007, {{14, 1}, {27, 1}, {724, 100}})
      .Ascii(0x001D, "2008:10:23");
  return gps;
}

std::string PhotoJpeg() {
  Ifd exif = ExifIfd("2019:05:01 12:34:56", "12", "+02:00");
  Ifd gps = GpsIfd();
  return Jpeg(Tiff(CameraIfd0(), &exif, &gps), 64, 48);
}

// --- PNG builder -------------------------------------------------------------------------------

std::uint32_t Crc32(const std::string& bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}

std::string PngChunk(const std::string& type, const std::string& data) {
  return Be32s(static_cast<std::uint32_t>(data.size())) + type + data + Be32s(Crc32(type + data));
}

std::string Png(std::uint32_t w, std::uint32_t h, const std::string& extra_chunks) {
  std::string ihdr = Be32s(w) + Be32s(h) + std::string("\x08\x02\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + PngChunk("IHDR", ihdr) + extra_chunks +
         PngChunk("IEND", "");
}

std::string Text(const std::string& keyword, const std::string& text) {
  return PngChunk("tEXt", keyword + std::string(1, '\0') + text);
}

// --- Audio builders --------------------------------------------------------------------------

std::string Wav(std::uint32_t rate, std::uint16_t channels, std::uint32_t data_bytes) {
  std::uint16_t align = static_cast<std::uint16_t>(channels * 2);
  std::string fmt = "fmt " + Le32s(16) + Le16s(1) + Le16s(channels) + Le32s(rate) +
                    Le32s(rate * align) + Le16s(align) + Le16s(16);
  std::string data = "data" + Le32s(data_bytes) + std::string(data_bytes, '\0');
  return "RIFF" + Le32s(static_cast<std::uint32_t>(4 + fmt.size() + data.size())) + "WAVE" + fmt +
         data;
}

std::string Box(const std::string& type, const std::string& payload) {
  return Be32s(static_cast<std::uint32_t>(8 + payload.size())) + type + payload;
}
std::string FullBox(const std::string& type, const std::string& payload) {
  return Box(type, std::string(4, '\0') + payload);
}

// An iPhone-style voice memo skeleton: M4A brand, a movie header with the recording time, one
// sound track with an AAC sample entry, no media data.
std::string VoiceMemo(std::uint32_t unix_time, std::uint32_t duration_ms) {
  std::uint32_t t = unix_time + 2082844800u;
  std::string mvhd = FullBox(
      "mvhd", Be32s(t) + Be32s(t) + Be32s(1000) + Be32s(duration_ms) + std::string(80, '\0'));
  std::string hdlr = FullBox("hdlr", Be32s(0) + "soun" + std::string(13, '\0'));
  std::string entry = Box("mp4a", std::string(6, '\0') + Be16s(1) + std::string(8, '\0') +
                                      Be16s(1) + Be16s(16) + Be32s(0) + Be32s(44100u << 16));
  std::string stbl = Box("stbl", FullBox("stsd", Be32s(1) + entry));
  std::string trak =
      Box("trak", Box("mdia", FullBox("mdhd", std::string(20, '\0')) + hdlr + Box("minf", stbl)));
  return Box("ftyp", "M4A " + Be32s(0) + "M4A isommp42") + Box("moov", mvhd + trak);
}

// --- Helpers ---------------------------------------------------------------------------------

class Fixture : public ::testing::Test {
 protected:
  Metadata Extract(const std::string& bytes, const std::string& name) {
    auto path = dir_ / ("obj" + std::to_string(n_++));
    WriteFile(path, bytes);
    Metadata md = ExtractMetadata(path, name);
    CheckContract(md);
    return md;
  }

  static void CheckContract(const Metadata& md) {
    EXPECT_NE(std::find(std::begin(kMetadataKinds), std::end(kMetadataKinds), md.kind),
              std::end(kMetadataKinds))
        << md.kind;
    ASSERT_TRUE(md.fields.is_object());
    auto canonical = CanonicalJson(md.fields);
    EXPECT_TRUE(canonical.ok()) << canonical.status().ToString();
    EXPECT_FALSE(HasBoolean(md.fields));
    for (const std::string& e : md.errors) EXPECT_TRUE(IsValidUtf8(e));
    if (md.captured) {
      EXPECT_TRUE(IsValidUtf8(*md.captured));
    }
  }

  static bool HasBoolean(const nlohmann::json& j) {
    if (j.is_boolean()) return true;
    if (j.is_structured()) {
      for (const auto& v : j) {
        if (HasBoolean(v)) return true;
      }
    }
    return false;
  }

  static std::string Errors(const Metadata& md) {
    std::string s;
    for (const auto& e : md.errors) s += e + "\n";
    return s;
  }

  TempDir dir_;
  int n_ = 0;
};

// --- Images ----------------------------------------------------------------------------------

TEST_F(Fixture, JpegPhotoWithExifAndGps) {
  Metadata md = Extract(PhotoJpeg(), "IMG_0001.JPG");
  EXPECT_EQ(md.media_type, "image/jpeg");
  EXPECT_EQ(md.kind, "photo");
  EXPECT_EQ(md.captured, "2019-05-01T12:34:56.120+02:00");
  EXPECT_EQ(md.fields["captured_source"], "Exif.Photo.DateTimeOriginal");
  EXPECT_EQ(md.fields["make"], "Acme");
  EXPECT_EQ(md.fields["model"], "PhoneCam 3");
  EXPECT_EQ(md.fields["software"], "1.0");
  EXPECT_EQ(md.fields["orientation"], 6);
  EXPECT_EQ(md.fields["width"], 64);
  EXPECT_EQ(md.fields["height"], 48);
  EXPECT_EQ(md.fields["gps"]["latitude"], "51.1782806");
  EXPECT_EQ(md.fields["gps"]["longitude"], "-1.8266389");
  EXPECT_EQ(md.fields["gps"]["altitude_m"], "97.000");
  EXPECT_EQ(md.fields["gps"]["time_utc"], "2008-10-23T14:27:07.240Z");
  EXPECT_EQ(md.fields["exif"]["Exif.Image.Make"], "Acme");
  EXPECT_FALSE(md.fields.contains("edited"));
  EXPECT_TRUE(md.errors.empty()) << Errors(md);
}

TEST_F(Fixture, CaptureTimeWithoutOffsetHasNoZone) {
  Ifd exif = ExifIfd("2019:05:01 12:34:56", "", "");
  Metadata md = Extract(Jpeg(Tiff(CameraIfd0(), &exif), 8, 8), "a.jpg");
  EXPECT_EQ(md.captured, "2019-05-01T12:34:56");
}

TEST_F(Fixture, InvalidCaptureTimeIsAnErrorNotAGuess) {
  Ifd exif = ExifIfd("0000:00:00 00:00:00", "", "");
  Metadata md = Extract(Jpeg(Tiff(CameraIfd0(), &exif), 8, 8), "a.jpg");
  EXPECT_FALSE(md.captured);
  EXPECT_NE(Errors(md).find("DateTimeOriginal"), std::string::npos) << Errors(md);
}

TEST_F(Fixture, GpsWithoutHemisphereIsNotRecorded) {
  Ifd gps;
  gps.Rationals(0x0002, {{51, 1}, {0, 1}, {0, 1}}).Rationals(0x0004, {{1, 1}, {0, 1}, {0, 1}});
  Metadata md = Extract(Jpeg(Tiff(CameraIfd0(), nullptr, &gps), 8, 8), "a.jpg");
  EXPECT_FALSE(md.fields.contains("gps") && md.fields["gps"].contains("latitude"));
  EXPECT_NE(Errors(md).find("sign is unknown"), std::string::npos) << Errors(md);
}

TEST_F(Fixture, PhotoResavedByAnEditorIsFlagged) {
  Ifd exif = ExifIfd("2020:09:02 18:52:42", "892", "");
  Metadata md = Extract(Jpeg(Tiff(CameraIfd0("paint.net 4.2.13"), &exif), 1, 1), "x.jpg");
  EXPECT_EQ(md.kind, "photo");
  ASSERT_TRUE(md.fields.contains("edited"));
  EXPECT_NE(md.fields["edited"].get<std::string>().find("paint.net"), std::string::npos);
}

TEST_F(Fixture, ScreenshotByExifUserComment) {
  Ifd ifd0;
  ifd0.Short(0x0112, 1);
  Ifd exif;
  exif.Undefined(0x9286, std::string("ASCII\0\0\0Screenshot", 18));
  Metadata md = Extract(Jpeg(Tiff(ifd0, &exif), 640, 480), "IMG_1234.jpg");
  EXPECT_EQ(md.kind, "screenshot");
  EXPECT_NE(md.fields["screenshot_reason"].get<std::string>().find("UserComment"),
            std::string::npos);
}

TEST_F(Fixture, PngTextMentioningScreenshot) {
  Metadata md = Extract(Png(1080, 2340, Text("Software", "gnome-screenshot")), "image.png");
  EXPECT_EQ(md.media_type, "image/png");
  EXPECT_EQ(md.kind, "screenshot");
  EXPECT_EQ(md.fields["width"], 1080);
  EXPECT_EQ(md.fields["height"], 2340);
  EXPECT_EQ(md.fields["png_text"]["Software"], "gnome-screenshot");
  EXPECT_NE(md.fields["screenshot_reason"].get<std::string>().find("PNG text"), std::string::npos);
}

TEST_F(Fixture, PngWithoutCameraMakeIsAScreenshot) {
  Metadata md = Extract(Png(16, 16, Text("Comment", "hello")), "download.png");
  EXPECT_EQ(md.kind, "screenshot");
  EXPECT_EQ(md.fields["screenshot_reason"], "PNG without camera make or model");
}

TEST_F(Fixture, PngWithCameraExifIsAPhoto) {
  Ifd exif = ExifIfd("2021:01:02 03:04:05", "", "");
  Metadata md = Extract(Png(32, 32, PngChunk("eXIf", Tiff(CameraIfd0(), &exif))), "p.png");
  EXPECT_EQ(md.kind, "photo") << md.fields.dump();
  EXPECT_EQ(md.captured, "2021-01-02T03:04:05");
}

TEST_F(Fixture, TiffNamedJpgIsATiff) {
  Metadata md = Extract(Tiff(CameraIfd0()), "holiday.jpg");
  EXPECT_EQ(md.media_type, "image/tiff");
  EXPECT_EQ(md.fields["extension"], "jpg");
  EXPECT_EQ(md.fields["extension_mismatch"], "name says .jpg, content is image/tiff");
  EXPECT_EQ(md.fields["make"], "Acme");
}

TEST_F(Fixture, PngNamedJpgIsAPng) {
  Metadata md = Extract(Png(4, 4, ""), "evidence.jpg");
  EXPECT_EQ(md.media_type, "image/png");
  EXPECT_TRUE(md.fields.contains("extension_mismatch"));
}

TEST_F(Fixture, TruncatedJpegStillIngests) {
  std::string jpeg = PhotoJpeg();
  for (std::size_t cut : {3u, 20u, 60u, 200u}) {
    Metadata md = Extract(jpeg.substr(0, cut), "cut.jpg");  // checks the contract
    if (cut >= 20) {
      EXPECT_EQ(md.media_type, "image/jpeg") << cut;
      EXPECT_TRUE(md.kind == "image" || md.kind == "photo") << cut << ": " << md.kind;
    }
  }
}

// --- Audio -----------------------------------------------------------------------------------

TEST_F(Fixture, WavDurationAndFormat) {
  Metadata md = Extract(Wav(8000, 1, 16000), "memo.wav");
  EXPECT_EQ(md.media_type, "audio/x-wav");
  EXPECT_EQ(md.kind, "audio");
  EXPECT_EQ(md.fields["duration"], "1.000");
  EXPECT_EQ(md.fields["sample_rate"], 8000);
  EXPECT_EQ(md.fields["channels"], 1);
  EXPECT_EQ(md.fields["codec"], "pcm");
  EXPECT_EQ(md.fields["container"], "wav");
}

TEST_F(Fixture, AmrVoiceNote) {
  std::string amr = "#!AMR\n";
  for (int i = 0; i < 150; ++i) amr += char(7 << 3 | 4) + std::string(31, '\x5A');
  Metadata md = Extract(amr, "voice.amr");
  EXPECT_EQ(md.media_type, "audio/amr");
  EXPECT_EQ(md.kind, "audio");
  EXPECT_EQ(md.fields["codec"], "amr-nb");
  EXPECT_EQ(md.fields["duration"], "3.000");
  EXPECT_EQ(md.fields["duration_source"], "amr frame count");
}

TEST_F(Fixture, VoiceMemoRecordingTimeFromTheMovieHeader) {
  Metadata md = Extract(VoiceMemo(1556714096, 61500), "New Recording.m4a");
  EXPECT_EQ(md.kind, "audio") << md.media_type;
  EXPECT_EQ(md.captured, "2019-05-01T12:34:56Z");
  EXPECT_EQ(md.fields["duration"], "61.500");
  EXPECT_EQ(md.fields["codec"], "aac");
  EXPECT_EQ(md.fields["sample_rate"], 44100);
}

// --- Documents, exports, e-mail, archives ----------------------------------------------------

TEST_F(Fixture, PlainTextIsADocument) {
  Metadata md =
      Extract("Notes about the car parked outside, 3 May.\nIt was there again.\n", "notes.txt");
  EXPECT_EQ(md.media_type, "text/plain");
  EXPECT_EQ(md.kind, "document");
}

TEST_F(Fixture, WhatsAppTextExports) {
  Metadata android = Extract("18/03/2022, 14:56 - Dmitry S: Hello\n18/03/2022, 15:10 - A: Hi\n",
                             "WhatsApp Chat with A.txt");
  EXPECT_EQ(android.kind, "message-export");
  EXPECT_EQ(android.fields["format"], "whatsapp-text");
  Metadata ios =
      Extract("\xE2\x80\x8E[3/27/22, 21:41:35] Dmitry S: Hello World\n[3/27/22, 21:42:01] A: Hi\n",
              "_chat.txt");
  EXPECT_EQ(ios.kind, "message-export");
  // A log file with the same kind of prefix but no senders is not an export.
  Metadata log = Extract(
      "2019-05-01 12:00:00,123 - app - INFO - started\n"
      "2019-05-01 12:00:01,456 - app - WARNING - disk: 91% full\n",
      "app.txt");
  EXPECT_EQ(log.kind, "document");
  // The extension is only a hint: the same text under another name is still an export.
  Metadata renamed = Extract("[14:56:01, 3/18/22] Musk Elon: hi\n", "notes.dat");
  EXPECT_EQ(renamed.kind, "message-export");
}

TEST_F(Fixture, SmsBackupXml) {
  Metadata md = Extract(
      "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
      "<?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n"
      "<smses count=\"1\"><sms address=\"+15550001\" body=\"hi\" date=\"1434852518026\" "
      "type=\"1\" /></smses>\n",
      "sms-20240501.xml");
  EXPECT_EQ(md.kind, "message-export");
  EXPECT_EQ(md.fields["format"], "sms-backup-restore");
  Metadata other = Extract("<?xml version=\"1.0\"?>\n<note><to>x</to></note>\n", "note.xml");
  EXPECT_EQ(other.kind, "document");
}

TEST_F(Fixture, EmailAndMbox) {
  std::string eml =
      "From: Someone <someone@example.com>\r\nTo: me@example.com\r\nSubject: you know\r\n"
      "Date: Mon, 6 Jun 2005 22:21:22 +0200\r\nMessage-ID: <1@example.com>\r\n\r\nBody\r\n";
  Metadata md = Extract(eml, "message.txt");
  EXPECT_EQ(md.kind, "email");
  EXPECT_EQ(md.fields["format"], "rfc822");
  Metadata mbox = Extract("From - Mon Jun  6 22:21:22 2005\n" + eml, "Inbox.mbox");
  EXPECT_EQ(mbox.kind, "email");
  EXPECT_EQ(mbox.fields["format"], "mbox");
  // "key: value" text is not mail.
  Metadata yaml = Extract("name: x\nversion: 2\ndescription: y\n\nmore\n", "config.eml");
  EXPECT_EQ(yaml.kind, "document");
}

TEST_F(Fixture, WhatsAppZipExport) {
  auto zip = dir_ / "export.zip";
  WriteZip(zip,
           {{"_chat.txt", "[3/27/22, 21:41:35] A: hi\n"}, {"00000001-PHOTO.jpg", PhotoJpeg()}});
  Metadata md = ExtractMetadata(zip, "WhatsApp Chat - A.zip");
  CheckContract(md);
  EXPECT_EQ(md.media_type, "application/zip");
  EXPECT_EQ(md.kind, "message-export");
  EXPECT_EQ(md.fields["format"], "whatsapp-zip");
  EXPECT_EQ(md.fields["chat_file"], "_chat.txt");
  EXPECT_EQ(md.fields["archive_entries"], 2);

  auto android = dir_ / "android.zip";
  WriteZip(android, {{"WhatsApp Chat with Bob.txt", "1/1/21, 12:00 - A: Hi\n"}});
  EXPECT_EQ(ExtractMetadata(android, "x.zip").kind, "message-export");

  auto plain = dir_ / "plain.zip";
  WriteZip(plain, {{"report.txt", "text"}, {"__MACOSX/._chat.txt", "x"}});
  EXPECT_EQ(ExtractMetadata(plain, "plain.zip").kind, "other");
}

// --- Unreadable and odd files ----------------------------------------------------------------

TEST_F(Fixture, EmptyFile) {
  Metadata md = Extract("", "empty.jpg");
  EXPECT_EQ(md.kind, "other");
  EXPECT_FALSE(md.captured);
}

TEST_F(Fixture, MissingFileIsAnErrorNotAFailure) {
  Metadata md = ExtractMetadata(dir_ / "does-not-exist", "x.jpg");
  CheckContract(md);
  EXPECT_EQ(md.kind, "other");
  EXPECT_EQ(md.media_type, "application/octet-stream");
  ASSERT_FALSE(md.errors.empty());
  EXPECT_EQ(md.errors[0].rfind("file: ", 0), 0u) << md.errors[0];
}

TEST_F(Fixture, DirectoryIsAnErrorNotAFailure) {
  Metadata md = ExtractMetadata(dir_.path(), "folder");
  CheckContract(md);
  EXPECT_EQ(md.kind, "other");
  EXPECT_FALSE(md.errors.empty());
}

TEST_F(Fixture, FifoIsRefusedWithoutBlocking) {
  auto fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Metadata md = ExtractMetadata(fifo, "pipe.jpg");
  CheckContract(md);
  EXPECT_EQ(md.kind, "other");
  ASSERT_FALSE(md.errors.empty());
  EXPECT_NE(md.errors[0].find("not a regular file"), std::string::npos) << md.errors[0];
}

TEST_F(Fixture, RandomBytesAreOther) {
  std::mt19937 rng(7);
  std::string bytes(4096, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  Metadata md = Extract(bytes, "mystery.bin");
  EXPECT_EQ(md.kind, "other");
}

TEST_F(Fixture, HostileTextValuesAreCleanedAndCapped) {
  Ifd ifd0;
  ifd0.Ascii(0x010F, std::string("Ev\xFF\xFEil", 6))
      .Ascii(0x0110, std::string(5000, 'M'))
      .Ascii(0x010E, std::string(3000, 'D'));
  Metadata md = Extract(Jpeg(Tiff(ifd0), 8, 8), "x.jpg");
  EXPECT_EQ(md.fields["make"], "Ev\xEF\xBF\xBD\xEF\xBF\xBDil");
  EXPECT_LT(md.fields["model"].get<std::string>().size(), 300u);
  EXPECT_LT(md.fields["exif"]["Exif.Image.ImageDescription"].get<std::string>().size(), 300u);
}

TEST_F(Fixture, ManyTagsAreCappedByTheBudget) {
  // 300 PNG text chunks of 200 bytes: the raw tag set stays bounded.
  std::string chunks;
  for (int i = 0; i < 300; ++i) chunks += Text("Key" + std::to_string(i), std::string(200, 'v'));
  Metadata md = Extract(Png(8, 8, chunks), "many.png");
  EXPECT_LE(md.fields["png_text"].size(), 256u);
  EXPECT_LT(md.fields.dump().size(), 200u * 1024);
}

TEST_F(Fixture, InProcessAndIsolatedAgree) {
  auto path = dir_ / "photo";
  WriteFile(path, PhotoJpeg());
  Metadata a = ExtractMetadata(path, "p.jpg");
  Metadata b = metadata_internal::ExtractMetadataInProcess(path, "p.jpg");
  EXPECT_EQ(metadata_internal::MetadataToJson(a), metadata_internal::MetadataToJson(b));
  // And the result is the same every time.
  EXPECT_EQ(metadata_internal::MetadataToJson(ExtractMetadata(path, "p.jpg")),
            metadata_internal::MetadataToJson(a));
}

// Corrupted variants of every fixture through the real (isolated) entry point.
TEST_F(Fixture, MutatedFixturesNeverBreakTheContract) {
  Ifd exif = ExifIfd("2019:05:01 12:34:56", "12", "+02:00");
  Ifd gps = GpsIfd();
  const std::pair<std::string, std::string> inputs[] = {
      {PhotoJpeg(), "a.jpg"},
      {Tiff(CameraIfd0(), &exif, &gps), "b.tif"},
      {Png(10, 10, Text("Software", "x") + PngChunk("eXIf", Tiff(CameraIfd0(), &exif))), "c.png"},
      {Wav(8000, 2, 800), "d.wav"},
      {VoiceMemo(1556714096, 2000), "e.m4a"},
  };
  std::mt19937 rng(99);
  for (const auto& [original, name] : inputs) {
    for (int m = 0; m < 40; ++m) {
      std::string s = original;
      if (m % 2 == 0) {
        for (int k = 0; k < 3; ++k) s[8 + rng() % (s.size() - 8)] = static_cast<char>(rng());
      } else {
        s.resize(8 + rng() % (s.size() - 8));
      }
      Metadata md = Extract(s, name);
      for (const std::string& e : md.errors) {
        EXPECT_EQ(e.find("extractor stopped"), std::string::npos) << name << " #" << m << ": " << e;
      }
    }
  }
}

}  // namespace
}  // namespace evidence
