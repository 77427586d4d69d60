// The project's own generated sample evidence: real, decodable files made on the spot, so that
// always-run tests, `make demo` and the benchmarks never depend on third-party samples.
//
// Every writer produces the same bytes for the same arguments (no clock, no randomness other than
// the given seed), writes the whole file or throws std::runtime_error ("fixture: <what>:
// <detail>"), and overwrites an existing file. Test-support code may throw; the library never does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "evidence/case.hpp"

namespace evidence::testing {

namespace fs = std::filesystem;

// Where a photo was taken, as a phone writes it into EXIF GPSInfo.
struct GpsFix {
  double latitude = 51.5007292;             // degrees, negative = south
  double longitude = -0.1246254;            // degrees, negative = west
  std::optional<double> altitude_m = 12.5;  // metres, negative = below sea level
  // GPSDateStamp/GPSTimeStamp (UTC) as "YYYY:MM:DD HH:MM:SS"; empty = not written.
  std::string utc_time = "2026:03:01 07:42:13";
};

// What WriteJpegWithExif puts in the file. An empty optional leaves that tag out entirely, so a
// test can make a photo without GPS, without a camera model, and so on.
struct JpegOptions {
  int width = 64;
  int height = 48;
  std::uint64_t seed = 1;  // varies the picture, so two seeds give two different files
  int quality = 85;
  std::optional<std::string> make = "Google";
  std::optional<std::string> model = "Pixel 7";
  std::optional<std::string> software = "HDR+ 1.0.540104767zd";
  // "YYYY:MM:DD HH:MM:SS" local time; written as DateTimeOriginal, DateTimeDigitized and DateTime.
  std::optional<std::string> date_time_original = "2026:03:01 07:42:13";
  std::optional<std::string> sub_sec_time_original = "417";
  std::optional<std::string> offset_time_original = "+00:00";
  std::optional<GpsFix> gps = GpsFix{};
  std::optional<std::uint16_t> orientation = 1;  // EXIF 1..8
};

// Writes a baseline JPEG (libjpeg, 3 components) of a synthetic outdoor scene of
// options.width x options.height pixels, then its EXIF (Exiv2) as the options say.
// Requires 1 <= width, height <= 4096 and 1 <= quality <= 100.
void WriteJpegWithExif(const fs::path& path, const JpegOptions& options = {});

// What WritePngScreenshot puts in the file.
struct PngOptions {
  int width = 90;
  int height = 160;
  std::uint64_t seed = 1;                                      // varies the chat bubbles
  std::optional<std::string> software = "Android Screenshot";  // tEXt "Software"
  std::optional<std::string> description = "Screenshot";       // tEXt "Description"
  std::optional<std::string> creation_time = "2026-03-02T21:14:05+00:00";  // tEXt "Creation Time"
  bool xmp = true;  // iTXt "XML:com.adobe.xmp" with dc:description and xmp:CreatorTool
};

// Writes an 8-bit RGB PNG (libpng) that looks like a phone screenshot of a chat: a status bar,
// alternating message bubbles and an input bar. It has text chunks but no eXIf chunk, as real
// screenshots have no camera EXIF. Requires 1 <= width, height <= 4096.
void WritePngScreenshot(const fs::path& path, const PngOptions& options = {});

// Writes a canonical 44-byte-header PCM WAV (16-bit little-endian) of round(seconds * sample_rate)
// frames: a gently warbling tone whose pitch depends on `seed`. Requires seconds >= 0,
// 1 <= sample_rate <= 384000, 1 <= channels <= 8.
void WriteWav(const fs::path& path, double seconds, int sample_rate = 8000, int channels = 1,
              std::uint64_t seed = 1);

// Writes `text` byte for byte.
void WriteText(const fs::path& path, const std::string& text);

// The first `size` bytes of the pseudo-random stream for `seed` (xoshiro256** seeded through
// splitmix64). A longer stream always starts with a shorter one.
std::string RandomBytes(std::size_t size, std::uint64_t seed);

// Writes exactly RandomBytes(size_bytes, seed), streamed through a fixed 1 MiB buffer, so it can
// write gigabytes quickly in flat memory.
void WriteRandomFile(const fs::path& path, std::uint64_t size_bytes, std::uint64_t seed);

// A WhatsApp "Export chat" (Android, dd/mm/yyyy, 24-hour) between `sender`, who keeps writing, and
// `recipient`, who asks them to stop, from 27/02/2026 to 02/03/2026 (day numbers above 12 show
// that the day comes first). 12 lines, LF-terminated: the encryption notice (a system line
// with no sender), 8 messages from `sender` (one of them "<Media omitted>", one spanning three
// lines, three of them "Why are you ignoring me?") and 1 from `recipient`. Names must be non-empty
// and contain no ':' or newline.
std::string WhatsAppExportText(const std::string& sender = "Daniel Marsh",
                               const std::string& recipient = "Sam");

// The facts of WhatsAppExportText, for tests of message parsers.
inline constexpr int kWhatsAppExportLines = 12;
inline constexpr int kWhatsAppExportSenderMessages = 8;
inline constexpr int kWhatsAppExportRecipientMessages = 1;
inline constexpr const char* kWhatsAppExportFirstDay = "27/02/2026";
inline constexpr const char* kWhatsAppExportLastDay = "02/03/2026";

// Writes WhatsAppExportText(sender, recipient) to `path` (WhatsApp itself would name it
// "WhatsApp Chat with <sender>.txt").
void WriteWhatsAppExport(const fs::path& path, const std::string& sender = "Daniel Marsh",
                         const std::string& recipient = "Sam");

// How WriteZip stores its members.
enum class ZipMethod { kDeflate, kStore };

// Writes a zip archive through libarchive with the given members (name, bytes), in order, each a
// regular file of mode 0644 with a fixed time, so that the same members always make the same
// bytes. Throws std::runtime_error naming the path if libarchive refuses anything.
void WriteZip(const fs::path& path, const std::vector<std::pair<std::string, std::string>>& members,
              ZipMethod method = ZipMethod::kDeflate);

// A new case in `dir` with the title `name`, its key stored unencrypted (the tests that need a
// passphrase make their own CaseOptions).
Result<Case> CreateTestCase(const fs::path& dir, const std::string& name,
                            const std::string& owner = "owner");

}  // namespace evidence::testing
