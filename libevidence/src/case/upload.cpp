// Case::BeginUpload and Upload (evidence/upload.hpp): a file whose bytes the caller receives in
// pieces goes through a Stager into tmp/, then through the same RecordStagedFile as Case::Ingest.
#include "evidence/upload.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "describe.hpp"
#include "evidence/incident.hpp"
#include "ingest_step.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

// Pieces smaller than this (a socket hands out a few KiB at a time) are gathered first, so that
// the store hashes, encrypts and writes in blocks of the size Stage uses for a file.
constexpr std::size_t kUploadBlock = 1 << 20;

// The longest file name Linux file systems allow (NAME_MAX): `evidence add` never sees a longer
// one, so an upload may not bring one either.
constexpr std::size_t kMaxNameBytes = 255;

// The name recorded for an upload: what std::filesystem::path::filename() gives `evidence add`
// for a file on disk. A browser sends a bare name, but older ones sent a Windows path, and the
// name is whatever the sender chose.
Result<std::string> UploadName(const std::string& sent) {
  std::string name = sent.substr(sent.find_last_of("/\\") + 1);
  auto refuse = [&](const std::string& why) {
    return Status::InvalidArgument("upload: the file name " + why).AboutArgument("name");
  };
  if (name.empty() || name == "." || name == "..") return refuse("is missing");
  if (name.find('\0') != std::string::npos) return refuse("holds a NUL byte");
  if (name.size() > kMaxNameBytes) {
    return refuse("is longer than " + std::to_string(kMaxNameBytes) + " bytes");
  }
  return name;
}

// Hands full blocks to the stager on a thread of its own, so that hashing, encrypting and writing
// one block overlaps with receiving the next: received one after the other, the two took about
// as long each and the upload ran at half the speed of `evidence add` (docs/performance.md). One
// block waits while another is written, so an upload holds at most three blocks: the one being
// gathered, the one waiting and the one being written.
class StagingThread {
 public:
  explicit StagingThread(ObjectStore::Stager& stager)
      : stager_(stager), thread_([this] { Run(); }) {}
  StagingThread(const StagingThread&) = delete;
  StagingThread& operator=(const StagingThread&) = delete;
  // Writes what was handed, then stops.
  ~StagingThread() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // Queues `block` for the stager, once the block queued before it has been taken, and gives
  // back an empty buffer in its place. Once a block has failed, every call returns that failure
  // and queues nothing.
  Status Hand(std::vector<std::uint8_t>& block) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !queued_full_ || !failure_.ok(); });
    if (!failure_.ok()) return failure_;
    std::swap(queued_, block);
    queued_full_ = true;
    lock.unlock();
    cv_.notify_all();
    return Status::Ok();
  }

  // Waits until every block handed has been written: the first failure, if any.
  Status Drain() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return (!queued_full_ && !writing_) || !failure_.ok(); });
    return failure_;
  }

 private:
  void Run() {
    std::vector<std::uint8_t> working;
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return queued_full_ || stop_; });
      if (!queued_full_) return;  // stopped, nothing left
      std::swap(working, queued_);
      queued_.clear();
      queued_full_ = false;
      writing_ = true;
      lock.unlock();
      cv_.notify_all();
      Status st =
          failure_.ok() ? stager_.Add(ByteView(working.data(), working.size())) : Status::Ok();
      lock.lock();
      writing_ = false;
      if (!st.ok() && failure_.ok()) failure_ = std::move(st);
      cv_.notify_all();
    }
  }

  ObjectStore::Stager& stager_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::uint8_t> queued_;
  bool queued_full_ = false;
  bool writing_ = false;
  bool stop_ = false;
  Status failure_ = Status::Ok();
  std::thread thread_;  // last: it starts once every member above is ready
};

}  // namespace

struct Upload::State {
  CaseState* s = nullptr;
  std::string name;
  IngestOptions options;
  std::optional<std::string> incident;
  // The plaintext for the parsers, filled by the stager (declared first: the stager writes it).
  UniqueFd plaintext;
  std::optional<ObjectStore::Stager> stager;  // empty once spent; its destructor removes the copy
  // Started by the first full block (a small file never needs it); declared after the stager,
  // so that it stops before the stager goes.
  std::optional<StagingThread> thread;
  std::vector<std::uint8_t> pending;  // bytes not yet handed to the stager
  std::uint64_t size = 0;

  Status Spent() const {
    return Status::InvalidArgument("upload of " + name + ": already finished or failed");
  }
  // Hands the gathered bytes to the staging thread; on failure the upload is spent.
  Status Hand() {
    if (!thread) thread.emplace(*stager);
    Status st = thread->Hand(pending);
    pending.clear();
    if (!st.ok()) Spend();
    return st;
  }
  // Every byte added, handed to the stager and written; on failure the upload is spent.
  Status Drain() {
    Status st = Status::Ok();
    if (thread) {
      if (!pending.empty()) st = thread->Hand(pending);
      if (st.ok()) st = thread->Drain();
      thread.reset();
    } else if (!pending.empty()) {
      st = stager->Add(ByteView(pending.data(), pending.size()));
    }
    pending.clear();
    if (!st.ok()) Spend();
    return st;
  }
  void Spend() {
    thread.reset();
    stager.reset();
  }
};

Upload::Upload(std::unique_ptr<State> state) : s_(std::move(state)) {}
Upload::Upload(Upload&&) noexcept = default;
Upload& Upload::operator=(Upload&&) noexcept = default;
Upload::~Upload() = default;

std::uint64_t Upload::size() const { return s_ ? s_->size : 0; }

Status Upload::Add(ByteView bytes) {
  if (!s_ || !s_->stager) return s_ ? s_->Spent() : Status::InvalidArgument("upload: moved from");
  s_->size += bytes.size();
  s_->pending.insert(s_->pending.end(), bytes.begin(), bytes.end());
  if (s_->pending.size() >= kUploadBlock) return s_->Hand();
  return Status::Ok();
}

Result<IngestOutcome> Upload::Finish() {
  if (!s_ || !s_->stager) return s_ ? s_->Spent() : Status::InvalidArgument("upload: moved from");
  std::unique_ptr<State> st = std::move(s_);  // spent from here on, whatever happens
  EVIDENCE_RETURN_IF_ERROR(st->Drain().WithContext(st->name));
  auto staged = st->stager->Finish();
  if (!staged.ok()) return staged.status().WithContext(st->name);
  // One sandboxed extractor for the file and every media member of an export, as Case::Ingest.
  Describer describer;
  return RecordStagedFile(*st->s, *staged, st->plaintext, st->name, st->name, st->options,
                          st->incident, describer);
}

Result<Upload> Case::BeginUpload(std::string name, const IngestOptions& options) {
  auto st = std::make_unique<Upload::State>();
  EVIDENCE_ASSIGN_OR_RETURN(st->name, UploadName(name));
  if (options.incident) {
    EVIDENCE_ASSIGN_OR_RETURN(Incident inc, GetIncident(*options.incident));
    st->incident = inc.id;
  }
  st->s = s_.get();
  st->options = options;
  st->pending.reserve(kUploadBlock);
  EVIDENCE_ASSIGN_OR_RETURN(ObjectStore::Stager stager, s_->objects.BeginStage(&st->plaintext));
  st->stager.emplace(std::move(stager));
  return Upload(std::move(st));
}

}  // namespace evidence
