#include "original_file.hpp"

#include <unistd.h>

#include <optional>

#include "evidence_views.hpp"

namespace evidence::app {

namespace {

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
