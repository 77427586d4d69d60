#include "metadata_image.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <utility>

// Exiv2 0.27's interface is built on std::auto_ptr, deprecated since C++11.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <exiv2/exiv2.hpp>
#include <exiv2/webpimage.hpp>

#include "metadata_bmff.hpp"

namespace evidence::metadata_internal {

namespace {

// Editors whose name in a software field means the picture was re-saved after capture. Matched
// case-insensitively as substrings; "adobe" catches the Adobe family beyond Photoshop/Lightroom.
constexpr std::string_view kImageEditors[] = {
    "photoshop",   "lightroom",      "adobe",          "gimp",      "paint.net",
    "snapseed",    "pixelmator",     "affinity photo", "picasa",    "photoscape",
    "paintshop",   "paint shop pro", "acdsee",         "darktable", "rawtherapee",
    "capture one", "luminar",        "facetune",       "picsart",   "vsco",
    "fotor",       "photodirector",  "polarr",         "krita",     "canva",
    "imagemagick", "graphicsmagick", "photo editor",
};

// Exiv2's ImageType for each libmagic type we let Exiv2 parse; -1 for the others.
int ExpectedExiv2Type(std::string_view media_type) {
  if (media_type == "image/jpeg") return Exiv2::ImageType::jpeg;
  if (media_type == "image/png") return Exiv2::ImageType::png;
  if (media_type == "image/webp") return Exiv2::ImageType::webp;
  if (media_type == "image/tiff") return Exiv2::ImageType::tiff;
  if (media_type == "image/heic" || media_type == "image/heif" || media_type == "image/avif" ||
      media_type == "image/heic-sequence" || media_type == "image/heif-sequence") {
    return Exiv2::ImageType::bmff;
  }
  return -1;
}

// The name Exiv2 gives a memory source in its messages (MemIo::path()).
constexpr std::string_view kExivSourceName = "MemIo";

// An Exiv2 exception message without the source's name and with a lower-case first letter.
std::string ExivMessage(const char* what) {
  std::string m = what != nullptr ? what : "unknown error";
  const std::string p(kExivSourceName);
  for (std::size_t at = 0; !p.empty() && (at = m.find(p, at)) != std::string::npos; at += 4) {
    m.replace(at, p.size(), "file");
  }
  if (m.rfind("file: ", 0) == 0) m.erase(0, 6);
  if (!m.empty() && m[0] >= 'A' && m[0] <= 'Z') m[0] = static_cast<char>(m[0] - 'A' + 'a');
  return CleanText(m);
}

std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// Collected while reading, decided on at the end.
struct Facts {
  std::optional<std::string> make, model, software;
  std::optional<std::string> screenshot_reason;
  std::optional<std::string> edited_reason;
  bool has_original_time = false;
};

const Exiv2::Exifdatum* FindExif(const Exiv2::ExifData& exif, const char* key) {
  auto it = exif.findKey(Exiv2::ExifKey(key));
  return it == exif.end() ? nullptr : &*it;
}

const Exiv2::Xmpdatum* FindXmp(const Exiv2::XmpData& xmp, const char* key) {
  auto it = xmp.findKey(Exiv2::XmpKey(key));
  return it == xmp.end() ? nullptr : &*it;
}

std::optional<std::string> ExifText(const Exiv2::ExifData& exif, const char* key) {
  const Exiv2::Exifdatum* d = FindExif(exif, key);
  if (d == nullptr) return std::nullopt;
  std::string v = CleanText(d->toString());
  if (v.empty()) return std::nullopt;
  return v;
}

// An XMP value as text: the x-default alternative of a language alternative, the first item of
// an array, the text of a simple property.
std::optional<std::string> XmpText(const Exiv2::Xmpdatum& d) {
  const Exiv2::Value& v = d.value();
  std::string text;
  if (const auto* alt = dynamic_cast<const Exiv2::LangAltValue*>(&v)) {
    auto it = alt->value_.find("x-default");
    if (it == alt->value_.end()) it = alt->value_.begin();
    if (it != alt->value_.end()) text = it->second;
  } else if (v.count() > 0) {
    text = v.typeId() == Exiv2::xmpText ? v.toString() : v.toString(0);
  }
  std::string clean = CleanText(text);
  if (clean.empty()) return std::nullopt;
  return clean;
}

std::optional<std::string> XmpTextAt(const Exiv2::XmpData& xmp, const char* key) {
  const Exiv2::Xmpdatum* d = FindXmp(xmp, key);
  return d == nullptr ? std::nullopt : XmpText(*d);
}

// The user comment text of an EXIF UserComment (charset prefix removed).
std::string CommentText(const Exiv2::Exifdatum& d) {
  if (const auto* c = dynamic_cast<const Exiv2::CommentValue*>(&d.value())) return c->comment();
  return d.toString();
}

// Component `i` of an unsigned rational EXIF value as (numerator, denominator).
std::optional<std::pair<std::uint64_t, std::uint64_t>> URationalAt(const Exiv2::Exifdatum& d,
                                                                   long i) {
  if (i >= d.count()) return std::nullopt;
  if (const auto* u = dynamic_cast<const Exiv2::URationalValue*>(&d.value())) {
    const auto& r = u->value_.at(static_cast<std::size_t>(i));
    return std::make_pair(std::uint64_t{r.first}, std::uint64_t{r.second});
  }
  if (const auto* s = dynamic_cast<const Exiv2::RationalValue*>(&d.value())) {
    const auto& r = s->value_.at(static_cast<std::size_t>(i));
    if (r.first < 0 || r.second < 0) return std::nullopt;
    return std::make_pair(static_cast<std::uint64_t>(r.first),
                          static_cast<std::uint64_t>(r.second));
  }
  return std::nullopt;
}

// Signed decimal degrees ("-1.8266389") from a GPS angle (degrees[, minutes[, seconds]]) and its
// hemisphere reference.
std::optional<std::string> GpsAngle(const Exiv2::ExifData& exif, const char* key,
                                    const char* ref_key, char positive, char negative,
                                    std::uint64_t max_degrees, std::vector<std::string>& errors) {
  const Exiv2::Exifdatum* d = FindExif(exif, key);
  if (d == nullptr) return std::nullopt;
  const std::string name = std::string(key).substr(std::strlen("Exif.GPSInfo."));
  long n = d->count();
  if (n < 1 || n > 3) {
    errors.push_back("gps: " + name + " has " + std::to_string(n) + " components; not read");
    return std::nullopt;
  }
  std::uint64_t num[3] = {0, 0, 0}, den[3] = {1, 1, 1};
  for (long i = 0; i < n; ++i) {
    auto r = URationalAt(*d, i);
    if (!r) {
      errors.push_back("gps: " + name + " is not a list of unsigned rationals; not read");
      return std::nullopt;
    }
    num[i] = r->first;
    den[i] = r->second;
    if (den[i] == 0) {
      if (num[i] != 0) {
        errors.push_back("gps: " + name + " has a zero denominator; not read");
        return std::nullopt;
      }
      den[i] = 1;  // 0/0 is how some writers leave a component unset
    }
  }
  std::optional<std::string> ref = ExifText(exif, ref_key);
  char hemisphere = ref && !ref->empty() ? (*ref)[0] : '\0';
  if (hemisphere >= 'a' && hemisphere <= 'z') hemisphere = static_cast<char>(hemisphere - 32);
  if (hemisphere != positive && hemisphere != negative) {
    errors.push_back("gps: " + name + "Ref is " + (ref ? "'" + *ref + "'" : "missing") +
                     "; the sign is unknown, so the value is not recorded");
    return std::nullopt;
  }
  // deg = n0/d0 + n1/(60 d1) + n2/(3600 d2), summed exactly: D < 2^108, N < 2^110.
  Uint128 d0 = den[0], d1 = den[1], d2 = den[2];
  Uint128 total_den = d0 * d1 * d2 * 3600;
  Uint128 total_num =
      Uint128{num[0]} * d1 * d2 * 3600 + Uint128{num[1]} * d0 * d2 * 60 + Uint128{num[2]} * d0 * d1;
  if (total_num > Uint128{max_degrees} * total_den) {
    errors.push_back("gps: " + name + " is more than " + std::to_string(max_degrees) +
                     " degrees; not recorded");
    return std::nullopt;
  }
  return FormatDecimal(total_num, total_den, 7, hemisphere == negative);
}

void ReadGps(const Exiv2::ExifData& exif, Metadata& md) {
  nlohmann::json gps = nlohmann::json::object();
  auto lat = GpsAngle(exif, "Exif.GPSInfo.GPSLatitude", "Exif.GPSInfo.GPSLatitudeRef", 'N', 'S', 90,
                      md.errors);
  auto lon = GpsAngle(exif, "Exif.GPSInfo.GPSLongitude", "Exif.GPSInfo.GPSLongitudeRef", 'E', 'W',
                      180, md.errors);
  if (lat && lon) {
    gps["latitude"] = *lat;
    gps["longitude"] = *lon;
    if (*lat == "0.0000000" && *lon == "0.0000000") {
      gps["warning"] = "latitude and longitude are exactly 0; often a device without a fix";
    }
  } else if (lat || lon) {
    md.errors.push_back("gps: only one of latitude and longitude is usable; neither recorded");
  }
  if (const Exiv2::Exifdatum* alt = FindExif(exif, "Exif.GPSInfo.GPSAltitude")) {
    auto r = URationalAt(*alt, 0);
    if (r && r->second != 0) {
      // GPSAltitudeRef 1 means below sea level; absent means 0 (EXIF default).
      bool below = false;
      if (const Exiv2::Exifdatum* ref = FindExif(exif, "Exif.GPSInfo.GPSAltitudeRef")) {
        below = ref->count() > 0 && ref->toLong(0) == 1;
      }
      gps["altitude_m"] = FormatDecimal(r->first, r->second, 3, below);
    } else {
      md.errors.push_back("gps: GPSAltitude is not a valid rational; not recorded");
    }
  }
  // GPS time is UTC by definition: GPSDateStamp "YYYY:MM:DD" and GPSTimeStamp h, m, s.
  auto date = ExifText(exif, "Exif.GPSInfo.GPSDateStamp");
  const Exiv2::Exifdatum* ts = FindExif(exif, "Exif.GPSInfo.GPSTimeStamp");
  if (date && ts != nullptr && ts->count() == 3) {
    auto h = URationalAt(*ts, 0), m = URationalAt(*ts, 1), s = URationalAt(*ts, 2);
    auto day = ExifTimeToRfc3339(*date + " 00:00:00", "", "", nullptr);
    if (h && m && s && h->second != 0 && m->second != 0 && s->second != 0 && day) {
      std::uint64_t ms = s->first * 1000 / s->second;
      std::uint64_t hh = h->first / h->second, mm = m->first / m->second;
      if (hh < 24 && mm < 60 && ms < 61000 && h->first % h->second == 0 &&
          m->first % m->second == 0) {
        std::string t = day->substr(0, 11) + (hh < 10 ? "0" : "") + std::to_string(hh) + ":" +
                        (mm < 10 ? "0" : "") + std::to_string(mm) + ":" + (ms < 10000 ? "0" : "") +
                        std::to_string(ms / 1000);
        if (ms % 1000 != 0) t += FormatDecimal(ms % 1000, 1000, 3, false).substr(1);
        gps["time_utc"] = t + "Z";
      }
    }
  }
  if (!gps.empty()) md.fields["gps"] = std::move(gps);
}

// The capture time: EXIF DateTimeOriginal, else its XMP copy, else the digitised time (EXIF,
// then XMP), with sub-seconds and offset from the matching EXIF tags.
void ReadCaptureTime(const Exiv2::ExifData& exif, const Exiv2::XmpData& xmp, Metadata& md,
                     Facts& facts) {
  struct ExifSource {
    const char* date_time;
    const char* subsec;
    const char* offset;
  };
  auto from_exif = [&](const ExifSource& s) -> bool {
    auto dt = ExifText(exif, s.date_time);
    if (!dt) return false;
    std::string problem;
    auto t = ExifTimeToRfc3339(*dt, ExifText(exif, s.subsec).value_or(""),
                               ExifText(exif, s.offset).value_or(""), &problem);
    std::string name = std::string(s.date_time).substr(std::strlen("Exif.Photo."));
    if (!t) {
      md.errors.push_back("exif: " + name + " '" + *dt + "' is not a valid date and time");
      return false;
    }
    if (!problem.empty()) md.errors.push_back("exif: " + name + ": " + problem);
    md.captured = *t;
    md.fields["captured_source"] = s.date_time;
    return true;
  };
  auto from_xmp = [&](const char* key) -> bool {
    auto text = XmpTextAt(xmp, key);
    if (!text) return false;
    auto t = IsoTimeToRfc3339(*text);
    if (!t) return false;
    md.captured = *t;
    md.fields["captured_source"] = key;
    return true;
  };
  if (from_exif({"Exif.Photo.DateTimeOriginal", "Exif.Photo.SubSecTimeOriginal",
                 "Exif.Photo.OffsetTimeOriginal"}) ||
      from_xmp("Xmp.exif.DateTimeOriginal")) {
    facts.has_original_time = true;
    return;
  }
  if (from_exif({"Exif.Photo.DateTimeDigitized", "Exif.Photo.SubSecTimeDigitized",
                 "Exif.Photo.OffsetTimeDigitized"})) {
    return;
  }
  if (from_xmp("Xmp.xmp.CreateDate")) return;
  from_xmp("Xmp.photoshop.DateCreated");
}

bool IsStandardExifGroup(const std::string& key) {
  for (const char* g : {"Exif.Image.", "Exif.Photo.", "Exif.GPSInfo.", "Exif.Iop.",
                        "Exif.Thumbnail.", "Exif.MpfInfo."}) {
    if (key.rfind(g, 0) == 0) return true;
  }
  return false;
}

// Binary blobs that are metadata containers or opaque data, not values an officer reads.
bool IsBulkyExifKey(const std::string& key) {
  for (const char* k : {"Exif.Photo.MakerNote", "Exif.Image.XMLPacket", "Exif.Image.IPTCNAA",
                        "Exif.Image.InterColorProfile", "Exif.Image.ImageResources",
                        "Exif.Image.PrintImageMatching", "Exif.Image.DNGPrivateData"}) {
    if (key == k) return true;
  }
  return false;
}

void ReadRawExif(const Exiv2::ExifData& exif, RawTagSink& sink, Metadata& md, Facts& facts) {
  nlohmann::json raw = nlohmann::json::object();
  // Standard IFDs first, so a long maker note cannot push them out of the budget.
  for (bool standard : {true, false}) {
    for (const Exiv2::Exifdatum& d : exif) {
      std::string key = d.key();
      if (IsStandardExifGroup(key) != standard) continue;
      if (IsBulkyExifKey(key)) {
        sink.Add(raw, key, "(" + std::to_string(d.size()) + " bytes, not recorded)");
        continue;
      }
      std::string text;
      Exiv2::TypeId type = d.typeId();
      if (key == "Exif.Photo.UserComment") {
        text = CommentText(d);
        if (ContainsIgnoreCase(text, "screenshot") && !facts.screenshot_reason) {
          facts.screenshot_reason = "EXIF UserComment is '" + CleanText(text, 64) + "'";
        }
      } else if ((type == Exiv2::undefined || type == Exiv2::unsignedByte ||
                  type == Exiv2::signedByte) &&
                 d.count() > 64) {
        text = "(" + std::to_string(d.count()) + " bytes)";
      } else if (type != Exiv2::asciiString && d.count() > 64) {
        text = "(" + std::to_string(d.count()) + " values)";
      } else {
        text = d.toString();
      }
      sink.Add(raw, key, text);
    }
  }
  if (!raw.empty()) md.fields["exif"] = std::move(raw);
}

void ReadRawXmp(const Exiv2::XmpData& xmp, RawTagSink& sink, Metadata& md, Facts& facts) {
  nlohmann::json raw = nlohmann::json::object();
  for (const Exiv2::Xmpdatum& d : xmp) {
    std::string key = d.key();
    const Exiv2::Value& v = d.value();
    std::vector<std::string> values;
    if (const auto* alt = dynamic_cast<const Exiv2::LangAltValue*>(&v)) {
      auto it = alt->value_.find("x-default");
      if (it == alt->value_.end()) it = alt->value_.begin();
      if (it != alt->value_.end()) values.push_back(it->second);
    } else if (v.typeId() == Exiv2::xmpBag || v.typeId() == Exiv2::xmpSeq ||
               v.typeId() == Exiv2::xmpAlt) {
      long n = std::min<long>(v.count(), 256);
      for (long i = 0; i < n; ++i) values.push_back(v.toString(i));
    } else {
      values.push_back(v.toString());
    }
    for (const std::string& value : values) {
      if (!facts.screenshot_reason && ContainsIgnoreCase(value, "screenshot")) {
        facts.screenshot_reason =
            "XMP " + CleanText(key, 64) + " is '" + CleanText(value, 64) + "'";
      }
      if (!facts.edited_reason && key.find("softwareAgent") != std::string::npos) {
        if (ImageEditorIn(value)) {
          facts.edited_reason =
              "XMP edit history names the image editor '" + CleanText(value, 64) + "'";
        }
      }
      sink.Add(raw, key, value);
    }
  }
  if (!raw.empty()) md.fields["xmp"] = std::move(raw);
}

void ReadRawIptc(const Exiv2::IptcData& iptc, RawTagSink& sink, Metadata& md) {
  nlohmann::json raw = nlohmann::json::object();
  for (const Exiv2::Iptcdatum& d : iptc) sink.Add(raw, d.key(), d.toString());
  if (!raw.empty()) md.fields["iptc"] = std::move(raw);
}

void ReadPngTextInto(const RandomAccessFile& file, RawTagSink& sink, Metadata& md, Facts& facts) {
  std::string problem;
  auto chunks = ReadPngText(file, &problem);
  if (!problem.empty()) md.errors.push_back("png: " + problem);
  if (!chunks.ok() || chunks->empty()) return;
  nlohmann::json raw = nlohmann::json::object();
  for (const PngTextChunk& c : *chunks) {
    if (!facts.screenshot_reason &&
        (ContainsIgnoreCase(c.text, "screenshot") || ContainsIgnoreCase(c.keyword, "screenshot"))) {
      facts.screenshot_reason =
          "PNG text '" + CleanText(c.keyword, 64) + "' is '" + CleanText(c.text, 64) + "'";
    }
    if (!facts.software && AsciiLower(c.keyword) == "software" && !c.text.empty()) {
      facts.software = CleanText(c.text);
    }
    sink.Add(raw, c.keyword, c.text);
  }
  md.fields["png_text"] = std::move(raw);
}

void Decide(std::string_view name_hint, bool is_png, Facts& facts, Metadata& md) {
  if (facts.make) md.fields["make"] = *facts.make;
  if (facts.model) md.fields["model"] = *facts.model;
  if (facts.software) {
    md.fields["software"] = *facts.software;
    if (!facts.edited_reason && ImageEditorIn(*facts.software)) {
      std::string camera = facts.make || facts.model ? " (camera: " + facts.make.value_or("") +
                                                           (facts.make && facts.model ? " " : "") +
                                                           facts.model.value_or("") + ")"
                                                     : "";
      facts.edited_reason =
          "software field '" + *facts.software + "' names an image editor" + camera;
    }
  }
  bool camera = facts.make || facts.model;
  if (!facts.screenshot_reason && !camera) {
    if (ContainsIgnoreCase(name_hint, "screenshot") ||
        ContainsIgnoreCase(name_hint, "screen shot")) {
      facts.screenshot_reason = "file name says screenshot and no camera make or model";
    } else if (is_png) {
      facts.screenshot_reason = "PNG without camera make or model";
    }
  }
  if (facts.edited_reason) md.fields["edited"] = *facts.edited_reason;
  if (facts.screenshot_reason) {
    md.kind = "screenshot";
    md.fields["screenshot_reason"] = *facts.screenshot_reason;
  } else if (camera || facts.has_original_time) {
    md.kind = "photo";
  } else {
    md.kind = "image";
  }
}

// A read-only mapping of a whole file. Exiv2 0.27 opens files by path only; over a mapping of
// the descriptor (MemIo reads it in place and copies only on a write, which never happens here)
// it reads the same bytes, and a sandboxed child never needs a path.
class ReadOnlyMapping {
 public:
  explicit ReadOnlyMapping(const RandomAccessFile& file) : size_(file.size()) {
    if (size_ == 0) return;
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, file.fd(), 0);
    if (p == MAP_FAILED) {
      error_ = std::strerror(errno);
    } else {
      data_ = p;
    }
  }
  ~ReadOnlyMapping() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  ReadOnlyMapping(const ReadOnlyMapping&) = delete;
  ReadOnlyMapping& operator=(const ReadOnlyMapping&) = delete;

  // Empty when the mapping worked (or the file is empty); why it failed otherwise.
  const std::string& error() const { return error_; }
  Exiv2::BasicIo::AutoPtr Io() const {
    return Exiv2::BasicIo::AutoPtr(
        new Exiv2::MemIo(static_cast<const Exiv2::byte*>(data_), static_cast<long>(size_)));
  }

 private:
  std::size_t size_;
  void* data_ = nullptr;
  std::string error_;
};

void ReadAll(const RandomAccessFile& file, std::string_view name_hint, int expected_type,
             Metadata& md) {
  Exiv2::ExifData exif;
  Exiv2::XmpData xmp;
  Exiv2::IptcData iptc;
  long width = 0, height = 0;
  bool parsed = false;
  ReadOnlyMapping mapping(file);
  try {
    if (!mapping.error().empty()) {
      throw std::runtime_error("cannot map the file: " + mapping.error());
    }
    Exiv2::BasicIo::AutoPtr io = mapping.Io();
    int actual = Exiv2::ImageFactory::getType(*io);
    if (actual != expected_type) {
      md.errors.push_back("exif: the content is " + md.media_type +
                          " for libmagic but not for exiv2; metadata not read");
    } else {
      Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(io);
      if (image.get() == nullptr) {
        md.errors.push_back("exif: exiv2 cannot open the file");
      } else {
        try {
          image->readMetadata();
        } catch (const std::exception& e) {
          md.errors.push_back("exif: " + ExivMessage(e.what()));
        }
        // What was read before a failure is kept: it is still what the file says.
        exif = image->exifData();
        xmp = image->xmpData();
        iptc = image->iptcData();
        try {
          width = image->pixelWidth();
          height = image->pixelHeight();
        } catch (const std::exception&) {
          width = height = 0;
        }
        parsed = true;
      }
    }
  } catch (const std::exception& e) {
    md.errors.push_back("exif: " + ExivMessage(e.what()));
  } catch (...) {
    md.errors.push_back("exif: unknown exception from exiv2");
  }

  if (expected_type == Exiv2::ImageType::bmff) {
    // The HEIF items: the primary image's real size (Exiv2 reports the EXIF PixelXDimension,
    // which describes the original, not this file), and the Exif item Exiv2 0.27 misses when
    // `iloc` uses a base offset.
    auto heif = ReadHeif(file);
    if (heif.ok()) {
      if (heif->width != 0 && heif->height != 0) {
        width = heif->width;
        height = heif->height;
      }
      for (const std::string& p : heif->problems) md.errors.push_back("heif: " + p);
      if (parsed && exif.empty() && heif->exif) {
        try {
          Exiv2::ExifParser::decode(exif, heif->exif->data(),
                                    static_cast<std::uint32_t>(heif->exif->size()));
          md.fields["exif_source"] = "heif Exif item (read by libevidence, decoded by exiv2)";
        } catch (const std::exception& e) {
          md.errors.push_back("exif: heif Exif item: " + ExivMessage(e.what()));
        }
      }
    } else if (parsed) {
      md.errors.push_back("heif: " + heif.status().message());
    }
  }

  Facts facts;
  RawTagSink sink;
  try {
    if (width > 0 && height > 0) {
      md.fields["width"] = width;
      md.fields["height"] = height;
    }
    facts.make = ExifText(exif, "Exif.Image.Make");
    if (!facts.make) facts.make = XmpTextAt(xmp, "Xmp.tiff.Make");
    facts.model = ExifText(exif, "Exif.Image.Model");
    if (!facts.model) facts.model = XmpTextAt(xmp, "Xmp.tiff.Model");
    facts.software = ExifText(exif, "Exif.Image.Software");
    if (!facts.software) facts.software = ExifText(exif, "Exif.Image.ProcessingSoftware");
    if (!facts.software) facts.software = XmpTextAt(xmp, "Xmp.xmp.CreatorTool");
    if (const Exiv2::Exifdatum* o = FindExif(exif, "Exif.Image.Orientation")) {
      long v = o->count() > 0 ? o->toLong(0) : 0;
      if (v >= 1 && v <= 8) md.fields["orientation"] = v;
    }
    ReadCaptureTime(exif, xmp, md, facts);
    ReadGps(exif, md);
    ReadRawExif(exif, sink, md, facts);
    ReadRawXmp(xmp, sink, md, facts);
    ReadRawIptc(iptc, sink, md);
  } catch (const std::exception& e) {
    md.errors.push_back("exif: " + ExivMessage(e.what()));
  } catch (...) {
    md.errors.push_back("exif: unknown exception while reading values");
  }
  bool is_png = md.media_type == "image/png";
  if (is_png) ReadPngTextInto(file, sink, md, facts);
  if (sink.dropped() > 0) {
    md.errors.push_back("metadata: " + std::to_string(sink.dropped()) +
                        " raw tags left out (size budget for one file reached)");
  }
  Decide(name_hint, is_png, facts, md);
}

}  // namespace

void InitImageLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::enableBMFF(true);
    Exiv2::XmpParser::initialize();
  });
}

std::optional<std::string> ImageEditorIn(std::string_view software) {
  std::string lower = AsciiLower(software);
  for (std::string_view editor : kImageEditors) {
    if (lower.find(editor) != std::string::npos) return std::string(editor);
  }
  return std::nullopt;
}

Result<std::vector<PngTextChunk>> ReadPngText(const RandomAccessFile& file, std::string* problem) {
  static constexpr std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  std::uint8_t sig[8];
  if (!file.ReadAt(0, sig, 8) || std::memcmp(sig, kSignature, 8) != 0) {
    return Status::InvalidArgument("png: no PNG signature");
  }
  constexpr std::size_t kMaxText = 8 * 1024;
  std::vector<PngTextChunk> out;
  std::uint64_t pos = 8;
  for (int n = 0; n < 100000; ++n) {
    std::uint8_t h[8];
    if (file.size() - pos < 12 || !file.ReadAt(pos, h, 8)) {
      if (problem != nullptr) *problem = "chunk list ends without IEND";
      break;
    }
    std::uint64_t len = Be32(h);
    std::string_view type(reinterpret_cast<const char*>(h + 4), 4);
    const std::string type_text = FourCcText(Be32(h + 4));
    if (len > file.size() - pos - 12) {
      if (problem != nullptr) *problem = "chunk '" + type_text + "' runs past the end of the file";
      break;
    }
    if (type == "IEND") break;
    bool text = type == "tEXt", itxt = type == "iTXt", ztxt = type == "zTXt";
    if ((text || itxt || ztxt) && out.size() < 256) {
      Bytes data =
          file.ReadUpTo(pos + 8, static_cast<std::size_t>(std::min<std::uint64_t>(len, kMaxText)));
      std::string_view d = AsChars(data);
      std::size_t nul = d.find('\0');
      if (nul != std::string_view::npos && nul > 0 && nul < 80) {
        PngTextChunk c;
        c.keyword = Latin1ToUtf8(d.substr(0, nul));
        std::string_view rest = d.substr(nul + 1);
        if (text) {
          c.text = Latin1ToUtf8(rest);
        } else if (ztxt) {
          c.text = "(compressed, not read)";
        } else if (rest.size() >= 2) {
          bool compressed = rest[0] != 0;
          rest.remove_prefix(2);
          std::size_t lang_end = rest.find('\0');
          std::size_t tk_end = lang_end == std::string_view::npos ? std::string_view::npos
                                                                  : rest.find('\0', lang_end + 1);
          if (tk_end != std::string_view::npos) {
            c.text = compressed ? "(compressed, not read)" : std::string(rest.substr(tk_end + 1));
          }
        }
        bool exiv2_reads =
            c.keyword == "XML:com.adobe.xmp" || c.keyword.rfind("Raw profile type", 0) == 0;
        if (!exiv2_reads) out.push_back(std::move(c));
      }
    }
    pos += 12 + len;
  }
  return out;
}

void ExtractImage(const RandomAccessFile& file, std::string_view name_hint, Metadata& md) {
  md.kind = "image";
  int expected = ExpectedExiv2Type(md.media_type);
  if (expected < 0) return;
  InitImageLibrary();
  ReadAll(file, name_hint, expected, md);
}

}  // namespace evidence::metadata_internal

#pragma GCC diagnostic pop
