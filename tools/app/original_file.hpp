// Reading an item's original bytes for the browser (GET /evidence/<exhibit>/file).
//
// The public API hands an original out only through Case::Extract, which writes it into a folder
// and records an item.accessed entry. So that no plaintext copy ever lands on a disk, the app
// extracts into a private folder on a memory-only file system (tmpfs), opens the copy, and
// removes the file and its folder at once: what remains is the open descriptor, whose memory is
// freed when the response has been sent (docs/app.md "Evidence files").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "evidence/case.hpp"
#include "evidence/item.hpp"
#include "evidence/status.hpp"

namespace evidence::app {

// An open, already unlinked copy of an original. Closes the descriptor when destroyed.
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

// Extracts `item` (checked against its hash by the library, and recorded as an access) through a
// memory-only folder. kUnsupported when this computer has no memory-only folder the app may use
// (the caller tells the person to use `evidence extract`); the library's errors otherwise.
Result<std::shared_ptr<OriginalFile>> OpenOriginal(Case& c, const Item& item);

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
