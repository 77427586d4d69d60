#include "fixtures.hpp"

#include <archive.h>
#include <archive_entry.h>

// libjpeg and libpng report errors through a callback that must not return; both are driven from
// small functions that hold only trivially destructible locals, so that longjmp is well defined.
#include <png.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string_view>
#include <vector>

// jpeglib.h needs FILE and size_t declared before it.
#include <jpeglib.h>

// Exiv2 0.27's interface is built on std::auto_ptr, deprecated since C++11.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <exiv2/exiv2.hpp>

namespace evidence::testing {

namespace {

[[noreturn]] void Fail(const std::string& what, const std::string& detail) {
  throw std::runtime_error("fixture: " + what + ": " + detail);
}

// ---------------------------------------------------------------------------------------------
// Deterministic pseudo-random numbers: splitmix64 expands the seed, xoshiro256** makes the stream.

std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed) {
    for (auto& word : s_) word = SplitMix64(seed);
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [lo, hi]; the tiny modulo bias does not matter for pictures and sizes.
  int Between(int lo, int hi) {
    return lo + static_cast<int>(Next() % static_cast<std::uint64_t>(hi - lo + 1));
  }

  // Fills `size` bytes; the stream is consumed 8 bytes at a time, little-endian, so the bytes do
  // not depend on the host. A tail shorter than 8 bytes uses the low bytes of one more word.
  void Fill(unsigned char* out, std::size_t size) {
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
      const std::uint64_t v = Next();
      for (int b = 0; b < 8; ++b) out[i + b] = static_cast<unsigned char>(v >> (8 * b));
    }
    if (i < size) {
      const std::uint64_t v = Next();
      for (int b = 0; i < size; ++i, ++b) out[i] = static_cast<unsigned char>(v >> (8 * b));
    }
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// ---------------------------------------------------------------------------------------------
// Files.

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

File OpenForWriting(const fs::path& path) {
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) Fail("cannot write " + path.string(), std::strerror(errno));
  return f;
}

void WriteChunk(std::FILE* f, const fs::path& path, const void* data, std::size_t size) {
  if (size != 0 && std::fwrite(data, 1, size, f) != size) {
    Fail("cannot write " + path.string(), std::strerror(errno));
  }
}

// fclose is where a full disk or a failed flush shows up, so it is checked, not left to RAII.
void Close(File f, const fs::path& path) {
  if (std::fclose(f.release()) != 0) Fail("cannot write " + path.string(), std::strerror(errno));
}

void WriteBytes(const fs::path& path, const void* data, std::size_t size) {
  File f = OpenForWriting(path);
  WriteChunk(f.get(), path, data, size);
  Close(std::move(f), path);
}

void AppendLe(std::string& out, std::uint64_t value, int bytes) {
  for (int b = 0; b < bytes; ++b) out.push_back(static_cast<char>((value >> (8 * b)) & 0xFF));
}

// ---------------------------------------------------------------------------------------------
// Pictures, as tightly packed 8-bit RGB.

struct Rgb {
  unsigned char r, g, b;
};

class Canvas {
 public:
  Canvas(int width, int height)
      : width_(width), height_(height), pixels_(static_cast<std::size_t>(width) * height * 3) {}

  int width() const { return width_; }
  int height() const { return height_; }
  unsigned char* data() { return pixels_.data(); }
  unsigned char* row(int y) { return pixels_.data() + static_cast<std::size_t>(y) * width_ * 3; }

  void Set(int x, int y, Rgb c) {
    if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
    unsigned char* p = row(y) + static_cast<std::size_t>(x) * 3;
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
  }

  // Fills [x0, x1) x [y0, y1), clipped to the canvas.
  void Fill(int x0, int y0, int x1, int y1, Rgb c) {
    for (int y = std::max(0, y0); y < std::min(height_, y1); ++y) {
      for (int x = std::max(0, x0); x < std::min(width_, x1); ++x) Set(x, y, c);
    }
  }

 private:
  int width_;
  int height_;
  std::vector<unsigned char> pixels_;
};

unsigned char Clamp8(int v) { return static_cast<unsigned char>(std::clamp(v, 0, 255)); }

void CheckSize(const char* what, int width, int height) {
  if (width < 1 || height < 1 || width > 4096 || height > 4096) {
    Fail(what, "picture size " + std::to_string(width) + "x" + std::to_string(height) +
                   " outside 1..4096");
  }
}

// A doorstep at dawn: sky and paving gradients, a wrapped box whose place depends on the seed, and
// sensor-like noise so that every seed gives different pixels.
Canvas DrawDoorstep(int width, int height, std::uint64_t seed) {
  Canvas c(width, height);
  Xoshiro256 rng(seed);
  const int horizon = height * 11 / 20;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      Rgb p;
      if (y < horizon) {
        const int t = y * 255 / std::max(1, horizon);
        p = {Clamp8(90 + t / 2), Clamp8(140 + t / 3), Clamp8(210 - t / 6)};
      } else {
        const int t = (y - horizon) * 255 / std::max(1, height - horizon);
        const int joint = ((x / std::max(1, width / 6)) + (y / std::max(1, height / 8))) % 2;
        p = {Clamp8(120 - t / 4 + joint * 8), Clamp8(115 - t / 4 + joint * 8),
             Clamp8(110 - t / 4 + joint * 8)};
      }
      c.Set(x, y, p);
    }
  }
  const int box_w = std::max(2, width / 3);
  const int box_h = std::max(2, height / 3);
  const int bx = rng.Between(0, std::max(0, width - box_w));
  const int by = std::min(height - box_h, horizon - box_h / 3 + rng.Between(0, box_h / 3 + 1));
  c.Fill(bx, by, bx + box_w, by + box_h, {196, 30, 58});
  const int ribbon = std::max(1, box_w / 8);
  c.Fill(bx + box_w / 2 - ribbon / 2, by, bx + box_w / 2 - ribbon / 2 + ribbon, by + box_h,
         {240, 200, 60});
  c.Fill(bx, by + box_h / 2 - ribbon / 2, bx + box_w, by + box_h / 2 - ribbon / 2 + ribbon,
         {240, 200, 60});
  for (int y = 0; y < height; ++y) {
    unsigned char* p = c.row(y);
    for (int i = 0; i < width * 3; ++i) p[i] = Clamp8(p[i] + rng.Between(-6, 6));
  }
  return c;
}

// A chat app on a phone: dark status bar, conversation header, bubbles left (them) and right (me),
// and the message input at the bottom.
Canvas DrawChatScreenshot(int width, int height, std::uint64_t seed) {
  Canvas c(width, height);
  Xoshiro256 rng(seed);
  c.Fill(0, 0, width, height, {255, 255, 255});
  const int status = std::max(1, height / 20);
  c.Fill(0, 0, width, status, {18, 18, 18});
  c.Fill(width / 12, status / 4, width / 12 + std::max(1, width / 8), status * 3 / 4 + 1,
         {235, 235, 235});  // the clock
  c.Fill(width * 8 / 10, status / 4, width * 9 / 10, status * 3 / 4 + 1, {235, 235, 235});
  const int header = status + std::max(2, height / 14);
  c.Fill(0, header - 1, width, header, {219, 219, 219});
  const int avatar = std::max(1, (header - status) * 2 / 3);
  c.Fill(width / 10, status + (header - status - avatar) / 2, width / 10 + avatar,
         status + (header - status - avatar) / 2 + avatar, {193, 53, 132});
  c.Fill(width / 10 + avatar + 3, status + (header - status) / 3, width / 2,
         status + (header - status) / 3 + std::max(1, avatar / 3), {38, 38, 38});

  const int input_top = height - std::max(3, height / 12);
  c.Fill(width / 20, input_top, width - width / 20, height - std::max(1, height / 60),
         {239, 239, 239});
  const int bubble_h = std::max(3, height / 16);
  const int gap = std::max(1, height / 60);
  for (int y = header + 2 * gap; y + bubble_h < input_top - gap; y += bubble_h + gap) {
    const bool mine = rng.Between(0, 3) == 0;
    const int w = rng.Between(width * 3 / 10, width * 7 / 10);
    const int x0 = mine ? width - width / 20 - w : width / 20;
    const Rgb fill = mine ? Rgb{55, 151, 240} : Rgb{239, 239, 239};
    const Rgb ink = mine ? Rgb{255, 255, 255} : Rgb{38, 38, 38};
    c.Fill(x0, y, x0 + w, y + bubble_h, fill);
    const int text_w = rng.Between(w / 3, std::max(w / 3, w - 4));
    c.Fill(x0 + 2, y + bubble_h / 2 - (bubble_h > 4 ? 1 : 0), x0 + 2 + text_w - 2,
           y + bubble_h / 2 + 1, ink);
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// libjpeg.

struct JpegError {
  jpeg_error_mgr mgr;  // first, so the library's pointer to it is a pointer to the whole
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void JpegErrorExit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Returns false with err->message set. On success *out is malloc'd by libjpeg; the caller frees it.
bool EncodeJpeg(unsigned char* rgb, int width, int height, int quality, JpegError* err,
                unsigned char** out, unsigned long* out_size) {
  jpeg_compress_struct cinfo;
  cinfo.err = jpeg_std_error(&err->mgr);
  err->mgr.error_exit = JpegErrorExit;
  if (setjmp(err->jump) != 0) {
    jpeg_destroy_compress(&cinfo);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, out, out_size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  // Phones write an Exif APP1 segment first and no JFIF APP0.
  cinfo.write_JFIF_header = FALSE;
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = rgb + static_cast<std::size_t>(cinfo.next_scanline) * width * 3;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}

// ---------------------------------------------------------------------------------------------
// libpng.

struct PngError {
  char message[256];
};

[[noreturn]] void PngErrorFn(png_structp png, png_const_charp msg) {
  auto* err = static_cast<PngError*>(png_get_error_ptr(png));
  std::snprintf(err->message, sizeof err->message, "%s", msg);
  png_longjmp(png, 1);
}

void PngWarningFn(png_structp, png_const_charp) {}

void PngWriteFn(png_structp png, png_bytep data, png_size_t size) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), size);
}

void PngFlushFn(png_structp) {}

// Returns false with err->message set.
bool EncodePng(png_bytepp rows, int width, int height, png_textp texts, int text_count,
               PngError* err, std::string* out) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err, PngErrorFn, PngWarningFn);
  if (png == nullptr) {
    std::snprintf(err->message, sizeof err->message, "out of memory");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    std::snprintf(err->message, sizeof err->message, "out of memory");
    return false;
  }
  if (setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, PngWriteFn, PngFlushFn);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (text_count > 0) png_set_text(png, info, texts, text_count);
  png_set_rows(png, info, rows);
  png_write_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

// An XMP packet as Android's screenshot tool and photo editors leave it: a description that says
// what the picture is, the tool that made it and when.
std::string ScreenshotXmp(const PngOptions& o) {
  std::string x =
      "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
      " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
      "  <rdf:Description rdf:about=\"\"\n"
      "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
      "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n";
  if (o.software) x += "   <xmp:CreatorTool>" + XmlEscape(*o.software) + "</xmp:CreatorTool>\n";
  if (o.creation_time)
    x += "   <xmp:CreateDate>" + XmlEscape(*o.creation_time) + "</xmp:CreateDate>\n";
  x += "   <dc:description>\n    <rdf:Alt>\n     <rdf:li xml:lang=\"x-default\">" +
       XmlEscape(o.description.value_or("Screenshot")) +
       "</rdf:li>\n    </rdf:Alt>\n   </dc:description>\n"
       "  </rdf:Description>\n"
       " </rdf:RDF>\n"
       "</x:xmpmeta>\n"
       "<?xpacket end=\"w\"?>";
  return x;
}

// ---------------------------------------------------------------------------------------------
// EXIF.

void AddRationals(Exiv2::ExifData& exif, const char* key,
                  std::initializer_list<std::pair<std::uint32_t, std::uint32_t>> parts) {
  Exiv2::URationalValue value;
  for (const auto& [num, den] : parts) value.value_.emplace_back(num, den);
  exif.add(Exiv2::ExifKey(key), &value);
}

void AddBytes(Exiv2::ExifData& exif, const char* key, const char* bytes) {
  Exiv2::Value::AutoPtr value = Exiv2::Value::create(Exiv2::unsignedByte);
  value->read(bytes);
  exif.add(Exiv2::ExifKey(key), value.get());
}

// Degrees as EXIF writes them: whole degrees, whole minutes, seconds in 1/10000 (about 3 mm).
void AddGpsAngle(Exiv2::ExifData& exif, const char* key, double degrees) {
  constexpr std::int64_t kPerSecond = 10000;
  const std::int64_t total = std::llround(std::fabs(degrees) * 3600.0 * kPerSecond);
  const auto deg = static_cast<std::uint32_t>(total / (3600 * kPerSecond));
  const auto min = static_cast<std::uint32_t>(total / (60 * kPerSecond) % 60);
  const auto sec = static_cast<std::uint32_t>(total % (60 * kPerSecond));
  AddRationals(exif, key, {{deg, 1}, {min, 1}, {sec, static_cast<std::uint32_t>(kPerSecond)}});
}

void AddGps(Exiv2::ExifData& exif, const GpsFix& gps) {
  if (!(std::fabs(gps.latitude) <= 90.0) || !(std::fabs(gps.longitude) <= 180.0)) {
    Fail("jpeg", "gps position out of range");
  }
  AddBytes(exif, "Exif.GPSInfo.GPSVersionID", "2 3 0 0");
  exif["Exif.GPSInfo.GPSLatitudeRef"] = std::string(gps.latitude < 0 ? "S" : "N");
  AddGpsAngle(exif, "Exif.GPSInfo.GPSLatitude", gps.latitude);
  exif["Exif.GPSInfo.GPSLongitudeRef"] = std::string(gps.longitude < 0 ? "W" : "E");
  AddGpsAngle(exif, "Exif.GPSInfo.GPSLongitude", gps.longitude);
  if (gps.altitude_m) {
    AddBytes(exif, "Exif.GPSInfo.GPSAltitudeRef", *gps.altitude_m < 0 ? "1" : "0");
    const auto mm = static_cast<std::uint32_t>(std::llround(std::fabs(*gps.altitude_m) * 1000));
    AddRationals(exif, "Exif.GPSInfo.GPSAltitude", {{mm, 1000}});
  }
  if (!gps.utc_time.empty()) {
    int y, mo, d, h, mi, s;
    char extra;
    if (std::sscanf(gps.utc_time.c_str(), "%4d:%2d:%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s,
                    &extra) != 6) {
      Fail("jpeg", "gps utc time is not \"YYYY:MM:DD HH:MM:SS\": " + gps.utc_time);
    }
    AddRationals(exif, "Exif.GPSInfo.GPSTimeStamp",
                 {{static_cast<std::uint32_t>(h), 1},
                  {static_cast<std::uint32_t>(mi), 1},
                  {static_cast<std::uint32_t>(s), 1}});
    exif["Exif.GPSInfo.GPSDateStamp"] = gps.utc_time.substr(0, 10);
  }
  exif["Exif.GPSInfo.GPSMapDatum"] = std::string("WGS-84");
}

Exiv2::ExifData BuildExif(const JpegOptions& o) {
  Exiv2::ExifData exif;
  if (o.make) exif["Exif.Image.Make"] = *o.make;
  if (o.model) exif["Exif.Image.Model"] = *o.model;
  if (o.software) exif["Exif.Image.Software"] = *o.software;
  if (o.orientation) exif["Exif.Image.Orientation"] = *o.orientation;
  if (o.date_time_original) {
    exif["Exif.Image.DateTime"] = *o.date_time_original;
    exif["Exif.Photo.DateTimeOriginal"] = *o.date_time_original;
    exif["Exif.Photo.DateTimeDigitized"] = *o.date_time_original;
  }
  if (o.sub_sec_time_original) exif["Exif.Photo.SubSecTimeOriginal"] = *o.sub_sec_time_original;
  if (o.offset_time_original) exif["Exif.Photo.OffsetTimeOriginal"] = *o.offset_time_original;
  exif["Exif.Photo.PixelXDimension"] = static_cast<std::uint32_t>(o.width);
  exif["Exif.Photo.PixelYDimension"] = static_cast<std::uint32_t>(o.height);
  if (o.gps) AddGps(exif, *o.gps);
  return exif;
}

// Adds `exif` to the JPEG in memory, so the file on disk is written once, whole.
std::string WithExif(const unsigned char* jpeg, std::size_t size, const Exiv2::ExifData& exif) {
  try {
    Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(jpeg, static_cast<long>(size));
    image->readMetadata();
    image->setExifData(exif);
    image->writeMetadata();
    Exiv2::BasicIo& io = image->io();
    io.seek(0, Exiv2::BasicIo::beg);
    Exiv2::DataBuf buf = io.read(static_cast<long>(io.size()));
    return std::string(reinterpret_cast<const char*>(buf.pData_),
                       static_cast<std::size_t>(buf.size_));
  } catch (const Exiv2::AnyError& e) {
    Fail("jpeg", std::string("exiv2: ") + e.what());
  }
}

struct FreeDeleter {
  void operator()(unsigned char* p) const { std::free(p); }
};

// ---------------------------------------------------------------------------------------------
// Text.

std::string ChatLine(const char* day_time, const std::string& who, const std::string& text) {
  return std::string(day_time) + " - " + who + ": " + text + "\n";
}

void CheckName(const std::string& name) {
  if (name.empty() || name.find_first_of(":\r\n") != std::string::npos) {
    Fail("whatsapp", "unusable name \"" + name + "\"");
  }
}

}  // namespace

void WriteJpegWithExif(const fs::path& path, const JpegOptions& options) {
  CheckSize("jpeg", options.width, options.height);
  if (options.quality < 1 || options.quality > 100) {
    Fail("jpeg", "quality " + std::to_string(options.quality) + " outside 1..100");
  }
  Canvas picture = DrawDoorstep(options.width, options.height, options.seed);
  JpegError err{};
  unsigned char* raw = nullptr;
  unsigned long raw_size = 0;
  const bool ok = EncodeJpeg(picture.data(), options.width, options.height, options.quality, &err,
                             &raw, &raw_size);
  std::unique_ptr<unsigned char, FreeDeleter> encoded(raw);
  if (!ok) Fail("jpeg", std::string("libjpeg: ") + err.message);
  const std::string file = WithExif(encoded.get(), raw_size, BuildExif(options));
  WriteBytes(path, file.data(), file.size());
}

void WritePngScreenshot(const fs::path& path, const PngOptions& options) {
  CheckSize("png", options.width, options.height);
  Canvas picture = DrawChatScreenshot(options.width, options.height, options.seed);
  std::vector<png_bytep> rows(static_cast<std::size_t>(options.height));
  for (int y = 0; y < options.height; ++y) rows[static_cast<std::size_t>(y)] = picture.row(y);

  // png_text wants mutable pointers; libpng copies the strings and never writes through them.
  const std::string xmp = options.xmp ? ScreenshotXmp(options) : std::string();
  std::vector<png_text> texts;
  auto add_text = [&texts](const char* key, const std::string& value, int compression) {
    png_text t{};
    t.compression = compression;
    t.key = const_cast<png_charp>(key);
    t.text = const_cast<png_charp>(value.c_str());
    t.lang = const_cast<png_charp>("");
    t.lang_key = const_cast<png_charp>("");
    texts.push_back(t);
  };
  if (options.software) add_text("Software", *options.software, PNG_TEXT_COMPRESSION_NONE);
  if (options.description) add_text("Description", *options.description, PNG_TEXT_COMPRESSION_NONE);
  if (options.creation_time) {
    add_text("Creation Time", *options.creation_time, PNG_TEXT_COMPRESSION_NONE);
  }
  if (options.xmp) add_text("XML:com.adobe.xmp", xmp, PNG_ITXT_COMPRESSION_NONE);

  PngError err{};
  std::string file;
  if (!EncodePng(rows.data(), options.width, options.height, texts.data(),
                 static_cast<int>(texts.size()), &err, &file)) {
    Fail("png", std::string("libpng: ") + err.message);
  }
  WriteBytes(path, file.data(), file.size());
}

void WriteWav(const fs::path& path, double seconds, int sample_rate, int channels,
              std::uint64_t seed) {
  if (!(seconds >= 0) || sample_rate < 1 || sample_rate > 384000 || channels < 1 || channels > 8) {
    Fail("wav", "bad parameters");
  }
  const auto frames = static_cast<std::uint64_t>(std::llround(seconds * sample_rate));
  const std::uint64_t block_align = 2ULL * static_cast<std::uint64_t>(channels);
  const std::uint64_t data_size = frames * block_align;
  if (data_size > 0xFFFFFFFFULL - 36) Fail("wav", "longer than a RIFF file can hold");

  std::string header;
  header += "RIFF";
  AppendLe(header, 36 + data_size, 4);
  header += "WAVEfmt ";
  AppendLe(header, 16, 4);  // fmt chunk size for plain PCM
  AppendLe(header, 1, 2);   // WAVE_FORMAT_PCM
  AppendLe(header, static_cast<std::uint64_t>(channels), 2);
  AppendLe(header, static_cast<std::uint64_t>(sample_rate), 4);
  AppendLe(header, static_cast<std::uint64_t>(sample_rate) * block_align, 4);
  AppendLe(header, block_align, 2);
  AppendLe(header, 16, 2);  // bits per sample
  header += "data";
  AppendLe(header, data_size, 4);

  File f = OpenForWriting(path);
  WriteChunk(f.get(), path, header.data(), header.size());

  // A voice-band tone with a slow vibrato and 20 ms fades, so it sounds like a tone, not a click.
  const double nyquist = sample_rate / 2.0;
  const double base = std::min(300.0 + static_cast<double>(seed % 8) * 45.0, nyquist / 2.0);
  const double fade = 0.02 * sample_rate;
  double phase = 0;
  std::string block;
  for (std::uint64_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    const double freq = base * (1.0 + 0.03 * std::sin(2 * std::numbers::pi * 5.0 * t));
    phase += 2 * std::numbers::pi * freq / sample_rate;
    double envelope = 1.0;
    if (fade > 0) {
      envelope = std::min(
          {1.0, static_cast<double>(i) / fade, static_cast<double>(frames - 1 - i) / fade});
    }
    const auto sample =
        static_cast<std::int16_t>(std::lround(0.4 * 32767 * envelope * std::sin(phase)));
    for (int ch = 0; ch < channels; ++ch) {
      AppendLe(block, static_cast<std::uint16_t>(sample), 2);
    }
    if (block.size() >= 65536) {
      WriteChunk(f.get(), path, block.data(), block.size());
      block.clear();
    }
  }
  WriteChunk(f.get(), path, block.data(), block.size());
  Close(std::move(f), path);
}

void WriteText(const fs::path& path, const std::string& text) {
  WriteBytes(path, text.data(), text.size());
}

std::string RandomBytes(std::size_t size, std::uint64_t seed) {
  std::string out(size, '\0');
  Xoshiro256 rng(seed);
  rng.Fill(reinterpret_cast<unsigned char*>(out.data()), size);
  return out;
}

void WriteRandomFile(const fs::path& path, std::uint64_t size_bytes, std::uint64_t seed) {
  // A multiple of 8, so that consecutive blocks continue the same stream as RandomBytes.
  constexpr std::size_t kBlock = 1 << 20;
  std::vector<unsigned char> buffer(kBlock);
  Xoshiro256 rng(seed);
  File f = OpenForWriting(path);
  std::uint64_t left = size_bytes;
  while (left > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, kBlock));
    rng.Fill(buffer.data(), n);
    WriteChunk(f.get(), path, buffer.data(), n);
    left -= n;
  }
  Close(std::move(f), path);
}

std::string WhatsAppExportText(const std::string& sender, const std::string& recipient) {
  CheckName(sender);
  CheckName(recipient);
  std::string s;
  s += "27/02/2026, 09:12 - Messages and calls are end-to-end encrypted. No one outside of this "
       "chat, not even WhatsApp, can read or listen to them. Tap to learn more.\n";
  s += ChatLine("27/02/2026, 09:14", sender,
                "Hi " + recipient + ", it's me from the gym. Got your number from Jess");
  s += ChatLine("28/02/2026, 21:47", sender, "Why are you ignoring me?");
  s += ChatLine("28/02/2026, 23:05", sender, "Why are you ignoring me?");
  s += ChatLine("01/03/2026, 07:51", sender, "Did you like the present? I left it by your door");
  s += ChatLine("02/03/2026, 07:31", sender, "I saw you at the station today");
  s += ChatLine("02/03/2026, 07:32", sender, "<Media omitted>");
  s += ChatLine("02/03/2026, 08:10", recipient,
                "Please stop messaging me. I have asked you before.");
  s += ChatLine("02/03/2026, 08:12", sender,
                "I just want to explain.\nYou never gave me a chance.\nI'll wait for you after "
                "work then");
  s += ChatLine("02/03/2026, 19:40", sender, "Why are you ignoring me?");
  return s;
}

void WriteWhatsAppExport(const fs::path& path, const std::string& sender,
                         const std::string& recipient) {
  WriteText(path, WhatsAppExportText(sender, recipient));
}

void WriteZip(const fs::path& path, const std::vector<std::pair<std::string, std::string>>& members,
              ZipMethod method) {
  std::unique_ptr<struct archive, decltype(&archive_write_free)> a(archive_write_new(),
                                                                   &archive_write_free);
  if (!a) Fail(path.string(), "archive_write_new failed");
  auto check = [&](int r) {
    if (r != ARCHIVE_OK) Fail(path.string(), archive_error_string(a.get()));
  };
  check(archive_write_set_format_zip(a.get()));
  if (method == ZipMethod::kStore) check(archive_write_zip_set_compression_store(a.get()));
  check(archive_write_open_filename(a.get(), path.c_str()));
  for (const auto& [name, bytes] : members) {
    std::unique_ptr<struct archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(),
                                                                           &archive_entry_free);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_mtime(e.get(), 1772400000, 0);  // 1 March 2026
    check(archive_write_header(a.get(), e.get()));
    if (archive_write_data(a.get(), bytes.data(), bytes.size()) !=
        static_cast<la_ssize_t>(bytes.size())) {
      Fail(path.string(), archive_error_string(a.get()));
    }
  }
  check(archive_write_close(a.get()));
}

Result<Case> CreateTestCase(const fs::path& dir, const std::string& name,
                            const std::string& owner) {
  CaseOptions o;
  o.name = name;
  o.owner = owner;
  return Case::Create(dir, o);
}

}  // namespace evidence::testing

#pragma GCC diagnostic pop
