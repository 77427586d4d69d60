// ExtractMetadata on the shared real samples ($EVIDENCE_SAMPLES), against ExifTool 12.57 and
// ffprobe 5.1 (expected-*.json). Skipped when the samples are not available.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evidence/canonical_json.hpp"
#include "evidence/metadata.hpp"
#include "testing.hpp"

namespace evidence {
namespace {

namespace fs = std::filesystem;

nlohmann::json LoadJson(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return nlohmann::json::parse(in);
}

// Expected entries by "dir/file" (ExifTool's SourceFile).
std::map<std::string, nlohmann::json> BySourceFile(const nlohmann::json& list) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& e : list) out[e.at("SourceFile").get<std::string>()] = e;
  return out;
}

std::vector<fs::path> FilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// "2011:01:13 14:33:39" -> "2011-01-13T14:33:39".
std::string ExifToRfc3339(std::string s) {
  s[4] = '-';
  s[7] = '-';
  s[10] = 'T';
  return s;
}

// ExifTool prints some values as numbers (SubSecTimeOriginal 813, Software 4.1).
std::string AsText(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

double Number(const nlohmann::json& v) { return std::stod(v.get<std::string>()); }

// Every string anywhere in `j`.
void CollectStrings(const nlohmann::json& j, std::vector<std::string>& out) {
  if (j.is_string()) {
    out.push_back(j.get<std::string>());
  } else if (j.is_structured()) {
    for (const auto& v : j) CollectStrings(v, out);
  }
}

bool AnyContains(const std::vector<std::string>& haystack, const std::string& needle) {
  for (const auto& s : haystack) {
    if (s.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(Samples, ImagesAgreeWithExifTool) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  auto basic = BySourceFile(LoadJson(*dir / "expected-exif.json"));
  auto extended = BySourceFile(LoadJson(*dir / "expected-exif-extended.json"));
  // Kinds and edit flags that the samples' provenance establishes (see SOURCES.md).
  const std::map<std::string, std::string> kKinds = {
      {"macOS_screenshot_Issue_280.png", "screenshot"},
      {"iPhone8_IMG_1034.heic", "photo"},
      {"iPhone13ProMax.heic", "photo"},
      {"DSCN0010.jpg", "photo"},
      {"HTC_Desire.jpg", "photo"},
      {"Stonehenge.heic", "photo"},
      {"BlueSquare_XMP.jpg", "image"},
  };
  const std::vector<std::string> kEdited = {"iPhone_XR_paintnet_Issue_508.jpg", "Canon_40D.jpg",
                                            "exiftool_GPS.jpg", "BlueSquare_XMP.jpg"};
  const std::vector<std::string> kNotEdited = {"iPhone8_IMG_1034.heic", "DSCN0010.jpg",
                                               "HTC_Desire.jpg", "Apple_iPhone_4.jpg"};
  int checked = 0;
  for (const fs::path& path : FilesIn(*dir / "images")) {
    const std::string name = path.filename().string();
    SCOPED_TRACE(name);
    Metadata md = ExtractMetadata(path, name);
    const nlohmann::json& e = basic.at("images/" + name);
    const nlohmann::json& x = extended.at("images/" + name);
    const nlohmann::json& f = md.fields;
    std::cout << "[ image    ] " << name << ": " << md.kind << " " << md.media_type
              << " captured=" << md.captured.value_or("-")
              << " gps=" << (f.contains("gps") ? f["gps"].dump() : "-")
              << " errors=" << md.errors.size() << "\n";
    EXPECT_TRUE(CanonicalJson(f).ok());
    EXPECT_EQ(md.media_type, e.at("MIMEType"));
    for (const char* key : {"Make", "Model"}) {
      std::string ours = key == std::string("Make") ? "make" : "model";
      if (e.contains(key)) {
        EXPECT_EQ(f.value(ours, ""), AsText(e[key])) << key;
      } else {
        EXPECT_FALSE(f.contains(ours)) << key;
      }
    }
    if (e.contains("DateTimeOriginal")) {
      std::string expected = ExifToRfc3339(e["DateTimeOriginal"]);
      if (x.contains("SubSecTimeOriginal")) {
        std::string sub = AsText(x["SubSecTimeOriginal"]);
        while (sub.size() < 3) sub += '0';
        expected += "." + sub;
      }
      if (x.contains("OffsetTimeOriginal")) expected += AsText(x["OffsetTimeOriginal"]);
      EXPECT_EQ(md.captured.value_or("-"), expected);
      EXPECT_EQ(f.value("captured_source", ""), "Exif.Photo.DateTimeOriginal");
    } else {
      EXPECT_NE(f.value("captured_source", ""), "Exif.Photo.DateTimeOriginal");
    }
    if (e.contains("GPSLatitude")) {
      ASSERT_TRUE(f.contains("gps"));
      EXPECT_NEAR(Number(f["gps"]["latitude"]), e["GPSLatitude"].get<double>(), 1e-6);
      EXPECT_NEAR(Number(f["gps"]["longitude"]), e["GPSLongitude"].get<double>(), 1e-6);
    } else {
      EXPECT_FALSE(f.contains("gps") && f["gps"].contains("latitude"));
    }
    if (x.contains("GPSAltitude")) {
      EXPECT_NEAR(Number(f["gps"]["altitude_m"]), x["GPSAltitude"].get<double>(), 1e-3);
    }
    EXPECT_EQ(f.value("width", -1), e.at("ImageWidth").get<int>());
    EXPECT_EQ(f.value("height", -1), e.at("ImageHeight").get<int>());
    if (x.contains("Orientation")) {
      EXPECT_EQ(f.value("orientation", -1), x["Orientation"].get<int>());
    }
    if (x.contains("Software")) {
      EXPECT_EQ(f.value("software", ""), AsText(x["Software"]));
    }
    // Descriptive tags must be somewhere in the raw sets.
    std::vector<std::string> raw;
    for (const char* set : {"exif", "xmp", "iptc", "png_text"}) {
      if (f.contains(set)) CollectStrings(f[set], raw);
    }
    for (const char* key :
         {"ObjectName", "By-line", "Keywords", "Title", "Creator", "UserComment"}) {
      if (!x.contains(key)) continue;
      std::vector<std::string> wanted;
      CollectStrings(x[key], wanted);
      for (const std::string& w : wanted) {
        if (!w.empty()) {
          EXPECT_TRUE(AnyContains(raw, w)) << key << " '" << w << "'";
        }
      }
    }
    if (auto k = kKinds.find(name); k != kKinds.end()) {
      EXPECT_EQ(md.kind, k->second);
    }
    if (std::count(kEdited.begin(), kEdited.end(), name)) {
      EXPECT_TRUE(f.contains("edited"));
    }
    if (std::count(kNotEdited.begin(), kNotEdited.end(), name)) {
      EXPECT_FALSE(f.contains("edited"));
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(basic.size()));
}

// Where our duration may not match the references, and why. Each entry states what we report
// instead (nullopt: no duration).
struct AudioException {
  const char* file;
  std::optional<double> ours;
  const char* reason;
};
const AudioException kAudioExceptions[] = {
    {"example.opus", 11.355,
     "OpusHead pre-skip is 65535 samples (1.365 s); RFC 7845 section 4 says to discard them, "
     "giving (610561 - 65535) / 48000 = 11.355 s. ffprobe's 12.720 s keeps them; ExifTool gives "
     "no duration"},
    {"exiftool_Opus.opus", std::nullopt,
     "the only audio page ends at granule 558, which equals the pre-skip: 0 playable samples. "
     "TagLib reports 0 ms, which we treat as unknown; ffprobe's 0.0116 s ignores the pre-skip"},
    {"exiftool_Vorbis.ogg", std::nullopt,
     "metadata-only sample whose last Ogg page is cut short (file ends 1 byte early), so TagLib "
     "finds no final granule; ExifTool's 1.343 s is nominal bitrate x file size, ffprobe fails"},
};

TEST(Samples, AudioDurationsAgreeWithExifToolOrFfprobe) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  auto exiftool = BySourceFile(LoadJson(*dir / "expected-audio.json"));
  auto ffprobe = BySourceFile(LoadJson(*dir / "expected-audio-ffprobe.json"));
  int checked = 0;
  for (const fs::path& path : FilesIn(*dir / "audio")) {
    const std::string name = path.filename().string();
    SCOPED_TRACE(name);
    Metadata md = ExtractMetadata(path, name);
    const nlohmann::json& et = exiftool.at("audio/" + name);
    const nlohmann::json& ff = ffprobe.at("audio/" + name);
    const nlohmann::json& f = md.fields;
    EXPECT_TRUE(md.kind == "audio" || md.kind == "video") << md.kind;
    EXPECT_TRUE(CanonicalJson(f).ok());
    std::optional<double> ours;
    if (f.contains("duration")) ours = Number(f["duration"]);
    std::vector<double> refs;
    if (et.contains("Duration") && et["Duration"].is_number()) refs.push_back(et["Duration"]);
    if (ff.contains("duration") && ff["duration"].is_number()) refs.push_back(ff["duration"]);
    std::cout << "[ audio    ] " << name << ": " << md.kind << " " << f.value("container", "-")
              << "/" << f.value("codec", "-") << " " << f.value("duration", "-") << " s ("
              << f.value("duration_source", "-") << ")";
    for (double r : refs) std::cout << " ref " << r;
    std::cout << "\n";

    auto ex = std::find_if(std::begin(kAudioExceptions), std::end(kAudioExceptions),
                           [&](const AudioException& a) { return name == a.file; });
    if (ex != std::end(kAudioExceptions)) {
      std::cout << "[ exception] " << name << ": " << ex->reason << "\n";
      if (ex->ours) {
        ASSERT_TRUE(ours);
        EXPECT_NEAR(*ours, *ex->ours, 0.001);
      } else {
        EXPECT_FALSE(ours) << f.dump();
      }
    } else if (!refs.empty()) {
      ASSERT_TRUE(ours) << f.dump();
      bool close = std::any_of(refs.begin(), refs.end(),
                               [&](double r) { return std::fabs(*ours - r) <= 0.1; });
      EXPECT_TRUE(close) << "ours " << *ours;
    }

    // Sample rate and channels agree with at least one reference (the two disagree on some
    // files: ExifTool reads the container, ffprobe the stream).
    std::vector<int> rates, channels;
    for (const char* k : {"SampleRate", "AudioSampleRate"}) {
      if (et.contains(k) && et[k].is_number()) rates.push_back(et[k]);
    }
    if (ff.contains("sample_rate") && ff["sample_rate"].is_number())
      rates.push_back(ff["sample_rate"]);
    for (const char* k : {"AudioChannels", "NumChannels"}) {
      if (et.contains(k) && et[k].is_number()) channels.push_back(et[k]);
    }
    if (ff.contains("channels") && ff["channels"].is_number()) channels.push_back(ff["channels"]);
    if (!rates.empty()) {
      EXPECT_NE(std::count(rates.begin(), rates.end(), f.value("sample_rate", -1)), 0)
          << "sample rate " << f.value("sample_rate", -1);
    }
    if (!channels.empty()) {
      EXPECT_NE(std::count(channels.begin(), channels.end(), f.value("channels", -1)), 0)
          << "channels " << f.value("channels", -1);
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(exiftool.size()));
}

TEST(Samples, MalformedImagesReturnQuicklyWithCleanResults) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  int checked = 0;
  for (const fs::path& path : FilesIn(*dir / "images-malformed")) {
    const std::string name = path.filename().string();
    SCOPED_TRACE(name);
    auto start = std::chrono::steady_clock::now();
    Metadata md = ExtractMetadata(path, name);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    std::cout << "[ malformed] " << name << " (" << ms << " ms): " << md.kind << " "
              << md.media_type;
    for (const auto& err : md.errors) std::cout << " | " << err;
    std::cout << "\n";
    EXPECT_LT(ms, 5000);
    EXPECT_TRUE(CanonicalJson(md.fields).ok());
    EXPECT_NE(std::find(std::begin(kMetadataKinds), std::end(kMetadataKinds), md.kind),
              std::end(kMetadataKinds));
    for (const auto& err : md.errors) {
      EXPECT_TRUE(IsValidUtf8(err));
      // A crash or hang in a parser would show as this; none of these files causes one.
      EXPECT_EQ(err.find("extractor stopped"), std::string::npos) << err;
    }
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(Samples, MessageExportsAndEmailAreClassified) {
  auto dir = testing::SamplesDir();
  if (!dir) GTEST_SKIP() << "EVIDENCE_SAMPLES not set";
  // The kind comes from the message code's own detectors, so a chat is a message export exactly
  // when it is parsed as one: Signal's text export, which no parser reads, is a document.
  const std::map<std::string, std::string> kByFolder = {
      {"whatsapp", "message-export"}, {"sms", "message-export"},      {"email", "email"},
      {"signal", "document"},         {"telegram", "message-export"}, {"discord", "message-export"},
  };
  for (const auto& [folder, kind] : kByFolder) {
    for (const fs::path& path : FilesIn(*dir / "messages" / folder)) {
      const std::string name = path.filename().string();
      Metadata md = ExtractMetadata(path, name);
      std::cout << "[ message  ] " << folder << "/" << name << ": " << md.kind << " "
                << md.media_type << " " << md.fields.value("format", "-") << "\n";
      EXPECT_EQ(md.kind, kind) << folder << "/" << name;
    }
  }
}

}  // namespace
}  // namespace evidence
