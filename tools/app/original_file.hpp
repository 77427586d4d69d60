// Reading an item's original bytes for the browser (GET /evidence/<exhibit>/file, POST
// /evidence/<exhibit>/download), through Case::OpenOriginal: the checked bytes in a sealed memory
// file, never a copy on disk (docs/app.md "Evidence files").
#pragma once

#include <httplib.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "evidence/case.hpp"
#include "evidence/item.hpp"
#include "evidence/status.hpp"

namespace evidence::app {

// A file the app sends: an original in a sealed memory file, or a hand-over bundle. Closes the
// descriptor when destroyed.
class OriginalFile {
 public:
  OriginalFile(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  ~OriginalFile();
  OriginalFile(const OriginalFile&) = delete;
  OriginalFile& operator=(const OriginalFile&) = delete;

  int fd() const { return fd_; }
  std::uint64_t size() const { return size_; }

 private:
  int fd_;
  std::uint64_t size_;
};

// Opens `item`'s original as the library checks it. With `handed_to` the bytes are a download
// and the library records the access; without, they are only shown and nothing is recorded.
Result<std::shared_ptr<OriginalFile>> OpenOriginal(Case& c, const Item& item,
                                                   const std::optional<std::string>& handed_to);

// Sends `file`'s bytes as the response, in 64 KiB reads, never held whole. A Range header of one
// byte range is answered 206 with that part (a voicemail's player seeks with "bytes=N-"), its end
// cut to the file's; one that starts past the end gets 416 and "Content-Range: bytes */SIZE"
// (RFC 9110, 14.4); any other Range header is ignored and the whole file sent. The server clears
// httplib's own reading of ranges (server.cpp), so this is the only place ranges are served.
void SendFile(const httplib::Request& req, httplib::Response& res,
              std::shared_ptr<OriginalFile> file, const std::string& content_type);

// The Content-Type the original is served with: its sniffed media type (under its standard name)
// when the browser renders that type inertly (an image or audio), application/octet-stream for
// everything else.
std::string ServedContentType(std::string_view media_type);
// Whether the original is served as a download, never rendered: every type but the inert ones.
bool ServedAsAttachment(std::string_view media_type);
// `attachment; filename*=UTF-8''<name>` (RFC 6266, RFC 8187) with every byte of the file name's
// last component outside the RFC's attr-char set percent-encoded, so that no quote, ';', CR or LF
// of a hostile name reaches the header.
std::string AttachmentDisposition(std::string_view raw_name);

}  // namespace evidence::app
