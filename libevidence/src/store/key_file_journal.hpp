// Replacing several files in keys/ together (`key passphrase` re-wraps the signing key files and
// the case key file), so that a crash or SIGKILL at any step leaves key files that all open with
// the old passphrase or all with the new one, never a mix (docs/key-file.md, "Changing the
// passphrase"). The commit point is one durable file, keys/key-change.journal, that lists the new
// texts by their SHA-256; whoever opens the case next finishes a change that has one and discards
// one that does not.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "evidence/status.hpp"
#include "file_system.hpp"
#include "sqlite_util.hpp"

namespace evidence {

// One file of keys/ and the text it is to hold. `name` is a bare file name: NAME.key or
// case-key.sealed.
struct KeyFileReplacement {
  std::string name;
  std::string text;
};

// The journal's path (CASE/keys/key-change.journal).
std::filesystem::path KeyChangeJournalPath(const std::filesystem::path& case_dir);

// Replaces the files in one crash-safe step: each text is written and fsynced beside its file as
// NAME.new, then the journal is written atomically (from here on the change is committed), each
// .new is renamed over its file, and the journal is removed. The caller holds the ledger's write
// lock (a Transaction on the case's database), which is what keeps a concurrent open from
// finishing or discarding a change half made. A change left over by an earlier crash is finished
// first. kInvalidArgument for a name that is not a key file's; I/O errors from `fs`. An error
// before the commit point leaves the old files in force; one after it says so, and the next open
// finishes the change.
Status ReplaceKeyFilesLocked(FileSystem& fs, const std::filesystem::path& case_dir,
                             const std::vector<KeyFileReplacement>& files);

// Finishes (with a journal) or discards (.new files without one) a change that a crash
// interrupted, taking the write lock of `db` only when keys/ shows one. Cheap when there is
// nothing to do: one listing of keys/. kCorruption, changing nothing, when the journal is damaged
// or a file it lists holds neither the old nor the journal's text in a way that can be finished
// (the message names the file); kBusy when another writer holds the lock too long.
Status FinishKeyFileChange(sql::Database& db, FileSystem& fs,
                           const std::filesystem::path& case_dir);

}  // namespace evidence
