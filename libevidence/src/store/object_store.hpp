// The content-addressed store of originals: CASE/objects/<2 hex>/<62 hex>, read only. Every
// command reads and writes originals through it. In a plaintext case an object is named by its
// SHA-256 and holds its bytes; given the case key, the store keeps every object encrypted at rest
// (docs/case-format.md, "Encryption at rest"): named by HMAC-SHA-256 of the SHA-256 under the
// naming subkey, holding the stream AEAD's ciphertext sealed with that name as its identity.
// Either way callers speak of objects by their plaintext SHA-256 and size only. The parsers and
// the metadata sandbox get plaintext as a sealed memory file, never as a file on disk: Stage
// fills one in the same pass that hashes, PlaintextFile one from a stored object.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "case_key.hpp"
#include "evidence/hash.hpp"
#include "evidence/status.hpp"
#include "file_system.hpp"
#include "memory_file.hpp"
#include "unique_fd.hpp"

namespace evidence {

// A copy of a source file inside the case's tmp/ folder, hashed and fsynced, not yet evidence.
struct StagedObject {
  fs::path temp_path;
  Sha256Digest sha256{};
  std::uint64_t size = 0;
  // The plaintext handed out for the parsers holds only the object's first bytes: an encrypted
  // store staged a file larger than the plaintext it may hold in memory (plaintext_limit()).
  // The object itself is whole; only what is read from it now is not.
  bool plaintext_is_head = false;
};

// A staged copy, written and closed, whose sync is still to come: CommitBatch syncs it together
// with the others of its batch (group commit), or DiscardUnsynced drops it.
struct UnsyncedObject {
  StagedObject staged;
};

struct ObjectCheck {
  Sha256Digest sha256{};
  std::uint64_t size = 0;
};

// What a read of an object checks besides its length (docs/case-format.md, "What each read
// checks").
enum class ReadCheck {
  // The plaintext is hashed again and must match the object's SHA-256; in an encrypted store
  // every chunk's tag and the sealed identity are checked as well. Every read but export's.
  kRehash,
  // In an encrypted store: every chunk's tag and the sealed identity (the keyed name of the
  // SHA-256), without hashing the plaintext again. Only someone holding the case key can make a
  // stream that passes, and that key also signs the ledger. Export reads this way: its bundle's
  // manifest is checked again by whoever receives it. In a plaintext store, which has no tags,
  // the same as kRehash.
  kTagsWhereEncrypted,
};

class ObjectStore {
 public:
  // `key` (if given) encrypts every object read and written; it must outlive the store. Without
  // it the store reads and writes plaintext objects, and refuses nothing else.
  ObjectStore(fs::path case_dir, FileSystem& fs, const CaseKey* key = nullptr);

  bool encrypted() const { return key_ != nullptr; }

  // The largest file whose whole plaintext an encrypted store holds in memory for the parsers.
  // Set when the store is made from the memory the system has available, shared between the
  // files that may be staged at once (one per core, plus an export and one of its members), and
  // never below 64 MiB. LimitPlaintextInMemory changes it (tests use a small one).
  std::uint64_t plaintext_limit() const { return plaintext_limit_; }
  void LimitPlaintextInMemory(std::uint64_t bytes) { plaintext_limit_ = bytes; }

  // Copies `source` into tmp/, hashing every byte in the same pass (one read of the source, flat
  // memory) and, in an encrypted store, encrypting it in that pass too, and fsyncs the copy. Errors
  // reading the source are kInvalidArgument/kNotFound (bad input); errors writing are kIoError
  // (environment).
  //
  // With `plaintext`, the bytes staged are also put in a memory file for the parsers and the
  // metadata sandbox (memfd_create), from the very blocks that are hashed, so they are the bytes
  // of the SHA-256 recorded; it is sealed against change and rewound, and no plaintext reaches
  // the disk on the way. In a plaintext store a file over 16 MiB is not held in memory:
  // `*plaintext` is then the staged copy opened read-only, the same bytes on disk already. In an
  // encrypted store a file is held in memory until `*plaintext` is closed, up to
  // plaintext_limit(); past it `*plaintext` holds only the file's first 16 MiB and the staged
  // object says so (`plaintext_is_head`).
  Result<StagedObject> Stage(const fs::path& source, UniqueFd* plaintext = nullptr) const;

  // Like Stage, for bytes that come from elsewhere (an archive member): `producer` is called once
  // and pushes the bytes, in order, into the sink it is given. `plaintext` as for Stage.
  using Producer = std::function<Status(const std::function<Status(ByteView)>& sink)>;
  Result<StagedObject> StageFrom(const Producer& producer, UniqueFd* plaintext = nullptr) const;

  // Stage for bytes pushed in pieces by a caller that reads them itself (a received bundle's
  // payload, as libarchive hands it out): Add each block, then Finish for the staged copy,
  // hashed, encrypted in an encrypted store, and fsynced. A Stager dropped before Finish
  // removes its copy.
  // `plaintext` as for StageFrom.
  class Stager;
  Result<Stager> BeginStage(UniqueFd* plaintext = nullptr) const;

  // Stage without the fsync, for group commit. Thread-safe (one source per call).
  Result<UnsyncedObject> StageUnsynced(const fs::path& source, UniqueFd* plaintext = nullptr) const;

  // Makes a batch of staged copies durable and moves them to their content addresses: one
  // SyncFileSystem for all the copies, rename of each into place (read-only), then one more
  // SyncFileSystem for the renames. Copies whose object already exists are removed. `added`
  // receives the objects that were not there before, even on failure, so that the caller can remove
  // them when it does not record them. Every copy in `batch` is consumed.
  Status CommitBatch(std::vector<UnsyncedObject>& batch, std::vector<fs::path>* added) const;

  // Closes and removes a copy that will not be kept.
  void DiscardUnsynced(UnsyncedObject& object) const;

  // Moves a staged copy to its content address, read-only, and makes the rename durable. If the
  // object is already there, the staged copy is simply removed. `*added` (if given) is set once
  // the rename is done, even when its sync then fails, so that the caller can take it back.
  Status Commit(const StagedObject& staged, bool* added = nullptr) const;

  // Removes a staged copy that will not be kept.
  void Discard(const StagedObject& staged) const;

  // Removes an object this command added but did not record (StagedObjects does, on failure).
  void RemoveUnrecorded(const fs::path& object) const;

  fs::path PathFor(const Sha256Digest& digest) const;
  // Path relative to the case folder ("objects/ab/cd..."), for messages.
  std::string RelativePathFor(const Sha256Digest& digest) const;
  // The object's name (64 hex digits, as ListObjects gives them): its SHA-256, or in an encrypted
  // store the keyed name that does not reveal it.
  std::string NameFor(const Sha256Digest& digest) const;
  // The length of the stored file for an object of `size` bytes: `size`, or in an encrypted store
  // the exact ciphertext length.
  std::uint64_t StoredSize(std::uint64_t size) const;

  // Every read below opens the object as CheckedOpen does and refuses what is not a stored
  // original: a symbolic link (never followed, so nothing outside the case is read), a FIFO, a
  // device, a folder, or a file whose length is not StoredSize(`size`), from the length the
  // signed ledger records (so a huge or endless file is never read). Those are
  // kVerificationFailed naming the object, found with a few system calls and no read.
  // docs/case-format.md, "Objects". In an encrypted store every chunk's tag is checked before
  // its plaintext goes further, then the identity sealed at the end, then the SHA-256; each
  // failure is kVerificationFailed naming the object and the check (a chunk number, truncation,
  // or "holds the bytes of objects/..." for objects swapped).

  // Reads the object back and hashes it. kNotFound if it is missing.
  Result<ObjectCheck> Rehash(const Sha256Digest& digest, std::uint64_t size) const;

  // Streams an object's bytes to `sink` in large blocks, hashing them on the way; after the last
  // block, kVerificationFailed if the bytes no longer match `digest` (the sink has then seen bytes
  // that are not the evidence, and must discard what it made of them). kVerificationFailed too if
  // the object is missing.
  // `check` kTagsWhereEncrypted leaves the hashing out where the tags check the bytes instead.
  Status Stream(const Sha256Digest& digest, std::uint64_t size,
                const std::function<Status(ByteView)>& sink,
                ReadCheck check = ReadCheck::kRehash) const;

  // Reads a whole object into `out`, which holds exactly its recorded size, hashing it on the
  // way: the checks of Stream. For callers that hold whole objects anyway: no copy through an
  // intermediate buffer.
  Status ReadInto(const Sha256Digest& digest, std::span<std::uint8_t> out,
                  ReadCheck check = ReadCheck::kRehash) const;

  // Copies an object of `size` bytes to `dest`, checking its hash on the way; `dest` only appears
  // (by rename) when the hash matched. kVerificationFailed if the stored bytes no longer match.
  Status CopyOut(const Sha256Digest& digest, std::uint64_t size, const fs::path& dest) const;

  // The object's plaintext in an anonymous memory file (memory_file.hpp), checked as Stream
  // checks it, then sealed against any change and rewound: for a parser that needs a file,
  // without a plaintext copy on disk. It lives in memory (and may reach swap) until the
  // descriptor is closed; /proc/self/fd/N names it for code that wants a path.
  // kVerificationFailed as Stream; kIoError if the memory file cannot be made.
  Result<UniqueFd> PlaintextFile(const Sha256Digest& digest, std::uint64_t size) const;

  // Names (64 hex digits) of every object present, and files in tmp/ left by interrupted commands.
  Result<std::vector<std::string>> ListObjects() const;
  std::vector<fs::path> LeftoverTempFiles() const;

 private:
  // Copies `source` into tmp/ (hashing in the same pass), fsyncs the copy if `sync`, closes it.
  Result<UnsyncedObject> CopyIn(const fs::path& source, bool sync, UniqueFd* plaintext) const;
  // The memory file a Stage* call fills when the caller asked for `plaintext`, and its end:
  // sealed into `*plaintext`, or the staged copy opened read-only when it passed the limit.
  Result<std::optional<MemoryFile>> StartPlaintextCopy(UniqueFd* plaintext) const;
  Status FinishPlaintextCopy(std::optional<MemoryFile>& copy, StagedObject& staged,
                             UniqueFd* plaintext) const;
  // Writes one object's bytes into `file` as they come, hashing the plaintext (and encrypting it
  // in an encrypted store): Add each block, then Finish for the digest.
  class Writer;
  // ReadObject for an encrypted store: decrypts on the way.
  Status ReadEncrypted(const Sha256Digest& digest, UniqueFd in, std::uint64_t size,
                       ObjectCheck* check, const std::function<Status(ByteView)>& sink,
                       std::span<std::uint8_t> into, ReadCheck how) const;
  // Opens the object for reading without following a symbolic link anywhere below the case
  // folder and without blocking, then requires a regular file of `size` bytes. kNotFound if it
  // is missing, kVerificationFailed if it is something else.
  Result<UniqueFd> CheckedOpen(const Sha256Digest& digest, std::uint64_t size) const;
  // Reads and hashes an object of `size` bytes, passing each block to `sink` (if any); the
  // first bytes go straight into `into` (if not empty).
  Status ReadObject(const Sha256Digest& digest, std::uint64_t size, ObjectCheck* check,
                    const std::function<Status(ByteView)>& sink, std::span<std::uint8_t> into,
                    ReadCheck how = ReadCheck::kRehash) const;
  // The result of a read that must match `digest`: a missing or changed object is
  // kVerificationFailed.
  Status CheckedRead(const Sha256Digest& digest, const ObjectCheck* check, Status read) const;
  fs::path case_dir_;
  FileSystem& fs_;
  const CaseKey* key_;
  std::uint64_t plaintext_limit_;
};

class ObjectStore::Stager {
 public:
  Stager(Stager&&) noexcept;
  Stager& operator=(Stager&&) = delete;
  ~Stager();
  Status Add(ByteView block);
  // The staged copy, now the caller's to commit or discard. The Stager is spent either way.
  Result<StagedObject> Finish();

 private:
  friend class ObjectStore;
  struct State;
  explicit Stager(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

// The objects one command adds, taken back unless the transaction that records them commits:
// a failed ingest or receive leaves the store as it was. Every command that adds objects holds
// one (ingest, the batched ingest, receive); it is the only code that removes an object.
//
//   StagedObjects added(store);
//   added.Hold(staged);                     // discarded at the end, committed or not
//   EVIDENCE_RETURN_IF_ERROR(added.Commit(staged));
//   ... record the rows, in a transaction ...
//   added.Keep();                           // just before COMMIT is sent
class StagedObjects {
 public:
  explicit StagedObjects(const ObjectStore& store) : store_(store) {}
  StagedObjects(const StagedObjects&) = delete;
  StagedObjects& operator=(const StagedObjects&) = delete;
  // Discards every held copy; removes every object added, unless Keep() was called.
  ~StagedObjects();

  // A staged copy to discard when this guard ends (a no-op for one that was committed).
  void Hold(const StagedObject& staged) { held_.push_back(staged); }
  // ObjectStore::Commit, remembering the object if it was not in the store before.
  Status Commit(const StagedObject& staged);
  // ObjectStore::CommitBatch, remembering the objects it added (also on failure).
  Status CommitBatch(std::vector<UnsyncedObject>& batch);
  // Keeps the objects added: the rows that name them are committed, or their COMMIT was sent
  // (whose outcome is unknown if it fails: SQLite may recover the commit frame on the next open,
  // so the objects stay; if it did not commit, `verify` reports them as leftovers).
  void Keep() { added_.clear(); }

 private:
  const ObjectStore& store_;
  std::vector<StagedObject> held_;
  std::vector<fs::path> added_;
};

}  // namespace evidence
