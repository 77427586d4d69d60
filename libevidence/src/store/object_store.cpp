#include "object_store.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <new>
#include <optional>
#include <random>
#include <thread>

#include "available_memory.hpp"
#include "memory_file.hpp"
#include "status_macros.hpp"
#include "stream_aead.hpp"
#include "unique_fd.hpp"

namespace evidence {

namespace {

// Large blocks keep syscalls and hashing efficient while memory stays flat whatever the file size.
constexpr size_t kBlockSize = 1 << 20;

// The largest plaintext a plaintext store copies into memory for the parsers; beyond it they read
// the staged copy, which is the same plaintext on disk already. Big enough for photos, voice notes
// and chats, so that most ingests take the path of an encrypted case; small enough that a video
// does not pay for a copy it does not need (the copy added about a third to the ingest of a
// 200 MiB file, docs/performance.md). An encrypted store has no copy on disk to fall back on, so
// it holds a file's whole plaintext in memory up to a limit set by the memory available, and past
// that limit the first 16 MiB only: enough for the file's type (docs/architecture.md, "Plaintext
// for the parsers").
constexpr std::uint64_t kPlaintextInMemoryLimit = 16u << 20;
constexpr std::uint64_t kPlaintextHead = kPlaintextInMemoryLimit;
constexpr std::uint64_t kMinimumPlaintextLimit = 64u << 20;
// Where the available memory cannot be read.
constexpr std::uint64_t kDefaultPlaintextLimit = 1u << 30;

// The encrypted store's limit: the available memory shared between every file that may be held
// at once (one per ingest worker, plus an export and one of its media members), so that staging
// never pushes the system into swapping plaintext out, or into killing us.
std::uint64_t EncryptedPlaintextLimit() {
  std::optional<std::uint64_t> available = AvailableMemory();
  if (!available) return kDefaultPlaintextLimit;
  std::uint64_t at_once = std::max(1u, std::thread::hardware_concurrency()) + 2;
  return std::max(kMinimumPlaintextLimit, *available / at_once);
}

// Reading a source the user named: failures are about their input, not our environment.
Status SourceStatus(int err, const fs::path& path, std::string_view what) {
  Status s = ErrnoStatus(err, path, what);
  if (s.code() == StatusCode::kIoError && err != EIO) {
    return Status::InvalidArgument(s.message());
  }
  return s;
}

// One block buffer per thread, reused for every file: no allocation, zero-fill or page faults
// per file.
std::uint8_t* BlockBuffer() {
  thread_local std::unique_ptr<std::uint8_t[]> buf(new std::uint8_t[kBlockSize]);
  return buf.get();
}

// Unique among the files of this process and, with a 64-bit random part, of any other process
// staging into the same case (creation is O_EXCL in any case). A generator per thread, seeded
// once: a std::random_device per name cost a few percent of small-file ingest.
fs::path TempName(const fs::path& dir) {
  thread_local std::mt19937_64 gen{(std::uint64_t{std::random_device{}()} << 32) ^
                                   std::random_device{}()};
  return dir / ("ingest-" + std::to_string(gen()) + ".part");
}

// True when `dest` holds a regular file of `size` bytes, so that a new copy of the same bytes
// is not needed. A link, FIFO or file of another length put at that address is not taken for the
// object: the copy is renamed over it.
bool AlreadyStored(const fs::path& dest, std::uint64_t size) {
  struct stat st;
  return ::lstat(dest.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         static_cast<std::uint64_t>(st.st_size) == size;
}

// The keyed name of an object: HMAC-SHA-256 of its SHA-256 under the naming subkey, so a file
// name says nothing about the content to someone without the case key. HMAC fails only when
// OpenSSL cannot allocate, which is an allocation failure like any other here.
stream_aead::Identity KeyedName(const CaseKey& key, const Sha256Digest& digest) {
  auto mac = HmacSha256(key.object_naming(), digest);
  if (!mac.ok()) throw std::bad_alloc();
  return *mac;
}

std::string RelativePathOfName(const std::string& hex) {
  return "objects/" + hex.substr(0, 2) + "/" + hex.substr(2);
}

}  // namespace

ObjectStore::ObjectStore(fs::path case_dir, FileSystem& fs, const CaseKey* key)
    : case_dir_(std::move(case_dir)),
      fs_(fs),
      key_(key),
      plaintext_limit_(key != nullptr ? EncryptedPlaintextLimit() : kPlaintextInMemoryLimit) {}

fs::path ObjectStore::PathFor(const Sha256Digest& digest) const {
  return case_dir_ / RelativePathFor(digest);
}

std::string ObjectStore::RelativePathFor(const Sha256Digest& digest) const {
  return RelativePathOfName(NameFor(digest));
}

std::string ObjectStore::NameFor(const Sha256Digest& digest) const {
  if (key_ == nullptr) return DigestHex(digest);
  return HexEncode(KeyedName(*key_, digest));
}

std::uint64_t ObjectStore::StoredSize(std::uint64_t size) const {
  return key_ == nullptr ? size : stream_aead::CiphertextSize(size);
}

// One object's bytes on their way into a staged file: the plaintext hashed and counted, and in an
// encrypted store encrypted before it reaches the file. The keyed name, which is the ciphertext's
// identity, is known only once the last byte is hashed, which is why the stream seals its
// identity at the end.
class ObjectStore::Writer {
 public:
  // `copy` (if given) receives the plaintext too, from the blocks that are hashed.
  static Result<Writer> Start(const CaseKey* key, WritableFile* file, MemoryFile* copy) {
    Writer w(key, file, copy);
    if (key != nullptr) {
      EVIDENCE_ASSIGN_OR_RETURN(
          StreamEncryptor enc,
          StreamEncryptor::Start(key->object_encryption(),
                                 [file](ByteView sealed) { return file->Append(sealed); }));
      w.encryptor_.emplace(std::move(enc));
    }
    return w;
  }

  Status Add(ByteView chunk) {
    hasher_.Update(chunk);
    size_ += chunk.size();
    if (copy_ != nullptr) EVIDENCE_RETURN_IF_ERROR(copy_->Append(chunk));
    if (encryptor_) return encryptor_->Update(chunk);
    return file_->Append(chunk);
  }

  // The plaintext's SHA-256, after the last bytes (and the sealed identity) reached the file.
  Result<Sha256Digest> Finish() {
    Sha256Digest digest = hasher_.Finish();
    if (encryptor_) EVIDENCE_RETURN_IF_ERROR(encryptor_->Finish(KeyedName(*key_, digest)));
    return digest;
  }

  std::uint64_t size() const { return size_; }

 private:
  Writer(const CaseKey* key, WritableFile* file, MemoryFile* copy)
      : key_(key), file_(file), copy_(copy) {}
  const CaseKey* key_;
  WritableFile* file_;
  MemoryFile* copy_;
  Sha256 hasher_;
  std::uint64_t size_ = 0;
  std::optional<StreamEncryptor> encryptor_;
};

Result<StagedObject> ObjectStore::Stage(const fs::path& source, UniqueFd* plaintext) const {
  EVIDENCE_ASSIGN_OR_RETURN(UnsyncedObject u, CopyIn(source, /*sync=*/true, plaintext));
  return u.staged;
}

Result<UnsyncedObject> ObjectStore::StageUnsynced(const fs::path& source,
                                                  UniqueFd* plaintext) const {
  return CopyIn(source, /*sync=*/false, plaintext);
}

Result<std::optional<MemoryFile>> ObjectStore::StartPlaintextCopy(UniqueFd* plaintext) const {
  if (plaintext == nullptr) return std::optional<MemoryFile>();
  // A plaintext store drops a copy past its limit (the staged copy is the same bytes); an
  // encrypted one has nothing to fall back on and keeps the head.
  EVIDENCE_ASSIGN_OR_RETURN(
      MemoryFile copy, MemoryFile::Create(plaintext_limit_, key_ != nullptr ? kPlaintextHead : 0));
  return std::optional<MemoryFile>(std::move(copy));
}

Status ObjectStore::FinishPlaintextCopy(std::optional<MemoryFile>& copy, StagedObject& staged,
                                        UniqueFd* plaintext) const {
  if (!copy) return Status::Ok();
  staged.plaintext_is_head = copy->truncated();
  EVIDENCE_ASSIGN_OR_RETURN(*plaintext, copy->Seal());
  if (*plaintext) return Status::Ok();
  // Over the limit, in a plaintext store only: the staged copy holds the same bytes.
  plaintext->reset(::open(staged.temp_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!*plaintext) return ErrnoStatus(errno, staged.temp_path, "cannot read");
  return Status::Ok();
}

Result<UnsyncedObject> ObjectStore::CopyIn(const fs::path& source, bool sync,
                                           UniqueFd* plaintext) const {
  UniqueFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return SourceStatus(errno, source, "cannot read");
  struct stat st;
  if (::fstat(in.get(), &st) != 0) return SourceStatus(errno, source, "cannot read");
  if (S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(source.string() + ": is a folder (use -r to add folders)");
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(source.string() + ": not a regular file");
  }
  ::posix_fadvise(in.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  UnsyncedObject u;
  u.staged.temp_path = TempName(case_dir_ / "tmp");
  // Read-only from the start (the descriptor still writes): the object's final mode without a
  // chmod per file at commit.
  EVIDENCE_ASSIGN_OR_RETURN(std::optional<MemoryFile> copy, StartPlaintextCopy(plaintext));
  EVIDENCE_ASSIGN_OR_RETURN(auto file, fs_.NewWritableFile(u.staged.temp_path, 0444));
  Status s = [&]() -> Status {
    EVIDENCE_ASSIGN_OR_RETURN(Writer writer,
                              Writer::Start(key_, file.get(), copy ? &*copy : nullptr));
    std::uint8_t* buf = BlockBuffer();
    for (;;) {
      ssize_t n = ::read(in.get(), buf, kBlockSize);
      if (n < 0) {
        if (errno == EINTR) continue;
        return SourceStatus(errno, source, "cannot read");
      }
      if (n == 0) break;
      EVIDENCE_RETURN_IF_ERROR(writer.Add(ByteView(buf, static_cast<size_t>(n))));
    }
    u.staged.size = writer.size();
    EVIDENCE_ASSIGN_OR_RETURN(u.staged.sha256, writer.Finish());
    return Status::Ok();
  }();
  if (s.ok() && sync) s = file->Sync();
  // Closed now even when the sync is the batch's (syncfs needs no descriptor): a worker may stage
  // hundreds of files ahead of the batch being committed.
  if (s.ok()) s = file->Close();
  if (s.ok()) s = FinishPlaintextCopy(copy, u.staged, plaintext);
  if (!s.ok()) {
    file.reset();
    DiscardUnsynced(u);
    return s;
  }
  // Large copies start their writeback now, while the worker goes on to the next file, so that
  // the batch's sync later finds little left to write. Small ones are left to that sync.
  if (!sync && u.staged.size >= kBlockSize) {
    int fd = ::open(u.staged.temp_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      (void)::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
      ::close(fd);
    }
  }
  return u;
}

void ObjectStore::DiscardUnsynced(UnsyncedObject& object) const {
  (void)fs_.Remove(object.staged.temp_path);
}

Status ObjectStore::CommitBatch(std::vector<UnsyncedObject>& batch,
                                std::vector<fs::path>* added) const {
  // Syncing every copy first, then renaming, keeps the rule of Commit: an object only ever
  // appears under its address with its bytes durable. One syncfs per batch rather than an fsync
  // per copy and per objects/xx folder: on ext4 each fsync of a fresh file is a separate
  // writeback and inode write that the disk makes us wait for, and a batch of 256 small files
  // paid for about 400 of them (docs/performance.md, small-file ingest).
  Status s = Status::Ok();
  if (!batch.empty()) s = fs_.SyncFileSystem(case_dir_);
  for (auto& u : batch) {
    if (!s.ok()) {
      DiscardUnsynced(u);
      continue;
    }
    fs::path dest = PathFor(u.staged.sha256);
    std::error_code ec;
    if (AlreadyStored(dest, StoredSize(u.staged.size))) {
      (void)fs_.Remove(u.staged.temp_path);
      continue;
    }
    fs::path folder = dest.parent_path();
    if (!fs::exists(folder, ec)) s = fs_.CreateDir(folder, 0755);
    if (s.ok()) s = fs_.Rename(u.staged.temp_path, dest);
    if (!s.ok()) {
      (void)fs_.Remove(u.staged.temp_path);
      continue;
    }
    added->push_back(dest);
  }
  batch.clear();
  EVIDENCE_RETURN_IF_ERROR(s);
  // The renames and any new objects/xx folders, before the caller commits rows that name them.
  if (!added->empty()) return fs_.SyncFileSystem(case_dir_);
  return Status::Ok();
}

struct ObjectStore::Stager::State {
  const ObjectStore* store;
  StagedObject staged;
  std::optional<MemoryFile> copy;  // the plaintext for the parsers, when asked for
  UniqueFd* plaintext = nullptr;   // where it goes
  std::unique_ptr<WritableFile> out;
  std::optional<Writer> writer;  // writes into `out` (and `copy`)
  ~State() {
    if (out == nullptr) return;  // finished
    writer.reset();
    out.reset();
    (void)store->fs_.Remove(staged.temp_path);
  }
};

ObjectStore::Stager::Stager(std::unique_ptr<State> state) : s_(std::move(state)) {}
ObjectStore::Stager::Stager(Stager&&) noexcept = default;
ObjectStore::Stager::~Stager() = default;

Status ObjectStore::Stager::Add(ByteView block) {
  if (!s_ || !s_->writer) return Status::InvalidArgument("object stager: already finished");
  return s_->writer->Add(block);
}

Result<StagedObject> ObjectStore::Stager::Finish() {
  if (!s_ || !s_->writer) return Status::InvalidArgument("object stager: already finished");
  std::unique_ptr<State> state = std::move(s_);  // removes the copy on any error below
  state->staged.size = state->writer->size();
  EVIDENCE_ASSIGN_OR_RETURN(state->staged.sha256, state->writer->Finish());
  EVIDENCE_RETURN_IF_ERROR(state->out->Sync());
  EVIDENCE_RETURN_IF_ERROR(state->out->Close());
  EVIDENCE_RETURN_IF_ERROR(
      state->store->FinishPlaintextCopy(state->copy, state->staged, state->plaintext));
  state->out.reset();
  return state->staged;
}

Result<ObjectStore::Stager> ObjectStore::BeginStage(UniqueFd* plaintext) const {
  auto state = std::make_unique<Stager::State>();
  state->store = this;
  state->plaintext = plaintext;
  state->staged.temp_path = TempName(case_dir_ / "tmp");
  EVIDENCE_ASSIGN_OR_RETURN(state->copy, StartPlaintextCopy(plaintext));
  EVIDENCE_ASSIGN_OR_RETURN(state->out, fs_.NewWritableFile(state->staged.temp_path, 0444));
  EVIDENCE_ASSIGN_OR_RETURN(
      Writer writer, Writer::Start(key_, state->out.get(), state->copy ? &*state->copy : nullptr));
  state->writer.emplace(std::move(writer));
  return Stager(std::move(state));
}

Result<StagedObject> ObjectStore::StageFrom(const Producer& producer, UniqueFd* plaintext) const {
  EVIDENCE_ASSIGN_OR_RETURN(Stager stager, BeginStage(plaintext));
  EVIDENCE_RETURN_IF_ERROR(producer([&](ByteView chunk) { return stager.Add(chunk); }));
  return stager.Finish();
}

Status ObjectStore::Commit(const StagedObject& staged, bool* added) const {
  fs::path dest = PathFor(staged.sha256);
  if (AlreadyStored(dest, StoredSize(staged.size))) {
    Discard(staged);
    return Status::Ok();
  }
  EVIDENCE_RETURN_IF_ERROR(fs_.CreateDir(dest.parent_path(), 0755));
  EVIDENCE_RETURN_IF_ERROR(fs_.Rename(staged.temp_path, dest));
  if (added != nullptr) *added = true;
  EVIDENCE_RETURN_IF_ERROR(fs_.SyncDir(dest.parent_path()));
  return fs_.SyncDir(case_dir_ / "objects");
}

void ObjectStore::Discard(const StagedObject& staged) const { (void)fs_.Remove(staged.temp_path); }

void ObjectStore::RemoveUnrecorded(const fs::path& object) const {
  std::error_code ec;
  // Objects are read-only; the folder goes too only if it is now empty (it was made for it).
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add, ec);
  (void)fs_.Remove(object);
  fs::remove(object.parent_path(), ec);
}

StagedObjects::~StagedObjects() {
  for (const auto& staged : held_) store_.Discard(staged);
  for (const auto& object : added_) store_.RemoveUnrecorded(object);
}

Status StagedObjects::Commit(const StagedObject& staged) {
  bool added = false;
  Status st = store_.Commit(staged, &added);
  if (added) added_.push_back(store_.PathFor(staged.sha256));
  return st;
}

Status StagedObjects::CommitBatch(std::vector<UnsyncedObject>& batch) {
  return store_.CommitBatch(batch, &added_);
}

namespace {

// What a file that should be a stored original turned out to be.
std::string KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISREG(mode)) return "a file";
  return "of an unknown kind";
}

// Opens `name` in the folder `dir` (or the path `name` when `dir` is AT_FDCWD) without following
// a final symbolic link and without blocking (a FIFO would otherwise wait for a writer).
int OpenNoFollow(int dir, const char* name, int flags) {
  int fd;
  do {
    fd = ::openat(dir, name, flags | O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

}  // namespace

Result<UniqueFd> ObjectStore::CheckedOpen(const Sha256Digest& digest, std::uint64_t size) const {
  // Component by component below the case folder: O_NOFOLLOW alone only guards the last one,
  // and objects/ or objects/XX replaced by a link would lead out of the case.
  const std::string rel = RelativePathFor(digest);
  const std::string hex = NameFor(digest);
  const std::string parts[] = {"objects", hex.substr(0, 2), hex.substr(2)};
  const std::string shown[] = {"objects", "objects/" + parts[1], rel};
  UniqueFd dir(OpenNoFollow(AT_FDCWD, case_dir_.c_str(), O_DIRECTORY));
  if (!dir) return ErrnoStatus(errno, case_dir_, "cannot open");
  UniqueFd fd;
  for (int i = 0; i < 3; ++i) {
    fd.reset(OpenNoFollow(dir.get(), parts[i].c_str(), i < 2 ? O_DIRECTORY : 0));
    if (!fd) {
      int err = errno;
      if (err == ENOENT) return Status::NotFound(rel + " is missing");
      // Linux says ENOTDIR rather than ELOOP for a link opened as a folder: look at the entry.
      struct stat st;
      if ((err == ELOOP || err == ENOTDIR) &&
          ::fstatat(dir.get(), parts[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode)) {
          return Status::VerificationFailed(shown[i] +
                                            " is a symbolic link (the case never follows one)");
        }
        return Status::VerificationFailed(shown[i] + " is " + KindOf(st.st_mode) +
                                          (i < 2 ? ", not a folder" : ", not a stored original"));
      }
      return ErrnoStatus(err, case_dir_ / shown[i], "cannot read");
    }
    if (i < 2) dir = std::move(fd);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(errno, PathFor(digest), "cannot read");
  if (!S_ISREG(st.st_mode)) {
    return Status::VerificationFailed(rel + " is " + KindOf(st.st_mode) +
                                      ", not a stored original");
  }
  if (key_ != nullptr && static_cast<std::uint64_t>(st.st_size) != StoredSize(size)) {
    return Status::VerificationFailed(
        rel + " is " + std::to_string(st.st_size) + " bytes, not the " +
        std::to_string(StoredSize(size)) + " that encrypting the " + std::to_string(size) +
        " bytes recorded gives (" +
        (static_cast<std::uint64_t>(st.st_size) < StoredSize(size) ? "truncated" : "bytes added") +
        ")");
  }
  if (static_cast<std::uint64_t>(st.st_size) != StoredSize(size)) {
    return Status::VerificationFailed(rel + " is " + std::to_string(st.st_size) +
                                      " bytes, not the " + std::to_string(size) +
                                      " recorded (its bytes were changed)");
  }
  // Reads block from here on, as reads of a regular file always do.
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    return ErrnoStatus(errno, PathFor(digest), "cannot read");
  }
  return fd;
}

// Reads the object named `digest` in large blocks into `sink`, hashing every byte on the way.
// A missing object is kNotFound; `check` gets the digest and size of what was read.
Status ObjectStore::ReadObject(const Sha256Digest& digest, std::uint64_t size, ObjectCheck* check,
                               const std::function<Status(ByteView)>& sink,
                               std::span<std::uint8_t> into, ReadCheck how) const {
  EVIDENCE_ASSIGN_OR_RETURN(UniqueFd in, CheckedOpen(digest, size));
  ::posix_fadvise(in.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  if (key_ != nullptr) return ReadEncrypted(digest, std::move(in), size, check, sink, into, how);
  fs::path path = PathFor(digest);
  Sha256 hasher;
  std::uint8_t* block = BlockBuffer();
  for (;;) {
    // Straight into the caller's buffer while it has room; anything beyond goes to the block
    // buffer, only to be hashed and counted (the caller then sees the wrong length).
    std::uint8_t* dest = block;
    std::size_t want = kBlockSize;
    if (check->size < into.size()) {
      dest = into.data() + check->size;
      want = std::min<std::size_t>(kBlockSize, into.size() - check->size);
    }
    ssize_t n = ::read(in.get(), dest, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, path, "cannot read");
    }
    if (n == 0) break;
    ByteView chunk(dest, static_cast<size_t>(n));
    hasher.Update(chunk);
    check->size += chunk.size();
    // A file that grows while it is read is not the evidence either; stop at the first block
    // past its recorded length rather than follow it.
    if (check->size > size) break;
    if (sink) EVIDENCE_RETURN_IF_ERROR(sink(chunk));
  }
  check->sha256 = hasher.Finish();
  if (check->size != size) {
    return Status::VerificationFailed(RelativePathFor(digest) +
                                      " changed length while it was read");
  }
  return Status::Ok();
}

// Decrypts the object in `in` (already opened and of the right length) block by block; the
// plaintext of each chunk whose tag checked is hashed (unless `how` leaves that to the tags),
// copied into `into` while it has room and passed to `sink`. The decryptor's errors are named
// after the object; an identity that is another object's name is named as that object.
Status ObjectStore::ReadEncrypted(const Sha256Digest& digest, UniqueFd in, std::uint64_t size,
                                  ObjectCheck* check, const std::function<Status(ByteView)>& sink,
                                  std::span<std::uint8_t> into, ReadCheck how) const {
  const std::string rel = RelativePathFor(digest);
  const std::uint64_t stored = StoredSize(size);
  const bool rehash = how == ReadCheck::kRehash;
  Sha256 hasher;
  StreamDecryptor decryptor(
      key_->object_encryption(), KeyedName(*key_, digest), [&](ByteView plain) -> Status {
        if (rehash) hasher.Update(plain);
        if (check->size < into.size()) {
          std::size_t n = std::min<std::size_t>(plain.size(), into.size() - check->size);
          std::copy(plain.begin(), plain.begin() + n, into.begin() + check->size);
        }
        check->size += plain.size();
        if (sink) return sink(plain);
        return Status::Ok();
      });
  auto named = [&](const Status& s) {
    if (s.code() != StatusCode::kVerificationFailed && s.code() != StatusCode::kUnsupported) {
      return s;
    }
    if (auto other = decryptor.other_identity()) {
      return Status::VerificationFailed(rel + " holds the bytes of " +
                                        RelativePathOfName(HexEncode(*other)) +
                                        " (objects swapped or copied over)");
    }
    return Status::VerificationFailed(rel + ": " + s.message());
  };
  std::uint8_t* block = BlockBuffer();
  std::uint64_t read = 0;
  for (;;) {
    ssize_t n = ::read(in.get(), block, kBlockSize);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, PathFor(digest), "cannot read");
    }
    if (n == 0) break;
    read += static_cast<std::uint64_t>(n);
    // A file that grows while it is read is not the evidence either.
    if (read > stored) break;
    if (Status s = decryptor.Update(ByteView(block, static_cast<size_t>(n))); !s.ok()) {
      return named(s);
    }
  }
  if (read != stored) {
    return Status::VerificationFailed(rel + " changed length while it was read");
  }
  if (Status s = decryptor.Finish(); !s.ok()) return named(s);
  // Without the re-hash, the digest the bytes stand for is the one whose keyed name the last
  // chunk sealed, which the decryptor has just checked.
  check->sha256 = rehash ? hasher.Finish() : digest;
  return Status::Ok();
}

Result<ObjectCheck> ObjectStore::Rehash(const Sha256Digest& digest, std::uint64_t size) const {
  ObjectCheck check;
  EVIDENCE_RETURN_IF_ERROR(ReadObject(digest, size, &check, nullptr, {}));
  return check;
}

Status ObjectStore::Stream(const Sha256Digest& digest, std::uint64_t size,
                           const std::function<Status(ByteView)>& sink, ReadCheck how) const {
  ObjectCheck check;
  return CheckedRead(digest, &check, ReadObject(digest, size, &check, sink, {}, how));
}

Status ObjectStore::ReadInto(const Sha256Digest& digest, std::span<std::uint8_t> out,
                             ReadCheck how) const {
  ObjectCheck check;
  return CheckedRead(digest, &check, ReadObject(digest, out.size(), &check, nullptr, out, how));
}

Status ObjectStore::CheckedRead(const Sha256Digest& digest, const ObjectCheck* check,
                                Status read) const {
  if (read.code() == StatusCode::kNotFound) {
    return Status::VerificationFailed(RelativePathFor(digest) + " is missing from the case");
  }
  EVIDENCE_RETURN_IF_ERROR(read);
  if (check->sha256 != digest) {
    return Status::VerificationFailed(RelativePathFor(digest) +
                                      " no longer matches its SHA-256; nothing was copied");
  }
  return Status::Ok();
}

Status ObjectStore::CopyOut(const Sha256Digest& digest, std::uint64_t size,
                            const fs::path& dest) const {
  fs::path tmp = dest;
  tmp += ".evidence-part";
  EVIDENCE_ASSIGN_OR_RETURN(auto out, fs_.NewWritableFile(tmp, 0644));
  Status s = Stream(digest, size, [&](ByteView chunk) { return out->Append(chunk); });
  if (s.ok()) s = out->Sync();
  if (s.ok()) s = out->Close();
  if (s.ok()) s = fs_.Rename(tmp, dest);
  if (!s.ok()) {
    out.reset();
    (void)fs_.Remove(tmp);
  }
  return s;
}

Result<UniqueFd> ObjectStore::PlaintextFile(const Sha256Digest& digest, std::uint64_t size) const {
  EVIDENCE_ASSIGN_OR_RETURN(MemoryFile copy, MemoryFile::Create());
  EVIDENCE_RETURN_IF_ERROR(
      Stream(digest, size, [&](ByteView chunk) -> Status { return copy.Append(chunk); }));
  return copy.Seal();
}

Result<std::vector<std::string>> ObjectStore::ListObjects() const {
  std::vector<std::string> names;
  std::error_code ec;
  fs::path root = case_dir_ / "objects";
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    fs::path rel = it->path().lexically_relative(root);
    std::string name;
    for (const auto& part : rel) name += part.string();
    names.push_back(name);
  }
  if (ec) return ErrnoStatus(ec.value(), root, "cannot list");
  return names;
}

std::vector<fs::path> ObjectStore::LeftoverTempFiles() const {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(case_dir_ / "tmp", ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    out.push_back(it->path());
  }
  return out;
}

}  // namespace evidence
