// Our own readers (AMR, ADTS, WAVE/RF64, ISO BMFF, HEIF items, PNG text) on byte strings built
// here, including truncated and mutated ones: they must stop cleanly, never read out of bounds.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "metadata_bmff.hpp"
#include "metadata_image.hpp"
#include "metadata_rawaudio.hpp"
#include "metadata_util.hpp"
#include "testing.hpp"

namespace evidence::metadata_internal {
namespace {

using evidence::testing::TempDir;
using evidence::testing::WriteFile;

std::string Be16s(std::uint32_t v) { return {char(v >> 8), char(v)}; }
std::string Be32s(std::uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }
std::string Le16s(std::uint32_t v) { return {char(v), char(v >> 8)}; }
std::string Le32s(std::uint32_t v) { return {char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; }
std::string Le64s(std::uint64_t v) {
  return Le32s(std::uint32_t(v)) + Le32s(std::uint32_t(v >> 32));
}

std::string Box(const std::string& type, const std::string& payload) {
  return Be32s(static_cast<std::uint32_t>(8 + payload.size())) + type + payload;
}
std::string FullBox(const std::string& type, int version, const std::string& payload) {
  return Box(type, std::string(1, char(version)) + std::string(3, '\0') + payload);
}

class Files {
 public:
  RandomAccessFile Open(const std::string& bytes) {
    auto path = dir_ / ("f" + std::to_string(n_++));
    WriteFile(path, bytes);
    auto f = RandomAccessFile::Open(path);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return std::move(*f);
  }

 private:
  TempDir dir_;
  int n_ = 0;
};

// --- AMR -------------------------------------------------------------------------------------

std::string AmrNb(int frames_122, int frames_nodata) {
  std::string s = "#!AMR\n";
  for (int i = 0; i < frames_122; ++i) s += char(7 << 3 | 4) + std::string(31, '\x55');
  for (int i = 0; i < frames_nodata; ++i) s += char(15 << 3 | 4);
  return s;
}

TEST(Amr, NarrowbandDurationIsTwentyMillisecondsPerFrame) {
  Files files;
  auto r = ReadAmr(files.Open(AmrNb(40, 10)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->codec, "amr-nb");
  EXPECT_EQ(r->sample_rate, 8000u);
  EXPECT_EQ(r->channels, 1);
  EXPECT_EQ(r->frames, 50u);
  EXPECT_EQ(r->duration_ms, 1000u);
  EXPECT_FALSE(r->problem);
}

TEST(Amr, AllNarrowbandModesAndSid) {
  // Speech bytes per mode from 3GPP TS 26.101: 95, 103, 118, 134, 148, 159, 204, 244 bits; SID 39.
  const int bytes[] = {12, 13, 15, 17, 19, 20, 26, 31, 5};
  std::string s = "#!AMR\n";
  for (int ft = 0; ft <= 8; ++ft) s += char(ft << 3 | 4) + std::string(bytes[ft], '\0');
  Files files;
  auto r = ReadAmr(files.Open(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->frames, 9u);
  EXPECT_EQ(r->duration_ms, 180u);
}

TEST(Amr, Wideband) {
  std::string s = "#!AMR-WB\n";
  for (int i = 0; i < 10; ++i) s += char(8 << 3 | 4) + std::string(60, '\0');  // 23.85 kbit/s
  Files files;
  auto r = ReadAmr(files.Open(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->codec, "amr-wb");
  EXPECT_EQ(r->sample_rate, 16000u);
  EXPECT_EQ(r->duration_ms, 200u);
}

TEST(Amr, TruncatedLastFrameIsLeftOut) {
  std::string s = AmrNb(5, 0);
  s.resize(s.size() - 3);
  Files files;
  auto r = ReadAmr(files.Open(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->duration_ms, 80u);
  ASSERT_TRUE(r->problem);
  EXPECT_NE(r->problem->find("truncated"), std::string::npos);
}

TEST(Amr, UnknownFrameTypeLeavesTheDurationUnknown) {
  std::string s = AmrNb(3, 0) + char(10 << 3 | 4) + std::string(20, '\0');
  Files files;
  auto r = ReadAmr(files.Open(s));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->duration_ms);
  EXPECT_TRUE(r->problem);
}

TEST(Amr, RejectsOtherFiles) {
  Files files;
  EXPECT_EQ(ReadAmr(files.Open("#!AMR_MC1.0\n")).status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(ReadAmr(files.Open("RIFF")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadAmr(files.Open("")).status().code(), StatusCode::kInvalidArgument);
}

// --- ADTS ------------------------------------------------------------------------------------

// One ADTS frame, MPEG-4 AAC LC, sampling index `sfi`, `channels`, `payload` bytes, no CRC.
std::string AdtsFrame(int sfi, int channels, std::size_t payload) {
  std::size_t len = 7 + payload;
  std::string h(7, '\0');
  h[0] = char(0xFF);
  h[1] = char(0xF1);  // MPEG-4, layer 0, no CRC
  h[2] = char((1 << 6) | (sfi << 2) | (channels >> 2));
  h[3] = char(((channels & 3) << 6) | ((len >> 11) & 3));
  h[4] = char((len >> 3) & 0xFF);
  h[5] = char(((len & 7) << 5) | 0x1F);
  h[6] = char(0xFC);  // buffer fullness 0x7FF, one raw data block
  return h + std::string(payload, '\x21');
}

TEST(Adts, DurationFromFrameCount) {
  std::string s;
  for (int i = 0; i < 43; ++i) s += AdtsFrame(4, 2, 100 + i);  // 44100 Hz
  Files files;
  auto r = ReadAdts(files.Open(s));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->codec, "aac-lc");
  EXPECT_EQ(r->sample_rate, 44100u);
  EXPECT_EQ(r->channels, 2);
  EXPECT_EQ(r->frames, 43u);
  EXPECT_EQ(r->duration_ms, 43u * 1024 * 1000 / 44100);  // 998
  EXPECT_FALSE(r->problem);
}

TEST(Adts, SkipsId3v2AndAcceptsTrailingId3v1) {
  std::string id3 = std::string("ID3\x03\x00\x00", 6) + std::string("\x00\x00\x00\x0A", 4) +
                    std::string(10, '\0');
  std::string s = id3;
  for (int i = 0; i < 10; ++i) s += AdtsFrame(11, 1, 50);  // 8000 Hz mono
  s += "TAG" + std::string(125, ' ');
  Files files;
  auto r = ReadAdts(files.Open(s));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sample_rate, 8000u);
  EXPECT_EQ(r->duration_ms, 1280u);
  EXPECT_FALSE(r->problem);
}

TEST(Adts, LostSyncIsReported) {
  std::string s;
  for (int i = 0; i < 5; ++i) s += AdtsFrame(4, 2, 64);
  s += std::string(40, 'x');
  Files files;
  auto r = ReadAdts(files.Open(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->frames, 5u);
  ASSERT_TRUE(r->problem);
  EXPECT_NE(r->problem->find("sync"), std::string::npos);
}

TEST(Adts, RejectsNonAdts) {
  Files files;
  EXPECT_FALSE(ReadAdts(files.Open("hello world, not audio")).ok());
  EXPECT_FALSE(ReadAdts(files.Open(AdtsFrame(13, 2, 10))).ok());  // reserved sampling index
}

// --- WAVE ------------------------------------------------------------------------------------

std::string Fmt(int channels, std::uint32_t rate, int bits) {
  int align = channels * bits / 8;
  return "fmt " + Le32s(16) + Le16s(1) + Le16s(channels) + Le32s(rate) + Le32s(rate * align) +
         Le16s(align) + Le16s(bits);
}

std::string Wave(const std::string& chunks) {
  return "RIFF" + Le32s(static_cast<std::uint32_t>(4 + chunks.size())) + "WAVE" + chunks;
}

TEST(Wave, PcmDuration) {
  Files files;
  auto r = ReadWave(
      files.Open(Wave(Fmt(1, 8000, 16) + "data" + Le32s(16000) + std::string(16000, '\0'))));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->container, "wav");
  EXPECT_EQ(r->codec, "pcm");
  EXPECT_EQ(r->sample_rate, 8000u);
  EXPECT_EQ(r->channels, 1);
  EXPECT_EQ(r->bits_per_sample, 16);
  EXPECT_EQ(r->duration_ms, 1000u);
}

TEST(Wave, Rf64TakesTheDataSizeFromDs64) {
  std::string ds64 = "ds64" + Le32s(28) + Le64s(0) + Le64s(19200) + Le64s(4800) + Le32s(0);
  std::string chunks =
      ds64 + Fmt(2, 48000, 16) + "data" + Le32s(0xFFFFFFFF) + std::string(19200, '\0');
  std::string file = "RF64" + Le32s(0xFFFFFFFF) + "WAVE" + chunks;
  Files files;
  auto r = ReadWave(files.Open(file));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->container, "rf64");
  EXPECT_EQ(r->duration_ms, 100u);
}

TEST(Wave, BextOriginationIsLocalTime) {
  std::string bext(602, '\0');
  bext.replace(320, 18, "2019-05-0112:34:56");
  std::string chunks = "bext" + Le32s(static_cast<std::uint32_t>(bext.size())) + bext +
                       Fmt(1, 8000, 8) + "data" + Le32s(800) + std::string(800, '\x80');
  Files files;
  auto r = ReadWave(files.Open(Wave(chunks)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->origination, "2019-05-01T12:34:56");
  EXPECT_EQ(r->duration_ms, 100u);
}

TEST(Wave, TruncatedDataCountsWhatIsThere) {
  std::string s = Wave(Fmt(1, 8000, 8) + "data" + Le32s(8000) + std::string(4000, '\x80'));
  Files files;
  auto r = ReadWave(files.Open(s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->duration_ms, 500u);
  EXPECT_TRUE(r->problem);
}

TEST(Wave, EmptyDataChunkIsZeroSeconds) {
  Files files;
  auto r = ReadWave(files.Open(Wave(Fmt(1, 7872, 8) + "data" + Le32s(0))));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->duration_ms, 0u);
}

TEST(Wave, RejectsNonWave) {
  Files files;
  EXPECT_EQ(ReadWave(files.Open(std::string("RIFF\x04\0\0\0AVI ", 12))).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadWave(files.Open(Wave("data" + Le32s(0)))).status().code(), StatusCode::kCorruption);
}

// --- ISO BMFF --------------------------------------------------------------------------------

// A 3GP voice recording: mvhd (v0) and one sound track whose sample entry is AMR ('samr').
std::string ThreeGp(std::uint32_t creation_1904, std::uint32_t timescale, std::uint32_t duration) {
  std::string mvhd = FullBox("mvhd", 0,
                             Be32s(creation_1904) + Be32s(creation_1904) + Be32s(timescale) +
                                 Be32s(duration) + std::string(80, '\0'));
  std::string hdlr = FullBox("hdlr", 0, Be32s(0) + "soun" + std::string(12, '\0') + "Sound\0");
  std::string entry =
      Box("samr", std::string(6, '\0') + Be16s(1) + std::string(8, '\0') + Be16s(2) + Be16s(16) +
                      Be32s(0) + Be32s(8000u << 16) + Box("damr", std::string(9, '\0')));
  std::string stsd = FullBox("stsd", 0, Be32s(1) + entry);
  std::string trak = Box("trak", Box("mdia", FullBox("mdhd", 0, std::string(20, '\0')) + hdlr +
                                                 Box("minf", Box("stbl", stsd))));
  return Box("ftyp", "3gp5" + Be32s(0) + "3gp5isom") + Box("moov", mvhd + trak) +
         Box("mdat", std::string(100, '\0'));
}

TEST(Bmff, MovieHeaderAndSoundTrack) {
  Files files;
  // 2019-05-01T12:34:56Z is 1556714096 s after 1970, + 2082844800 s from 1904.
  auto r = ReadBmffMovie(files.Open(ThreeGp(1556714096u + 2082844800u, 1000, 4933)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->major_brand, "3gp5");
  EXPECT_EQ(r->creation_time_1904, 1556714096ull + 2082844800ull);
  EXPECT_EQ(r->duration_ms, 4933u);
  EXPECT_TRUE(r->has_audio);
  EXPECT_FALSE(r->has_video);
  EXPECT_EQ(r->audio_format, "samr");
  EXPECT_EQ(r->audio_sample_rate, 8000u);
  EXPECT_EQ(r->audio_channels, 1);  // AMR is mono whatever the template field says
}

TEST(Bmff, ZeroCreationTimeMeansUnset) {
  Files files;
  auto r = ReadBmffMovie(files.Open(ThreeGp(0, 600, 600)));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->creation_time_1904);
  EXPECT_EQ(r->duration_ms, 1000u);
}

TEST(Bmff, BrokenBoxesAreErrorsNotCrashes) {
  Files files;
  std::string good = ThreeGp(1, 1000, 1000);
  std::string oversized = good;
  oversized.replace(24, 4, Be32s(0x7FFFFFFF));  // moov claims 2 GiB
  EXPECT_FALSE(ReadBmffMovie(files.Open(oversized)).ok());
  std::string tiny = good;
  tiny.replace(24, 4, Be32s(3));  // smaller than its own header
  EXPECT_FALSE(ReadBmffMovie(files.Open(tiny)).ok());
  EXPECT_EQ(ReadBmffMovie(files.Open(Box("ftyp", "isom"))).status().code(),
            StatusCode::kUnsupported);
}

// A HEIF file whose Exif item is located with a 4-byte base offset of 0 and its extent offset,
// the layout Exiv2 0.27 skips.
std::string Heif(const std::string& tiff, std::uint32_t width, std::uint32_t height) {
  std::string exif_item = Be32s(6) + std::string("Exif\0\0", 6) + tiff;
  std::string ftyp = Box("ftyp", "heic" + Be32s(0) + "mif1heic");
  auto build_meta = [&](std::uint32_t exif_offset) {
    std::string hdlr = FullBox("hdlr", 0, Be32s(0) + "pict" + std::string(12, '\0') + "\0");
    std::string pitm = FullBox("pitm", 0, Be16s(1));
    std::string infe1 = FullBox("infe", 2, Be16s(1) + Be16s(0) + "hvc1" + std::string("\0", 1));
    std::string infe2 = FullBox("infe", 2, Be16s(2) + Be16s(0) + "Exif" + std::string("\0", 1));
    std::string iinf = FullBox("iinf", 0, Be16s(2) + infe1 + infe2);
    // version 0, offset_size 4, length_size 4, base_offset_size 4.
    std::string iloc =
        FullBox("iloc", 0,
                std::string("\x44\x40", 2) + Be16s(2) + Be16s(1) + Be16s(0) + Be32s(0) + Be16s(1) +
                    Be32s(0) + Be32s(0) + Be16s(2) + Be16s(0) + Be32s(0) + Be16s(1) +
                    Be32s(exif_offset) + Be32s(static_cast<std::uint32_t>(exif_item.size())));
    std::string ispe = FullBox("ispe", 0, Be32s(width) + Be32s(height));
    std::string big_ispe = FullBox("ispe", 0, Be32s(width * 10) + Be32s(height * 10));
    std::string ipco = Box("ipco", big_ispe + ispe);
    std::string ipma = FullBox("ipma", 0,
                               Be32s(1) + Be16s(1) + std::string(1, char(1)) +
                                   std::string(1, char(0x82)));  // item 1 -> prop 2
    return FullBox("meta", 0, hdlr + pitm + iinf + iloc + Box("iprp", ipco + ipma));
  };
  std::string meta = build_meta(0);
  std::uint32_t exif_offset = static_cast<std::uint32_t>(ftyp.size() + meta.size() + 8);
  meta = build_meta(exif_offset);
  return ftyp + meta + Box("mdat", exif_item);
}

std::string TinyTiff() {
  // "II*\0", IFD at 8 with one entry: Make (ASCII, 6 bytes at offset 26) "Nokia".
  return std::string("II*\0", 4) + Le32s(8) + Le16s(1) + Le16s(0x010F) + Le16s(2) + Le32s(6) +
         Le32s(26) + Le32s(0) + std::string("Nokia\0", 6);
}

TEST(Heif, PrimarySizeAndExifItem) {
  Files files;
  auto r = ReadHeif(files.Open(Heif(TinyTiff(), 1440, 960)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->width, 1440u);
  EXPECT_EQ(r->height, 960u);
  ASSERT_TRUE(r->exif);
  EXPECT_EQ(std::string(r->exif->begin(), r->exif->end()), TinyTiff());
  EXPECT_TRUE(r->problems.empty());
}

TEST(Heif, ExifExtentBeyondTheFileIsAProblem) {
  std::string s = Heif(TinyTiff(), 10, 10);
  s.resize(s.size() - 10);  // cut into the Exif item
  s.replace(s.rfind("mdat") - 4, 4, Be32s(8 + 20));
  Files files;
  auto r = ReadHeif(files.Open(s));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->exif);
  EXPECT_FALSE(r->problems.empty());
}

// --- PNG text --------------------------------------------------------------------------------

std::string PngChunk(const std::string& type, const std::string& data) {
  return Be32s(static_cast<std::uint32_t>(data.size())) + type + data + Be32s(0);  // CRC unchecked
}

TEST(PngText, ReadsTextAndInternationalText) {
  std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + PngChunk("IHDR", std::string(13, '\0')) +
                    PngChunk("tEXt", std::string("Software\0gnome-screenshot", 25)) +
                    PngChunk("tEXt", std::string("Author\0Jos\xE9", 11)) +  // Latin-1
                    PngChunk("iTXt", std::string("Title\0\0\0en\0Titel\0Bildschirm", 27)) +
                    PngChunk("zTXt", std::string("Comment\0\0xyz", 12)) +
                    PngChunk("iTXt", std::string("XML:com.adobe.xmp\0\0\0\0\0<x/>", 26)) +
                    PngChunk("IEND", "");
  Files files;
  std::string problem;
  auto r = ReadPngText(files.Open(png), &problem);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(problem.empty()) << problem;
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].keyword, "Software");
  EXPECT_EQ((*r)[0].text, "gnome-screenshot");
  EXPECT_EQ((*r)[1].text, "Jos\xC3\xA9");
  EXPECT_EQ((*r)[2].keyword, "Title");
  EXPECT_EQ((*r)[2].text, "Bildschirm");
  EXPECT_EQ((*r)[3].text, "(compressed, not read)");
}

TEST(PngText, ChunkPastTheEndIsReported) {
  std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + Be32s(1000) + "tEXt" + "short";
  Files files;
  std::string problem;
  auto r = ReadPngText(files.Open(png), &problem);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_NE(problem.find("past the end"), std::string::npos);
}

// --- Mutations -------------------------------------------------------------------------------

// Every reader on many deterministic corruptions (byte flips, truncations, length fields set to
// extreme values) of valid inputs. Passing means: no crash, no hang, a value or a Status with a
// message; each original is read first, so the corruptions start from input the readers accept,
// and a reader that noticed none of the corruptions would fail the last check.
TEST(Mutations, ReadersSurviveCorruptedInput) {
  std::string adts;
  for (int i = 0; i < 8; ++i) adts += AdtsFrame(4, 2, 30);
  std::string wave = Wave(Fmt(2, 8000, 16) + "fact" + Le32s(4) + Le32s(100) + "data" + Le32s(400) +
                          std::string(400, '\0'));
  std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + PngChunk("IHDR", std::string(13, '\0')) +
                    PngChunk("iTXt", std::string("Title\0\0\0en\0Titel\0x", 18)) +
                    PngChunk("IEND", "");
  const std::string inputs[] = {
      AmrNb(20, 5), adts, wave, ThreeGp(5, 1000, 2000), Heif(TinyTiff(), 64, 48), png};
  Files files;
  {
    std::string problem;
    EXPECT_TRUE(ReadAmr(files.Open(inputs[0])).ok());
    EXPECT_TRUE(ReadAdts(files.Open(inputs[1])).ok());
    EXPECT_TRUE(ReadWave(files.Open(inputs[2])).ok());
    EXPECT_TRUE(ReadBmffMovie(files.Open(inputs[3])).ok());
    EXPECT_TRUE(ReadHeif(files.Open(inputs[4])).ok());
    auto text = ReadPngText(files.Open(inputs[5]), &problem);
    ASSERT_TRUE(text.ok());
    EXPECT_FALSE(text->empty());
  }
  std::mt19937 rng(20240501);
  std::size_t refused = 0;
  auto check = [&](const auto& result) {
    if (result.ok()) return;
    ++refused;
    EXPECT_FALSE(result.status().message().empty());
  };
  for (const std::string& original : inputs) {
    for (int m = 0; m < 150; ++m) {
      std::string s = original;
      switch (m % 3) {
        case 0:  // flip a few bytes
          for (int k = 0; k < 4; ++k) s[rng() % s.size()] = static_cast<char>(rng());
          break;
        case 1:  // truncate
          s.resize(rng() % s.size());
          break;
        default: {  // write an extreme 32-bit value somewhere
          std::size_t at = rng() % (s.size() > 4 ? s.size() - 4 : 1);
          const std::uint32_t extremes[] = {0, 1, 7, 8, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000};
          if (s.size() >= 4) s.replace(at, 4, Be32s(extremes[rng() % 7]));
        }
      }
      RandomAccessFile f = files.Open(s);
      check(ReadAmr(f));
      check(ReadAdts(f));
      check(ReadWave(f));
      check(ReadBmffMovie(f));
      check(ReadHeif(f));
      std::string problem;
      check(ReadPngText(f, &problem));
    }
  }
  // Most of the 5,400 reads are of another reader's format or a truncated file, so most refuse.
  EXPECT_GT(refused, 900u);
}

}  // namespace
}  // namespace evidence::metadata_internal
