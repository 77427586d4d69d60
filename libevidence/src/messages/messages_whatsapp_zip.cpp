// WhatsApp .zip exports: the chat text and its media, read with libarchive as a stream in
// passes (find the chat; settle its layout and date order; stream the media to the caller's
// sink, hashing each member; deliver the messages with their attachments resolved), with limits
// that turn a decompression bomb into an error instead of an exhausted machine.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "archive_util.hpp"
#include "evidence/hash.hpp"
#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "messages_whatsapp.hpp"
#include "status_macros.hpp"

namespace evidence::messages_internal {

namespace {

// ---------------------------------------------------------------------------------------------
// Zip archives (libarchive, streaming).

using ArchivePtr = arch::ReadPtr;

std::string EntryName(struct archive_entry* e) {
  const char* utf8 = archive_entry_pathname_utf8(e);
  const char* raw = utf8 != nullptr ? utf8 : archive_entry_pathname(e);
  return LossyUtf8(raw != nullptr ? raw : "");
}

// One sequential pass over the members of a zip, enforcing the limits of ParseOptions.
class ZipPass {
 public:
  ZipPass(const std::filesystem::path& path, const ParseOptions& options)
      : path_(path), options_(options) {}

  Status Open() {
    a_.reset(archive_read_new());
    if (!a_) return Status::IoError("zip: out of memory");
    archive_read_support_format_zip(a_.get());
    if (archive_read_open_filename(a_.get(), path_.c_str(), 64 * 1024) != ARCHIVE_OK) {
      return Status::Corruption("zip: " + Error());
    }
    return Status::Ok();
  }

  // Moves to the next member; false at the end.
  Result<bool> Next() {
    const int r = archive_read_next_header(a_.get(), &entry_);
    if (r == ARCHIVE_EOF) return false;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      return Status::Corruption("zip: member " + std::to_string(index_ + 1) + ": " + Error());
    }
    ++index_;
    if (index_ > options_.max_zip_entries) {
      return Status::Corruption("zip: more than " + std::to_string(options_.max_zip_entries) +
                                " members (limit)");
    }
    name_ = EntryName(entry_);
    member_bytes_ = 0;
    raw_at_start_ = archive_filter_bytes(a_.get(), -1);
    if (archive_entry_size_is_set(entry_) && archive_entry_size(entry_) > 0 &&
        static_cast<uint64_t>(archive_entry_size(entry_)) > options_.max_member_bytes) {
      return Status::Corruption(
          "zip: member '" + name_ + "' declares " + std::to_string(archive_entry_size(entry_)) +
          " bytes, over the limit of " + std::to_string(options_.max_member_bytes));
    }
    return true;
  }

  uint64_t index() const { return index_; }
  const std::string& name() const { return name_; }
  bool is_regular() const { return archive_entry_filetype(entry_) == AE_IFREG; }
  bool is_directory() const { return archive_entry_filetype(entry_) == AE_IFDIR; }
  bool is_encrypted() const { return archive_entry_is_encrypted(entry_) != 0; }

  // Reads the current member's bytes, failing when a limit is crossed.
  Result<size_t> Read(char* buf, size_t size) {
    const la_ssize_t n = archive_read_data(a_.get(), buf, size);
    if (n < 0) return Status::Corruption("zip: member '" + name_ + "': " + Error());
    const auto got = static_cast<uint64_t>(n);
    member_bytes_ += got;
    total_bytes_ += got;
    if (member_bytes_ > options_.max_member_bytes) {
      return Status::Corruption("zip: member '" + name_ + "' is larger than the limit of " +
                                std::to_string(options_.max_member_bytes) + " bytes");
    }
    if (total_bytes_ > options_.max_total_bytes) {
      return Status::Corruption("zip: members total more than the limit of " +
                                std::to_string(options_.max_total_bytes) + " bytes");
    }
    if (member_bytes_ > (1u << 20)) {
      const int64_t raw = archive_filter_bytes(a_.get(), -1) - raw_at_start_;
      const uint64_t packed = raw > 0 ? static_cast<uint64_t>(raw) : 1;
      if (member_bytes_ / packed > options_.max_compression_ratio) {
        return Status::Corruption("zip: member '" + name_ + "' expands more than " +
                                  std::to_string(options_.max_compression_ratio) +
                                  " times (a decompression bomb)");
      }
    }
    return static_cast<size_t>(n);
  }

  ChunkSource Source() {
    return [this](char* buf, size_t size) { return Read(buf, size); };
  }

 private:
  std::string Error() const {
    const char* e = archive_error_string(a_.get());
    return e != nullptr ? LossyUtf8(e) : "unreadable archive";
  }

  std::filesystem::path path_;
  const ParseOptions& options_;
  ArchivePtr a_;
  struct archive_entry* entry_ = nullptr;
  uint64_t index_ = 0;
  std::string name_;
  uint64_t member_bytes_ = 0;
  uint64_t total_bytes_ = 0;
  int64_t raw_at_start_ = 0;
};

std::string BaseName(std::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

bool IsMacMetadata(std::string_view name) {
  return name.starts_with("__MACOSX/") || std::string_view(BaseName(name)).starts_with("._");
}

struct ChatMember {
  uint64_t index = 0;
  std::string name;
};

// Finds the chat text in a zip: "_chat.txt" (iOS) first, then "WhatsApp Chat*.txt" (Android),
// then any other .txt; in each case only if its first line is a WhatsApp header.
Result<std::optional<ChatMember>> FindChatMember(const std::filesystem::path& path,
                                                 const ParseOptions& options) {
  ZipPass pass(path, options);
  EVIDENCE_RETURN_IF_ERROR(pass.Open());
  std::optional<ChatMember> best;
  int best_rank = 0;
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(const bool more, pass.Next());
    if (!more) break;
    const std::string& name = pass.name();
    if (!pass.is_regular() || pass.is_encrypted() || IsMacMetadata(name)) continue;
    const std::string base = BaseName(name);
    std::string lower = base;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!lower.ends_with(".txt")) continue;
    const int rank = base == "_chat.txt" ? 3 : base.starts_with("WhatsApp Chat") ? 2 : 1;
    if (rank <= best_rank) continue;
    std::string head(4096, '\0');
    size_t got = 0;
    while (got < head.size()) {
      EVIDENCE_ASSIGN_OR_RETURN(const size_t n, pass.Read(head.data() + got, head.size() - got));
      if (n == 0) break;
      got += n;
    }
    head.resize(got);
    std::string_view view = head;
    if (view.starts_with("\xEF\xBB\xBF")) view.remove_prefix(3);
    if (!LooksLikeWhatsAppText(view)) continue;
    best = ChatMember{pass.index(), name};
    best_rank = rank;
  }
  return best;
}

// Positions `pass` on the chat member.
Status SeekChat(ZipPass& pass, const ChatMember& chat) {
  EVIDENCE_RETURN_IF_ERROR(pass.Open());
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(const bool more, pass.Next());
    if (!more) break;
    if (pass.index() == chat.index && pass.name() == chat.name) return Status::Ok();
  }
  return Status::Corruption("zip: the chat member '" + chat.name + "' vanished between passes");
}

class ZipMediaReader final : public MediaReader {
 public:
  ZipMediaReader(ZipPass& pass, Attachment info) : pass_(pass), info_(std::move(info)) {}

  Result<size_t> Read(std::span<uint8_t> out) override {
    if (done_) return size_t{0};
    auto n = pass_.Read(reinterpret_cast<char*>(out.data()), out.size());
    if (!n.ok()) return n.status();
    if (*n == 0) {
      done_ = true;
      return size_t{0};
    }
    sha_.Update(ByteView(out.data(), *n));
    size_ += *n;
    return *n;
  }

  Result<Attachment> Finish() override {
    if (!final_) {
      std::vector<uint8_t> buf(64 * 1024);
      for (;;) {
        EVIDENCE_ASSIGN_OR_RETURN(const size_t n, Read(buf));
        if (n == 0) break;
      }
      Attachment a = info_;
      a.size = size_;
      a.sha256 = DigestHex(sha_.Finish());
      final_ = std::move(a);
    }
    return *final_;
  }

 private:
  ZipPass& pass_;
  Attachment info_;
  Sha256 sha_;
  uint64_t size_ = 0;
  bool done_ = false;
  std::optional<Attachment> final_;
};

}  // namespace

Result<bool> ZipHoldsWhatsAppChat(const std::filesystem::path& path) {
  ParseOptions defaults;
  EVIDENCE_ASSIGN_OR_RETURN(auto chat, FindChatMember(path, defaults));
  return chat.has_value();
}

Result<ExportSummary> ParseWhatsAppZip(const std::filesystem::path& path,
                                       const ParseOptions& options,
                                       const MessageCallback& on_message,
                                       const MediaSink* on_media) {
  ExportSummary summary;
  summary.format = ExportFormat::kWhatsAppZip;
  EVIDENCE_ASSIGN_OR_RETURN(const auto chat, FindChatMember(path, options));
  if (!chat) return Status::Unsupported("zip: no WhatsApp chat text (_chat.txt) inside");

  // Pass 1: layout and date order, before anything reaches the caller.
  ChatScan scan;
  {
    ZipPass pass(path, options);
    EVIDENCE_RETURN_IF_ERROR(SeekChat(pass, *chat));
    LineReader reader(pass.Source(), MaxLineBytes(options));
    EVIDENCE_ASSIGN_OR_RETURN(scan, ScanChat(reader));
  }
  EVIDENCE_ASSIGN_OR_RETURN(const OrderDecision order,
                            DecideOrder(scan, options, &summary.warnings));
  FillChatFields(scan, order, &summary);
  summary.fields["chat_member"] = chat->name;

  // Pass 2: media members, streamed to the sink and hashed.
  MediaMap media;
  uint64_t media_count = 0;
  uint64_t mac_metadata = 0;
  {
    ZipPass pass(path, options);
    EVIDENCE_RETURN_IF_ERROR(pass.Open());
    for (;;) {
      EVIDENCE_ASSIGN_OR_RETURN(const bool more, pass.Next());
      if (!more) break;
      if (pass.index() == chat->index || pass.is_directory()) continue;
      if (IsMacMetadata(pass.name())) {
        ++mac_metadata;
        continue;
      }
      if (!pass.is_regular()) {
        AddWarning(&summary,
                   "zip: member '" + pass.name() + "' is not a regular file and was skipped");
        continue;
      }
      if (pass.is_encrypted()) {
        AddWarning(&summary, "zip: member '" + pass.name() + "' is encrypted and was skipped");
        continue;
      }
      Attachment info;
      info.name = pass.name();
      info.media_type = MediaTypeForName(info.name);
      ZipMediaReader reader(pass, info);
      if (on_media != nullptr && *on_media) {
        EVIDENCE_RETURN_IF_ERROR((*on_media)(info, reader));
      }
      EVIDENCE_ASSIGN_OR_RETURN(Attachment done, reader.Finish());
      ++media_count;
      const std::string base = BaseName(done.name);
      if (media.count(done.name) != 0) {
        AddWarning(&summary, "zip: member name '" + done.name + "' appears more than once");
      }
      if (base != done.name && media.count(base) == 0) media.emplace(base, done);
      media[done.name] = std::move(done);
    }
  }
  if (mac_metadata > 0) {
    AddWarning(&summary, "zip: " + std::to_string(mac_metadata) +
                             " macOS metadata member(s) (__MACOSX, ._*) were not reported");
  }
  summary.fields["media_count"] = media_count;

  // Pass 3: the messages, with their attachments resolved against the media.
  ZipPass pass(path, options);
  EVIDENCE_RETURN_IF_ERROR(SeekChat(pass, *chat));
  LineReader reader(pass.Source(), MaxLineBytes(options));
  EVIDENCE_ASSIGN_OR_RETURN(summary.message_count,
                            EmitChat(reader, scan, order, options, on_message, &media, &summary));
  return summary;
}

}  // namespace evidence::messages_internal
