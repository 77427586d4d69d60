#include "original_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>

#include "evidence_views.hpp"

namespace evidence::app {

namespace {

constexpr std::size_t kChunk = 64 * 1024;

// The part of a file of `size` bytes that a request's Range header asks for (RFC 9110, 14.1.2).
struct Part {
  enum { kWhole, kRange, kUnsatisfiable } kind = kWhole;
  std::uint64_t first = 0, last = 0;  // kRange: inclusive
};

std::optional<std::uint64_t> Number(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

// One range of bytes, "bytes=FIRST-[LAST]" or "bytes=-SUFFIX". A header that is not one such range
// (another unit, several ranges, a malformed one) is ignored and the whole file sent, as the RFC
// allows; a last byte past the end is the end; a range that starts past the end, or an empty
// suffix, cannot be satisfied.
Part RangeOf(const httplib::Request& req, std::uint64_t size) {
  if (!req.has_header("Range")) return {};
  const std::string header = req.get_header_value("Range");
  std::string_view v = header;
  if (!v.starts_with("bytes=")) return {};
  v.remove_prefix(6);
  const auto dash = v.find('-');
  if (dash == std::string_view::npos || v.find(',') != std::string_view::npos) return {};
  const auto first = Number(v.substr(0, dash));
  const auto last = Number(v.substr(dash + 1));
  Part p;
  if (!first) {
    if (!last) return {};
    if (*last == 0 || size == 0) return {Part::kUnsatisfiable};
    p.first = size - std::min(*last, size);
  } else {
    if (!v.substr(dash + 1).empty() && (!last || *last < *first)) return {};
    if (*first >= size) return {Part::kUnsatisfiable};
    p.first = *first;
  }
  p.kind = Part::kRange;
  p.last = (first && last) ? std::min(*last, size - 1) : size - 1;
  return p;
}

bool AttrChar(unsigned char ch) {
  if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
    return true;
  }
  return std::string_view("!#$&+-.^_`|~").find(static_cast<char>(ch)) != std::string_view::npos;
}

}  // namespace

OriginalFile::~OriginalFile() {
  if (fd_ >= 0) close(fd_);
}

Result<std::shared_ptr<OriginalFile>> OpenOriginal(Case& c, const Item& item,
                                                   const std::optional<std::string>& handed_to) {
  auto fd = c.OpenOriginal(item.exhibit, handed_to);
  if (!fd.ok()) return fd.status();
  return std::make_shared<OriginalFile>(*fd, item.size);
}

void SendFile(const httplib::Request& req, httplib::Response& res,
              std::shared_ptr<OriginalFile> file, const std::string& content_type) {
  const std::uint64_t size = file->size();
  const Part part = RangeOf(req, size);
  if (part.kind == Part::kUnsatisfiable) {
    res.status = 416;
    res.set_header("Content-Range", "bytes */" + std::to_string(size));
    return;
  }
  std::uint64_t start = 0, length = size;
  res.status = 200;
  if (part.kind == Part::kRange) {
    start = part.first;
    length = part.last - part.first + 1;
    res.status = 206;
    res.set_header("Content-Range", "bytes " + std::to_string(part.first) + "-" +
                                        std::to_string(part.last) + "/" + std::to_string(size));
  }
  res.set_header("Accept-Ranges", "bytes");
  res.set_content_provider(
      length, content_type, [file, start](size_t offset, size_t want, httplib::DataSink& sink) {
        std::string buf(std::min(want, kChunk), '\0');
        const ssize_t n =
            pread(file->fd(), buf.data(), buf.size(), static_cast<off_t>(start + offset));
        // A short copy cannot be completed honestly: end the response so that it is incomplete.
        if (n <= 0) return false;
        return sink.write(buf.data(), static_cast<size_t>(n));
      });
}

std::string ServedContentType(std::string_view media_type) {
  if (auto t = InertImageType(media_type); !t.empty()) return std::string(t);
  if (auto t = InertAudioType(media_type); !t.empty()) return std::string(t);
  return "application/octet-stream";
}

bool ServedAsAttachment(std::string_view media_type) {
  return !IsInertImage(media_type) && !IsInertAudio(media_type);
}

std::string AttachmentDisposition(std::string_view raw_name) {
  const auto slash = raw_name.rfind('/');
  if (slash != std::string_view::npos) raw_name.remove_prefix(slash + 1);
  if (raw_name.empty()) raw_name = "original";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "attachment; filename*=UTF-8''";
  for (const char c : raw_name) {
    const auto ch = static_cast<unsigned char>(c);
    if (AttrChar(ch)) {
      out += c;
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 0xF];
    }
  }
  return out;
}

}  // namespace evidence::app
