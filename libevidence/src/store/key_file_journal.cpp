#include "key_file_journal.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <system_error>

#include "evidence/hash.hpp"
#include "evidence/small_file.hpp"
#include "passphrase_seal.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "evidence-key-change v1";
constexpr std::string_view kJournalName = "key-change.journal";
constexpr std::string_view kNewSuffix = ".new";
// Key files and the journal are small; anything larger was not written by us.
constexpr std::size_t kMaxFileSize = 64 * 1024;

fs::path KeysDir(const fs::path& case_dir) { return case_dir / "keys"; }

// A key file's bare name: NAME.key or case-key.sealed, of the characters key names may hold, so
// that a journal edited by someone else cannot lead a rename out of keys/.
bool IsKeyFileName(std::string_view name) {
  if (name.empty() || name.size() > 200 || name.front() == '.') return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  if (name.find("..") != std::string_view::npos) return false;
  return name == "case-key.sealed" || (name.size() > 4 && name.ends_with(".key"));
}

struct JournalEntry {
  std::string name;
  std::string sha256;  // hex of the new text
};

std::string JournalText(const std::vector<KeyFileReplacement>& files) {
  std::string text = std::string(kMagic) + "\n";
  for (const auto& f : files) {
    text += "file: " + f.name + " " + DigestHex(Sha256::Of(std::string_view(f.text))) + "\n";
  }
  text += seal::ChecksumLine(text);
  return text;
}

// The journal's entries, each line checked (kCorruption "journal: what is wrong").
Result<std::vector<JournalEntry>> ParseJournal(std::string_view text) {
  const std::size_t checksum_at = text.rfind("checksum: ");
  if (checksum_at == std::string_view::npos ||
      seal::ChecksumLine(text.substr(0, checksum_at)) != text.substr(checksum_at)) {
    return Status::Corruption("checksum mismatch: the file is damaged or was edited");
  }
  std::string_view body = text.substr(0, checksum_at);
  std::vector<JournalEntry> out;
  bool first = true;
  while (!body.empty()) {
    const std::size_t nl = body.find('\n');
    if (nl == std::string_view::npos) return Status::Corruption("a line without its newline");
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl + 1);
    if (first) {
      if (line != kMagic) return Status::Corruption("not an evidence key change journal");
      first = false;
      continue;
    }
    if (!line.starts_with("file: ")) return Status::Corruption("unexpected line");
    line.remove_prefix(6);
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return Status::Corruption("a file line without its hash");
    JournalEntry e{std::string(line.substr(0, sp)), std::string(line.substr(sp + 1))};
    if (!IsKeyFileName(e.name)) return Status::Corruption("not a key file name: " + e.name);
    auto hash = DigestFromHex(e.sha256);
    if (!hash.ok() || DigestHex(*hash) != e.sha256)
      return Status::Corruption(e.name + ": the hash is malformed");
    for (const auto& seen : out) {
      if (seen.name == e.name) return Status::Corruption(e.name + ": listed twice");
    }
    out.push_back(std::move(e));
  }
  if (first) return Status::Corruption("empty");
  return out;
}

// The hex SHA-256 of a file in keys/, or nullopt when it does not exist. A file we cannot hold
// (a FIFO, a link to /dev/zero, too large) is kCorruption.
Result<std::optional<std::string>> FileHash(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(path, ec))) return std::optional<std::string>();
  auto text = ReadSmallFile(path, kMaxFileSize);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kInvalidArgument) {
      return Status::Corruption(text.status().message());
    }
    return text.status();
  }
  return std::optional<std::string>(DigestHex(Sha256::Of(std::string_view(*text))));
}

// Rolls a committed change forward: every listed file gets the text the journal names, taken from
// its .new file unless an earlier attempt already renamed it. Everything is checked before
// anything is renamed, so a damaged journal or .new file changes nothing.
Status RollForward(FileSystem& fs, const fs::path& case_dir, const fs::path& journal) {
  auto text = ReadSmallFile(journal, kMaxFileSize);
  if (!text.ok()) return Status::Corruption(text.status().message());
  auto entries = ParseJournal(*text);
  if (!entries.ok()) return entries.status().WithContext(journal.string());
  std::vector<std::string> to_rename;
  for (const JournalEntry& e : *entries) {
    const fs::path target = KeysDir(case_dir) / e.name;
    const fs::path fresh = KeysDir(case_dir) / (e.name + std::string(kNewSuffix));
    EVIDENCE_ASSIGN_OR_RETURN(std::optional<std::string> fresh_hash, FileHash(fresh));
    if (fresh_hash) {
      if (*fresh_hash != e.sha256) {
        return Status::Corruption(fresh.string() + ": does not hold the text " + journal.string() +
                                  " lists; the passphrase change cannot be finished");
      }
      to_rename.push_back(e.name);
      continue;
    }
    EVIDENCE_ASSIGN_OR_RETURN(std::optional<std::string> target_hash, FileHash(target));
    if (target_hash != e.sha256) {
      return Status::Corruption(target.string() + ": holds neither the text " + journal.string() +
                                " lists nor a " + std::string(kNewSuffix) +
                                " file with it; the passphrase change cannot be finished");
    }
  }
  for (const std::string& name : to_rename) {
    const fs::path target = KeysDir(case_dir) / name;
    EVIDENCE_RETURN_IF_ERROR(fs.Rename(target.string() + std::string(kNewSuffix), target));
  }
  EVIDENCE_RETURN_IF_ERROR(fs.SyncDir(KeysDir(case_dir)));
  EVIDENCE_RETURN_IF_ERROR(fs.Remove(journal));
  return fs.SyncDir(KeysDir(case_dir));
}

// What a crash can leave in keys/: the journal, .new files, and the journal's own temporary file.
struct Leftovers {
  bool journal = false;
  std::vector<fs::path> uncommitted;  // .new files and journal temporaries
  bool any() const { return journal || !uncommitted.empty(); }
};

Leftovers FindLeftovers(const fs::path& case_dir) {
  Leftovers out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(KeysDir(case_dir), ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name == kJournalName) {
      out.journal = true;
    } else if (name.starts_with(std::string(kJournalName) + ".tmp-") ||
               (name.ends_with(kNewSuffix) &&
                IsKeyFileName(std::string_view(name).substr(0, name.size() - kNewSuffix.size())))) {
      out.uncommitted.push_back(it->path());
    }
  }
  std::sort(out.uncommitted.begin(), out.uncommitted.end());
  return out;
}

// Finishes or discards what FindLeftovers found; the caller holds the write lock.
Status FinishLocked(FileSystem& fs, const fs::path& case_dir) {
  Leftovers left = FindLeftovers(case_dir);
  if (left.journal) {
    EVIDENCE_RETURN_IF_ERROR(RollForward(fs, case_dir, KeyChangeJournalPath(case_dir)));
    left = FindLeftovers(case_dir);
  }
  if (left.uncommitted.empty()) return Status::Ok();
  // Without a journal the change never committed: its .new files are only a draft.
  for (const fs::path& p : left.uncommitted) EVIDENCE_RETURN_IF_ERROR(fs.Remove(p));
  return fs.SyncDir(KeysDir(case_dir));
}

Status WriteSynced(FileSystem& fs, const fs::path& path, std::string_view text) {
  EVIDENCE_ASSIGN_OR_RETURN(auto file, fs.NewWritableFile(path, 0600));
  EVIDENCE_RETURN_IF_ERROR(file->Append(AsBytes(text)));
  EVIDENCE_RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

}  // namespace

fs::path KeyChangeJournalPath(const fs::path& case_dir) {
  return KeysDir(case_dir) / std::string(kJournalName);
}

Status ReplaceKeyFilesLocked(FileSystem& fs, const fs::path& case_dir,
                             const std::vector<KeyFileReplacement>& files) {
  for (const auto& f : files) {
    if (!IsKeyFileName(f.name)) {
      return Status::InvalidArgument("replace key files: not a key file name: " + f.name);
    }
  }
  EVIDENCE_RETURN_IF_ERROR(FinishLocked(fs, case_dir));
  const fs::path keys = KeysDir(case_dir);
  const fs::path journal = KeyChangeJournalPath(case_dir);
  // Before the commit point every failure removes the drafts, so the old files stay in force.
  auto discard = [&](const Status& why) {
    for (const auto& f : files) (void)fs.Remove(keys / (f.name + std::string(kNewSuffix)));
    (void)fs.SyncDir(keys);
    return why;
  };
  for (const auto& f : files) {
    Status s = WriteSynced(fs, keys / (f.name + std::string(kNewSuffix)), f.text);
    if (!s.ok()) return discard(s);
  }
  if (Status s = fs.SyncDir(keys); !s.ok()) return discard(s);
  if (Status s = WriteFileAtomically(fs, journal, JournalText(files), 0600); !s.ok()) {
    // The journal may have been renamed into place before the step that failed: only once it is
    // gone again are the drafts safe to remove.
    if (fs.Remove(journal).ok() && fs.SyncDir(keys).ok()) return discard(s);
    return s.WithContext(
        "the passphrase change was committed but not finished; the next command that opens the "
        "case finishes it");
  }
  if (Status s = FinishLocked(fs, case_dir); !s.ok()) {
    return s.WithContext(
        "the passphrase change was committed but not finished; the next command that opens the "
        "case finishes it");
  }
  return Status::Ok();
}

Status FinishKeyFileChange(sql::Database& db, FileSystem& fs, const fs::path& case_dir) {
  if (!FindLeftovers(case_dir).any()) return Status::Ok();
  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(db));
  // Looked at again under the lock: the change seen may have been one in progress, now done.
  return FinishLocked(fs, case_dir);
}

}  // namespace evidence
