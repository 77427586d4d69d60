#include "bundle_verify_scan.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <locale.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "archive_util.hpp"
#include "bagit.hpp"
#include "bundle_format.hpp"
#include "evidence/age.hpp"
#include "evidence/hash.hpp"
#include "status_macros.hpp"
#include "unique_fd.hpp"

namespace evidence::bundle_internal {
namespace fs = std::filesystem;

namespace {

std::string ArchiveError(archive* a) {
  const char* e = archive_error_string(a);
  return e != nullptr && *e != '\0' ? std::string(e) : "unknown libarchive error";
}

std::string MiB(std::uint64_t bytes) {
  if (bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// Sizes that the tag files read so far declare for the payload, so that a member can be stopped
// as soon as it outgrows them instead of after it has been read to the end.
struct Declared {
  std::map<std::string, std::uint64_t> item_sizes;  // evidence/items.json: path -> size
  std::optional<std::uint64_t> oxum_bytes;          // bag-info.txt Payload-Oxum
};

void LearnFromTagFile(const std::string& rel, const std::string& bytes, Declared* d) {
  if (rel == bundle_format::kBagInfo) {
    auto info = bagit::ParseBagInfo(bytes);
    if (!info.ok()) return;
    for (const auto& [label, value] : *info) {
      if (label != "Payload-Oxum") continue;
      std::uint64_t n = 0;
      auto dot = value.find('.');
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec == std::errc() && dot != std::string::npos && p == value.data() + dot) {
        d->oxum_bytes = n;
      }
    }
  } else if (rel == bundle_format::kItems) {
    // Only a hint for early stopping: a malformed items.json is reported by the checks later.
    auto items = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (!items.is_array()) return;
    for (const auto& item : items) {
      if (!item.is_object()) continue;
      auto path = item.find("path");
      auto size = item.find("size");
      if (path == item.end() || size == item.end() || !path->is_string() ||
          !size->is_number_unsigned()) {
        continue;
      }
      d->item_sizes[path->get<std::string>()] = size->get<std::uint64_t>();
    }
  }
}

std::uint64_t Le(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

// The number of members a zip's central directory lists, from its end records (APPNOTE 4.3.16,
// 4.3.14), or nullopt when `file` is not a zip or the records cannot be found. libarchive loads
// the whole central directory before returning the first member, so an absurd count must be
// refused before libarchive sees it.
std::optional<std::uint64_t> ZipCentralDirectoryCount(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[2] = {};
  if (!in.read(magic, 2) || magic[0] != 'P' || magic[1] != 'K') return std::nullopt;
  std::error_code ec;
  std::uint64_t size = fs::file_size(file, ec);
  if (ec || size < 22) return std::nullopt;
  // The end record is 22 bytes plus a comment of at most 65535.
  std::uint64_t tail = std::min<std::uint64_t>(size, 22 + 65535 + 20);
  std::vector<unsigned char> buf(tail);
  in.seekg(static_cast<std::streamoff>(size - tail));
  if (!in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(tail))) {
    return std::nullopt;
  }
  for (std::size_t i = tail - 22 + 1; i-- > 0;) {
    const unsigned char* e = buf.data() + i;
    if (std::memcmp(e, "PK\x05\x06", 4) != 0) continue;
    std::uint64_t count = Le(e + 10, 2);
    if (count != 0xFFFF || i < 20) return count;
    // Zip64: the locator (20 bytes before) gives the offset of the zip64 end record.
    const unsigned char* loc = e - 20;
    if (std::memcmp(loc, "PK\x06\x07", 4) != 0) return count;
    std::uint64_t at = Le(loc + 8, 8);
    unsigned char rec[56];
    if (at > size - sizeof rec) return std::nullopt;
    in.seekg(static_cast<std::streamoff>(at));
    if (!in.read(reinterpret_cast<char*>(rec), sizeof rec) ||
        std::memcmp(rec, "PK\x06\x06", 4) != 0) {
      return std::nullopt;
    }
    return Le(rec + 32, 8);
  }
  return std::nullopt;
}

// libarchive converts member names to the charset of the current locale; under the "C" locale a
// UTF-8 name (a zip's UTF-8 flag, a pax header) cannot be converted and comes back as NULL. The
// scan runs under a UTF-8 LC_CTYPE for this thread only (uselocale), leaving the process's
// locale alone. libarchive caches the charset per archive object, so this must come first.
class Utf8Ctype {
 public:
  Utf8Ctype() {
    for (const char* name : {"C.UTF-8", "C.utf8", "en_US.UTF-8"}) {
      loc_ = newlocale(LC_CTYPE_MASK, name, static_cast<locale_t>(0));
      if (loc_ != static_cast<locale_t>(0)) break;
    }
    if (loc_ != static_cast<locale_t>(0)) old_ = uselocale(loc_);
  }
  ~Utf8Ctype() {
    if (loc_ == static_cast<locale_t>(0)) return;
    uselocale(old_);
    freelocale(loc_);
  }
  Utf8Ctype(const Utf8Ctype&) = delete;
  Utf8Ctype& operator=(const Utf8Ctype&) = delete;

 private:
  locale_t loc_ = static_cast<locale_t>(0);
  locale_t old_ = static_cast<locale_t>(0);
};

const char* TypeName(unsigned type) {
  switch (type) {
    case AE_IFLNK:
      return "a symbolic link";
    case AE_IFCHR:
      return "a character device";
    case AE_IFBLK:
      return "a block device";
    case AE_IFIFO:
      return "a fifo";
    case AE_IFSOCK:
      return "a socket";
    default:
      return "not a regular file or folder";
  }
}

// The components of a member name, in `parts`; "./" and empty components are harmless spellings
// and are dropped. Returns why the name is refused, or "" when it is not.
std::string PathParts(const std::string& raw, std::vector<std::string>* parts) {
  if (raw.front() == '/') return "an absolute path";
  for (size_t start = 0; start <= raw.size();) {
    size_t slash = raw.find('/', start);
    if (slash == std::string::npos) slash = raw.size();
    std::string part = raw.substr(start, slash - start);
    if (part == "..") return "a path with a \"..\" component";
    if (!part.empty() && part != ".") parts->push_back(std::move(part));
    start = slash + 1;
  }
  if (parts->empty()) return "a path that names no file";
  return "";
}

// One payload member's calls to the sink (when there is one): Abandon unless End was reached, so
// that every early return of the read loop leaves the sink clean. False once the sink failed.
class SinkMember {
 public:
  SinkMember(PayloadSink* sink, Status* status) : sink_(sink), status_(status) {}
  ~SinkMember() {
    if (sink_ != nullptr && open_) sink_->Abandon();
  }
  SinkMember(const SinkMember&) = delete;
  SinkMember& operator=(const SinkMember&) = delete;

  bool Begin(const std::string& rel) {
    if (sink_ == nullptr) return true;
    open_ = true;
    return Keep(sink_->Begin(rel));
  }
  bool Append(std::string_view block) {
    if (sink_ == nullptr) return true;
    return Keep(sink_->Append(AsBytes(block)));
  }
  bool End(const std::string& rel) {
    if (sink_ == nullptr) return true;
    open_ = false;
    return Keep(sink_->End(rel));
  }

 private:
  bool Keep(Status s) {
    if (s.ok()) return true;
    *status_ = std::move(s);
    return false;
  }
  PayloadSink* sink_;
  Status* status_;
  bool open_ = false;
};

class Scanner {
 public:
  Scanner(archive* a, const ScanLimits& limits, PayloadSink* sink)
      : a_(a), limits_(limits), sink_(sink), buffer_(limits.block) {}

  // The first error of the sink, which stopped the scan.
  const Status& sink_status() const { return sink_status_; }

  // Reads every member; returns false when the first header could not be read at all (the file
  // is not an archive), with the libarchive error in `error`.
  bool Run(ScanResult* out, std::string* error) {
    out_ = out;
    for (;;) {
      archive_entry* entry = nullptr;
      int r = archive_read_next_header(a_, &entry);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) {
        if (out_->members == 0) {
          *error = ArchiveError(a_);
          return false;
        }
        Refuse(last_path_.empty() ? "archive" : last_path_,
               "truncated or corrupt after this member: " + ArchiveError(a_));
        break;
      }
      if (out_->members == 0) NoteFormat();
      ++out_->members;
      if (out_->members > limits_.max_members) {
        Refuse("archive", "more than " + std::to_string(limits_.max_members) + " members");
        break;
      }
      if (!Member(entry)) break;
      if (Exploded(last_path_.empty() ? "archive" : last_path_)) break;
    }
    out_->packed_bytes = Packed();
    if (!out_->refusal && out_->members == 0) Refuse("archive", "the archive has no members");
    return true;
  }

 private:
  void NoteFormat() {
    int format = archive_format(a_) & ARCHIVE_FORMAT_BASE_MASK;
    out_->format = format == ARCHIVE_FORMAT_ZIP ? "zip" : "tar";
    // Filter 0 is the outermost decoder; "none" is the raw file.
    for (int i = 0; i < archive_filter_count(a_); ++i) {
      if (archive_filter_code(a_, i) == ARCHIVE_FILTER_GZIP) out_->format += ".gz";
    }
  }

  std::uint64_t Packed() const {
    la_int64_t n = archive_filter_bytes(a_, -1);
    return n < 0 ? 0 : static_cast<std::uint64_t>(n);
  }

  // The bomb rule. What was unpacked is the larger of the member bytes produced (a zip inflates
  // inside the format) and the decompressed stream the format reader consumed (a tar.gz, headers
  // included, so that a bomb made of huge headers counts too).
  bool Exploded(const std::string& subject) {
    std::uint64_t packed = Packed();
    la_int64_t stream = archive_filter_bytes(a_, 0);
    std::uint64_t unpacked = std::max<std::uint64_t>(
        out_->unpacked_bytes, stream < 0 ? 0 : static_cast<std::uint64_t>(stream));
    if (unpacked <= limits_.max_expansion * packed + limits_.expansion_slack) return false;
    Refuse(subject, "a decompression bomb: " + std::to_string(unpacked) + " bytes unpacked from " +
                        std::to_string(packed) + " compressed bytes (limit " +
                        std::to_string(limits_.max_expansion) + " times plus " +
                        MiB(limits_.expansion_slack) + ")");
    return true;
  }

  void Refuse(const std::string& subject, const std::string& why) {
    out_->refusal = BundleCheck{"archive", subject, false,
                                "refused: " + why + "; reading stopped, no further checks run"};
  }

  // Checks one member's header and reads its data. False once the bundle is refused.
  bool Member(archive_entry* entry) {
    const char* name = archive_entry_pathname_utf8(entry);
    if (name == nullptr) name = archive_entry_pathname(entry);
    std::string member_label = "member " + std::to_string(out_->members);
    if (name == nullptr || *name == '\0') {
      Refuse(member_label, "a member without a name");
      return false;
    }
    std::string raw(name);
    if (raw.size() > limits_.max_path) {
      Refuse(member_label, "a member name of " + std::to_string(raw.size()) + " bytes (limit " +
                               std::to_string(limits_.max_path) + ")");
      return false;
    }
    path_bytes_ += raw.size();
    if (path_bytes_ > limits_.max_path_total) {
      Refuse(raw, "member names total more than " + MiB(limits_.max_path_total));
      return false;
    }
    last_path_ = raw;
    std::vector<std::string> parts;
    if (std::string why = PathParts(raw, &parts); !why.empty()) {
      Refuse(raw, why);
      return false;
    }
    if (const char* target = archive_entry_hardlink(entry); target != nullptr) {
      Refuse(raw, std::string("a hard link to \"") + target + "\"");
      return false;
    }
    unsigned type = archive_entry_filetype(entry);
    if (const char* target = archive_entry_symlink(entry); type == AE_IFLNK || target != nullptr) {
      Refuse(raw, std::string("a symbolic link") +
                      (target != nullptr ? std::string(" to \"") + target + "\"" : ""));
      return false;
    }
    if (type != AE_IFREG && type != AE_IFDIR) {
      Refuse(raw, TypeName(type));
      return false;
    }
    if (archive_entry_is_encrypted(entry)) {
      Refuse(raw, "an encrypted member");
      return false;
    }
    if (archive_entry_sparse_count(entry) > 0) {
      Refuse(raw, "a sparse file (holes are not evidence bytes)");
      return false;
    }
    bool is_dir = type == AE_IFDIR;
    if (!is_dir && parts.size() == 1) {
      Refuse(raw, "a file outside the top folder (a bundle has exactly one top folder)");
      return false;
    }
    if (out_->top_folder.empty()) {
      out_->top_folder = parts[0];
    } else if (parts[0] != out_->top_folder) {
      Refuse(raw, "a second top folder \"" + parts[0] + "\" beside \"" + out_->top_folder + "\"");
      return false;
    }
    std::string full;
    for (const auto& p : parts) full += (full.empty() ? "" : "/") + p;
    if (!seen_.insert(full).second) {
      Refuse(raw, "a duplicate name (\"" + full + "\" appears twice)");
      return false;
    }
    std::string rel = full.size() > parts[0].size() ? full.substr(parts[0].size() + 1) : "";
    if (is_dir) return ReadDirectory(raw, entry);
    return ReadFile(raw, rel, entry);
  }

  bool ReadDirectory(const std::string& raw, archive_entry* entry) {
    // archive_read_data_skip would decompress any hidden data outside the limits; a folder that
    // carries bytes is malformed anyway.
    if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0) {
      Refuse(raw, "a folder member that carries data");
      return false;
    }
    la_ssize_t n = archive_read_data(a_, buffer_.data(), buffer_.size());
    if (n < 0) {
      Refuse(raw, "unreadable: " + ArchiveError(a_));
      return false;
    }
    if (n > 0) {
      Refuse(raw, "a folder member that carries data");
      return false;
    }
    return true;
  }

  bool ReadFile(const std::string& raw, const std::string& rel, archive_entry* entry) {
    bool payload = bundle_format::IsPayload(rel);
    std::uint64_t limit = payload ? limits_.max_member : limits_.max_tag_file;
    std::string limit_reason = payload ? "the " + MiB(limit) + " limit for a member"
                                       : "the " + MiB(limit) + " limit for a tag file";
    if (payload) {
      if (auto it = declared_.item_sizes.find(rel);
          it != declared_.item_sizes.end() && it->second < limit) {
        limit = it->second;
        limit_reason = "the " + std::to_string(limit) + " bytes evidence/items.json declares";
      }
    }
    if (archive_entry_size_is_set(entry)) {
      auto header_size =
          static_cast<std::uint64_t>(std::max<la_int64_t>(0, archive_entry_size(entry)));
      if (header_size > limit) {
        Refuse(raw,
               "its header says " + std::to_string(header_size) + " bytes, over " + limit_reason);
        return false;
      }
      // A zip member may inflate to more than its headers say; what they say is the limit.
      limit = header_size;
      limit_reason = "the " + std::to_string(header_size) + " bytes its header declares";
    }
    Sha256 hash;
    std::string content;
    std::uint64_t size = 0;
    SinkMember sink(payload ? sink_ : nullptr, &sink_status_);
    if (!sink.Begin(rel)) return false;
    for (;;) {
      la_ssize_t n = archive_read_data(a_, buffer_.data(), buffer_.size());
      if (n == 0) break;
      if (n < 0) {
        Refuse(raw, "truncated or corrupt member: " + ArchiveError(a_));
        return false;
      }
      auto got = static_cast<std::uint64_t>(n);
      size += got;
      out_->unpacked_bytes += got;
      if (size > limit) {
        Refuse(raw,
               "more than " + limit_reason + " (stopped after " + std::to_string(size) + " bytes)");
        return false;
      }
      if (Exploded(raw)) return false;
      std::string_view block(buffer_.data(), got);
      if (payload) {
        payload_bytes_ += got;
        if (declared_.oxum_bytes && payload_bytes_ > *declared_.oxum_bytes + limits_.oxum_slack) {
          Refuse(raw, "the payload exceeds the " + std::to_string(*declared_.oxum_bytes) +
                          " bytes of bag-info.txt's Payload-Oxum by more than " +
                          MiB(limits_.oxum_slack));
          return false;
        }
        hash.Update(block);
        if (!sink.Append(block)) return false;
      } else {
        tag_bytes_ += got;
        if (tag_bytes_ > limits_.max_tag_total) {
          Refuse(raw, "tag files total more than " + MiB(limits_.max_tag_total));
          return false;
        }
        content.append(block);
      }
    }
    if (payload) {
      out_->payload[rel] = PayloadFile{DigestHex(hash.Finish()), size};
      if (!sink.End(rel)) return false;
    } else {
      LearnFromTagFile(rel, content, &declared_);
      out_->tag_files[rel] = std::move(content);
    }
    return true;
  }

  archive* a_;
  const ScanLimits& limits_;
  PayloadSink* sink_;
  Status sink_status_;
  std::vector<char> buffer_;
  ScanResult* out_ = nullptr;
  std::unordered_set<std::string> seen_;
  std::string last_path_;
  std::uint64_t path_bytes_ = 0;
  std::uint64_t payload_bytes_ = 0;
  std::uint64_t tag_bytes_ = 0;
  Declared declared_;
};

// An age-encrypted bundle is decrypted as libarchive reads it: each chunk reaches the archive
// reader only after its tag checked, and nothing is written to disk (docs/age.md "Reading").
struct AgeRead {
  UniqueFd fd;
  std::unique_ptr<AgeDecryptor> decryptor;
  Status error;

  static la_ssize_t Callback(struct archive* a, void* self, const void** buf) {
    auto* r = static_cast<AgeRead*>(self);
    auto chunk = r->decryptor->Next();
    if (!chunk.ok()) {
      r->error = chunk.status();
      archive_set_error(a, EIO, "%s", chunk.status().message().c_str());
      return -1;
    }
    *buf = chunk->data();
    return static_cast<la_ssize_t>(chunk->size());
  }
};

bool IsAgeFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(2048, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return LooksLikeAgeFile(AsBytes(head));
}

Result<std::unique_ptr<AgeRead>> OpenAge(const fs::path& file,
                                         const std::vector<AgeIdentity>& identities) {
  if (identities.empty()) {
    return Status::InvalidArgument(file.string() +
                                   ": is age-encrypted: an identity or the passphrase is needed")
        .AboutArgument("age_identities");
  }
  auto r = std::make_unique<AgeRead>();
  r->fd = UniqueFd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!r->fd) {
    return Status::InvalidArgument(file.string() +
                                   ": cannot be read: " + std::generic_category().message(errno));
  }
  auto dec = AgeDecryptor::Open(AgeInputFromFd(r->fd.get()), identities);
  if (!dec.ok()) {
    Status st = dec.status().WithContext(file.string() + ": age");
    return st.code() == StatusCode::kInvalidArgument ? st.AboutArgument("age_identities") : st;
  }
  r->decryptor = std::move(*dec);
  return r;
}

}  // namespace

Result<ScanResult> ScanArchive(const fs::path& file, const ScanLimits& limits, PayloadSink* sink,
                               const std::vector<AgeIdentity>& age_identities) {
  std::error_code ec;
  auto status = fs::status(file, ec);
  if (ec || !fs::exists(status)) {
    return Status::NotFound(file.string() + ": no such file");
  }
  if (fs::is_directory(status)) {
    return Status::InvalidArgument(file.string() + ": is a folder, not a bundle archive");
  }
  if (std::ifstream probe(file, std::ios::binary); !probe) {
    return Status::InvalidArgument(file.string() +
                                   ": cannot be read: " + std::generic_category().message(errno));
  }
  ScanResult out;
  std::unique_ptr<AgeRead> age;
  if (IsAgeFile(file)) {
    EVIDENCE_ASSIGN_OR_RETURN(age, OpenAge(file, age_identities));
  }
  if (auto count = age ? std::nullopt : ZipCentralDirectoryCount(file);
      count && *count > limits.max_members) {
    out.format = "zip";
    out.refusal =
        BundleCheck{"archive", "archive", false,
                    "refused: more than " + std::to_string(limits.max_members) +
                        " members (the zip's central directory lists " + std::to_string(*count) +
                        "); reading stopped, no further checks run"};
    return out;
  }
  Utf8Ctype utf8;  // outlives the archive handle below
  arch::ReadPtr a(archive_read_new());
  if (!a) return Status::IoError(file.string() + ": libarchive: out of memory");
  // Only what the exporter writes. For a zip, libarchive reads the central directory when it
  // can (as unzip and every desktop tool do, so we check what they will show, links included)
  // and falls back to walking the local headers, e.g. in a truncated file.
  if (archive_read_support_filter_gzip(a.get()) != ARCHIVE_OK ||
      archive_read_support_filter_none(a.get()) != ARCHIVE_OK ||
      archive_read_support_format_tar(a.get()) != ARCHIVE_OK ||
      archive_read_support_format_zip(a.get()) != ARCHIVE_OK) {
    return Status::IoError(file.string() + ": libarchive: " + ArchiveError(a.get()));
  }
  int opened = age ? archive_read_open(a.get(), age.get(), nullptr, &AgeRead::Callback, nullptr)
                   : archive_read_open_filename(a.get(), file.c_str(), 1 << 20);
  // A chunk that fails its tag is a bundle that does not verify, wherever in the file it is.
  auto age_refusal = [&]() -> std::optional<Result<ScanResult>> {
    if (!age || age->error.ok()) return std::nullopt;
    if (age->error.code() == StatusCode::kIoError) return Result<ScanResult>(age->error);
    out.refusal =
        BundleCheck{"archive", file.filename().string(), false,
                    "age: " + age->error.message() + "; reading stopped, no further checks run"};
    return Result<ScanResult>(out);
  };
  if (opened != ARCHIVE_OK) {
    if (auto r = age_refusal()) return *r;
    return Status::InvalidArgument(
        file.string() + ": not a .zip, .tar or .tar.gz bundle: " + ArchiveError(a.get()));
  }
  Scanner scanner(a.get(), limits, sink);
  std::string error;
  bool ran = scanner.Run(&out, &error);
  if (auto r = age_refusal()) return *r;
  if (!ran) {
    return Status::InvalidArgument(file.string() +
                                   ": not a .zip, .tar or .tar.gz bundle: " + error);
  }
  if (!scanner.sink_status().ok()) return scanner.sink_status();
  return out;
}

}  // namespace evidence::bundle_internal
