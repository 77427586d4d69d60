#include "metadata_filetype.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <magic.h>

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>

#include "archive_util.hpp"
#include "messages_internal.hpp"
#include "xml_util.hpp"

namespace evidence::metadata_internal {

namespace {

struct MagicCloser {
  void operator()(magic_t m) const { magic_close(m); }
};
using MagicPtr = std::unique_ptr<std::remove_pointer_t<magic_t>, MagicCloser>;

using ArchiveReadPtr = arch::ReadPtr;

// The default libmagic database, loaded once; libmagic handles are not thread-safe, hence the
// mutex.
class MagicDatabase {
 public:
  static MagicDatabase& Instance() {
    static MagicDatabase db;
    return db;
  }

  Result<std::string> Detect(const RandomAccessFile& file) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!cookie_) return Status::Unsupported(load_error_);
    // libmagic reads from the descriptor's offset, which other readers of it may have moved.
    if (::lseek(file.fd(), 0, SEEK_SET) != 0) {
      return Status::IoError(std::string("libmagic: seek: ") + std::strerror(errno));
    }
    const char* type = magic_descriptor(cookie_.get(), file.fd());
    if (type == nullptr) {
      const char* err = magic_error(cookie_.get());
      return Status::IoError(std::string("libmagic: ") + (err != nullptr ? err : "unknown error"));
    }
    return std::string(type);
  }

 private:
  MagicDatabase() {
    // MAGIC_ERROR: report an unreadable file as an error instead of as a type description.
    cookie_.reset(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR));
    if (!cookie_) {
      load_error_ = "libmagic: cannot initialise";
      return;
    }
    if (magic_load(cookie_.get(), nullptr) != 0) {
      const char* err = magic_error(cookie_.get());
      load_error_ = std::string("libmagic: cannot load the database: ") +
                    (err != nullptr ? err : "unknown error");
      cookie_.reset();
    }
  }

  std::mutex mu_;
  MagicPtr cookie_;
  std::string load_error_;
};

struct ExtensionHint {
  std::string_view extension;
  // Media types the extension stands for, '|'-separated; an entry ending in '/' is a prefix.
  std::string_view types;
};

constexpr ExtensionHint kExtensionHints[] = {
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"png", "image/png"},
    {"heic", "image/heic|image/heif"},
    {"heif", "image/heif|image/heic"},
    {"avif", "image/avif"},
    {"webp", "image/webp"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"gif", "image/gif"},
    {"bmp", "image/bmp|image/x-ms-bmp"},
    {"mp3", "audio/mpeg"},
    {"m4a", "audio/x-m4a|audio/mp4|video/mp4"},
    {"aac", "audio/x-hx-aac-adts|audio/x-hx-aac-adif|audio/aac"},
    {"wav", "audio/x-wav|audio/wav|audio/vnd.wave"},
    {"ogg", "audio/ogg|application/ogg|video/ogg"},
    {"opus", "audio/ogg|application/ogg"},
    {"oga", "audio/ogg|application/ogg"},
    {"amr", "audio/amr"},
    {"3gp", "video/3gpp|audio/3gpp"},
    {"mp4", "video/mp4|audio/mp4|audio/x-m4a"},
    {"mov", "video/quicktime"},
    {"flac", "audio/flac|audio/x-flac"},
    {"pdf", "application/pdf"},
    {"txt", "text/"},
    {"csv", "text/"},
    {"xml", "text/xml|application/xml"},
    {"eml", "message/rfc822|text/"},
    {"mbox", "application/mbox|text/"},
    {"zip", "application/zip"},
    {"json", "application/json|text/"},
    {"html", "text/html"},
    {"htm", "text/html"},
};

bool TypeMatches(std::string_view types, std::string_view media_type) {
  while (!types.empty()) {
    std::size_t bar = types.find('|');
    std::string_view t = types.substr(0, bar);
    bool prefix = !t.empty() && t.back() == '/';
    if (prefix ? media_type.substr(0, t.size()) == t : media_type == t) return true;
    if (bar == std::string_view::npos) break;
    types.remove_prefix(bar + 1);
  }
  return false;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Drops a byte-order mark, directional marks and white space in front of the first line.
std::string_view SkipLeadingMarks(std::string_view s) {
  static constexpr std::string_view kMarks[] = {
      "\xEF\xBB\xBF",                  // BOM
      "\xE2\x80\x8E", "\xE2\x80\x8F",  // LRM, RLM
      "\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE",
      "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9",
  };
  bool again = true;
  while (again && !s.empty()) {
    again = false;
    if (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n') {
      s.remove_prefix(1);
      again = true;
      continue;
    }
    for (std::string_view m : kMarks) {
      if (s.starts_with(m)) {
        s.remove_prefix(m.size());
        again = true;
        break;
      }
    }
  }
  return s;
}

constexpr std::string_view kKnownHeaders[] = {
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "delivered-to",
    "reply-to",
    "sender",
    "in-reply-to",
    "references",
    "x-mailer",
    "user-agent",
    "dkim-signature",
    "x-original-to",
    "authentication-results",
    "received-spf",
    "arc-seal",
    "x-received",
    "thread-topic",
    "thread-index",
    "importance",
    "list-id",
    "x-apparently-to",
};
// Headers that practically only e-mail has; at least one must be present.
constexpr std::string_view kStrongHeaders[] = {
    "from",         "date",         "message-id",     "received",      "return-path",
    "mime-version", "delivered-to", "dkim-signature", "x-original-to", "received-spf",
};

template <std::size_t N>
bool InList(const std::string_view (&list)[N], std::string_view v) {
  for (std::string_view x : list) {
    if (x == v) return true;
  }
  return false;
}

// Lists the names in a .zip without extracting anything and returns the WhatsApp chat file's
// name, or "" when there is none.
std::string FindWhatsAppChat(const RandomAccessFile& file, Metadata& md) {
  ArchiveReadPtr a(archive_read_new());
  if (!a) {
    md.errors.push_back("zip: cannot allocate a reader");
    return "";
  }
  // The seekable reader trusts the central directory and never inflates an entry to list it.
  archive_read_support_format_zip_seekable(a.get());
  // From the start, whoever read the descriptor before (libarchive reads from its offset).
  if (::lseek(file.fd(), 0, SEEK_SET) != 0 ||
      archive_read_open_fd(a.get(), file.fd(), 64 * 1024) != ARCHIVE_OK) {
    const char* err = archive_error_string(a.get());
    md.errors.push_back("zip: " + CleanText(err != nullptr ? err : "cannot open"));
    return "";
  }
  constexpr int kMaxEntries = 20000;
  std::string chat;
  int entries = 0;
  struct archive_entry* entry = nullptr;
  while (entries < kMaxEntries) {
    int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      const char* err = archive_error_string(a.get());
      md.errors.push_back("zip: " + CleanText(err != nullptr ? err : "unreadable entry"));
      break;
    }
    ++entries;
    const char* raw = archive_entry_pathname_utf8(entry);
    if (raw == nullptr) raw = archive_entry_pathname(entry);
    std::string_view name = raw != nullptr ? raw : "";
    std::size_t slash = name.find_last_of('/');
    std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
    bool apple_double = name.starts_with("__MACOSX/") || base.starts_with("._");
    if (chat.empty() && !apple_double) {
      std::string lower = AsciiLower(base);
      bool txt = lower.size() > 4 && lower.substr(lower.size() - 4) == ".txt";
      if (lower == "_chat.txt" || (txt && lower.find("whatsapp") != std::string::npos)) {
        chat = CleanText(name);
      }
    }
    archive_read_data_skip(a.get());
  }
  md.fields["archive_entries"] = entries;
  if (entries >= kMaxEntries) md.errors.push_back("zip: more than 20000 entries; listed the first");
  return chat;
}

}  // namespace

Result<std::string> DetectMediaType(const RandomAccessFile& file) {
  return MagicDatabase::Instance().Detect(file);
}

void PreloadMagic() { (void)MagicDatabase::Instance(); }

std::string EmailFormat(std::string_view head) {
  std::size_t pos = 0;
  auto next_line = [&](std::string_view& line) {
    if (pos >= head.size()) return false;
    std::size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) {
      line = head.substr(pos);
      pos = head.size();
      // A line cut off by the end of the sample says nothing either way.
      return false;
    }
    line = head.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    return true;
  };
  bool mbox = head.starts_with("From ");
  std::string_view line;
  if (mbox && !next_line(line)) return "";
  int fields = 0, known = 0, strong = 0;
  for (int n = 0; n < 400 && next_line(line); ++n) {
    if (line.empty()) break;  // end of the header block
    if (line[0] == ' ' || line[0] == '\t') {
      if (fields == 0) return "";
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 76) return "";
    for (char c : line.substr(0, colon)) {
      if (c < 33 || c > 126) return "";
    }
    ++fields;
    std::string name = AsciiLower(line.substr(0, colon));
    if (InList(kKnownHeaders, name)) ++known;
    if (InList(kStrongHeaders, name)) ++strong;
  }
  if (fields >= 2 && known >= 2 && strong >= 1) return mbox ? "mbox" : "rfc822";
  return "";
}

bool LooksLikeSmsBackup(std::string_view head) {
  return xml_util::XmlRootName(SkipLeadingMarks(head)) == "smses";
}
bool LooksLikeCallLogBackup(std::string_view head) {
  return xml_util::XmlRootName(SkipLeadingMarks(head)) == "calls";
}

namespace {

// The chat exports recognised by the message parsers' own detectors, so that the item's kind and
// the parse never disagree; the name is ExportFormatName's.
const char* ChatExportFormat(std::string_view type, std::string_view head) {
  namespace mi = messages_internal;
  if (!type.starts_with("text/") && type != "application/json") return nullptr;
  std::optional<ExportFormat> format;
  if (mi::LooksLikeIMessageText(head)) format = ExportFormat::kIMessageText;
  if (!format && mi::LooksLikeIMessageHtml(head)) format = ExportFormat::kIMessageHtml;
  if (!format && mi::LooksLikeMetaMessagesJson(head)) format = ExportFormat::kMetaMessagesJson;
  if (!format && mi::LooksLikeGoogleChatJson(head)) format = ExportFormat::kGoogleChatJson;
  return format ? ExportFormatName(*format).data() : nullptr;
}

std::optional<ExportFormat> CallOrVoiceExport(std::string_view type, std::string_view head) {
  if (!type.starts_with("text/") && type != "application/xml") return std::nullopt;
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  return messages_internal::DetectCallOrVoiceExport(head);
}

}  // namespace

void Classify(const RandomAccessFile& file, std::string_view name_hint, Metadata& md) {
  std::string ext;
  std::size_t dot = name_hint.find_last_of('.');
  std::size_t slash = name_hint.find_last_of("/\\");
  if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)) {
    std::string_view raw = name_hint.substr(dot + 1);
    bool plain = !raw.empty() && raw.size() <= 16;
    for (char c : raw) plain = plain && (IsDigit(c) || IsAlpha(c));
    if (plain) ext = AsciiLower(raw);
  }
  const std::string& type = md.media_type;
  if (!ext.empty()) {
    md.fields["extension"] = ext;
    for (const ExtensionHint& h : kExtensionHints) {
      if (h.extension == ext && !TypeMatches(h.types, type)) {
        md.fields["extension_mismatch"] = "name says ." + ext + ", content is " + type;
      }
    }
  }

  Bytes head_bytes = file.ReadUpTo(0, 16 * 1024);
  std::string_view head = AsChars(head_bytes);
  auto set = [&](const char* kind, const char* format) {
    md.kind = kind;
    if (format != nullptr) md.fields["format"] = format;
  };

  if (type.starts_with("image/")) {
    set("image", nullptr);
  } else if (type.starts_with("audio/")) {
    set("audio", nullptr);
  } else if (type.starts_with("video/")) {
    set("video", nullptr);
  } else if (type == "message/rfc822") {
    set("email", head.starts_with("From ") ? "mbox" : "rfc822");
  } else if (type == "application/mbox") {
    set("email", "mbox");
  } else if (type == "application/vnd.ms-outlook") {
    set("email", "outlook-msg");
  } else if (type == "application/zip") {
    std::string chat = FindWhatsAppChat(file, md);
    if (!chat.empty()) {
      set("message-export", "whatsapp-zip");
      md.fields["chat_file"] = chat;
    } else {
      set("other", nullptr);
    }
  } else if (auto calls = CallOrVoiceExport(type, head)) {
    // The message code's own detection, so that a file is a call log here iff it parses as one.
    set(*calls == ExportFormat::kGoogleVoiceText ? "message-export" : "calls",
        std::string(ExportFormatName(*calls)).c_str());
  } else if (type == "text/xml" || type == "application/xml") {
    if (LooksLikeSmsBackup(head)) {
      set("message-export", "sms-backup-restore");
    } else {
      set("document", nullptr);
    }
  } else if ((type == "application/json" || type.starts_with("text/")) &&
             messages_internal::LooksLikeTelegramJson(head)) {
    set("message-export", "telegram-json");
  } else if ((type == "application/json" || type.starts_with("text/")) &&
             messages_internal::LooksLikeDiscordJson(head)) {
    set("message-export", "discord-json");
  } else if (const char* chat = ChatExportFormat(type, head)) {
    set("message-export", chat);
  } else if (type.starts_with("text/")) {
    std::string email = EmailFormat(head);
    if (!email.empty()) {
      set("email", email.c_str());
    } else if (messages_internal::LooksLikeWhatsAppText(head)) {
      set("message-export", "whatsapp-text");
    } else {
      set("document", nullptr);
    }
  } else if (type == "application/pdf" || type == "application/json" || type == "application/rtf" ||
             type == "application/msword" || type == "application/vnd.ms-excel" ||
             type == "application/vnd.ms-powerpoint" || type == "application/epub+zip" ||
             type.starts_with("application/vnd.openxmlformats-officedocument.") ||
             type.starts_with("application/vnd.oasis.opendocument.")) {
    set("document", nullptr);
  } else {
    set("other", nullptr);
  }
}

}  // namespace evidence::metadata_internal
