#include "original_file.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "evidence_views.hpp"

namespace evidence::app {

namespace fs = std::filesystem;

namespace {

bool MemoryOnly(const fs::path& dir) {
  struct statfs s {};
  if (statfs(dir.c_str(), &s) != 0) return false;
  return s.f_type == TMPFS_MAGIC || s.f_type == RAMFS_MAGIC;
}

// The user's runtime folder (private, in memory on systemd systems), else /dev/shm.
std::optional<fs::path> MemoryFolder() {
  if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x != nullptr && *x == '/') {
    if (MemoryOnly(x)) return fs::path(x);
  }
  if (MemoryOnly("/dev/shm")) return fs::path("/dev/shm");
  return std::nullopt;
}

// A 0700 folder of its own under `parent`, removed with whatever is left in it.
class PrivateFolder {
 public:
  static std::optional<PrivateFolder> Make(const fs::path& parent) {
    std::string tmpl = (parent / "evidence-app-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return std::nullopt;
    return PrivateFolder(tmpl);
  }
  PrivateFolder(PrivateFolder&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  PrivateFolder(const PrivateFolder&) = delete;
  ~PrivateFolder() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit PrivateFolder(fs::path p) : path_(std::move(p)) {}
  fs::path path_;
};

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

Result<std::shared_ptr<OriginalFile>> OpenOriginal(Case& c, const Item& item) {
  auto parent = MemoryFolder();
  if (!parent) {
    return Status::Unsupported(
        "this computer has no memory-only folder to open the original through, and the app "
        "never writes it to disk; use `evidence extract` in a terminal");
  }
  auto folder = PrivateFolder::Make(*parent);
  if (!folder) return Status::IoError(parent->string() + ": cannot make a private folder");
  auto path = c.Extract(item.exhibit, folder->path(), /*overwrite=*/false);
  if (!path.ok()) return path.status();
  const int fd = open(path->c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::IoError(item.exhibit + ": cannot open the extracted copy");
  auto file = std::make_shared<OriginalFile>(fd, item.size);
  // The folder (and the copy's name) goes now; the bytes live only as long as the descriptor.
  return file;
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
