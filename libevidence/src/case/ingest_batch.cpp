// Case::IngestFiles: many files in one command at the speed of the disk and both cores. Workers
// stage files in parallel (one read: hash and copy in the same pass, metadata from the staged copy
// by a long-lived sandboxed extractor per worker); this thread records them in the order given, in
// batches: one group fsync of the batch's objects, then one transaction for all its items.
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include "catalog.hpp"
#include "evidence/messages.hpp"
#include "ingest_step.hpp"
#include "ingest_warnings.hpp"
#include "status_macros.hpp"
#include "thread_pool.hpp"

namespace evidence {

namespace {

// A batch ends after this many items, bytes or time: few fsyncs and commits per file, while
// another `evidence` process waiting for the lock (kLockTimeoutMs) gets it well within its time.
constexpr std::size_t kBatchItems = 256;
constexpr std::uint64_t kBatchBytes = 64ull << 20;
constexpr auto kBatchTime = std::chrono::milliseconds(500);

// What a worker hands back for one file.
struct Prepared {
  Status status = Status::Ok();
  std::string raw_name;
  UnsyncedObject object;
  Description desc;
  bool is_export = false;  // recorded by IngestOneFile, which parses it inside its transaction
};

// One item waiting for its batch to be recorded.
struct Pending {
  fs::path file;
  std::string raw_name;
  StagedObject staged;
  Description desc;
  // Set when the same bytes came earlier in this batch: index of that item in the batch.
  std::optional<std::size_t> same_as;
};

// One run of Case::IngestFiles: the workers' step (Prepare) and this thread's (Consume, which
// fills a batch; Flush, which records it). Files are consumed in the order given.
class BatchIngest {
 public:
  BatchIngest(CaseState& s, const std::vector<fs::path>& files, const IngestOptions& options,
              const std::optional<std::string>& incident,
              const std::function<void(const IngestOutcome&)>& on_item)
      : s_(s),
        files_(files),
        options_(options),
        incident_(incident),
        on_item_(on_item),
        workers_(std::min(ThreadPool::DefaultWorkers(), std::max<std::size_t>(files.size(), 1))),
        describers_(workers_) {
    // One sandboxed extractor per worker, its child forked here before any thread starts (see
    // SandboxWorker::StartNow). A child that dies is restarted by its worker. And one for this
    // thread, for the message exports among the files, which IngestOneFile records while the
    // workers run.
    for (auto& d : describers_) {
      d = std::make_unique<Describer>();
      d->StartExtractor();
    }
    export_describer_.StartExtractor();
  }
  ~BatchIngest() { DiscardBatch(); }

  Status Run() {
    // Staged files waiting to be recorded, beyond the batch: while this thread syncs and commits a
    // batch, the workers stage up to a batch more instead of waiting for it.
    const std::size_t window = kBatchItems;
    ThreadPool pool(workers_, /*queue_capacity=*/window);
    bool all = RunOrdered(
        pool, files_.size(), window, [this](std::size_t i) { return Prepare(i); },
        [this](std::size_t i, Prepared p) { return Consume(i, std::move(p)); },
        [this](Prepared p) {
          if (p.status.ok()) s_.objects.DiscardUnsynced(p.object);
        });
    if (all) result_ = Flush();
    DiscardBatch();
    return result_;
  }

 private:
  // On a worker: stages and describes file `i`. Nothing thrown by a library or by memory
  // exhaustion crosses into the ordered consumer.
  Prepared Prepare(std::size_t i) {
    try {
      return PrepareFile(i);
    } catch (const std::exception& e) {
      Prepared p;
      p.status = Status::IoError(files_[i].string() + ": " + e.what());
      return p;
    }
  }
  Prepared PrepareFile(std::size_t i);
  // On this thread, in file order: adds file `i` to the batch (or records an export on its own),
  // flushing when the batch is full. False stops the run, with result_ set.
  bool Consume(std::size_t i, Prepared p);
  // Makes the batch's objects durable, then records its items in one transaction. On failure
  // nothing of the batch stays: the objects it added are removed again.
  Status Flush();
  // The batch's items, entries and checkpoint, in the caller's transaction; `failed_file` names
  // the file being recorded when it fails.
  Status RecordBatch(std::vector<IngestOutcome>& outcomes, const fs::path** failed_file);
  void DiscardBatch() {
    for (auto& o : objects_) s_.objects.DiscardUnsynced(o);
    objects_.clear();
    batch_.clear();
    in_batch_.clear();
    batch_bytes_ = 0;
  }

  CaseState& s_;
  const std::vector<fs::path>& files_;
  const IngestOptions& options_;
  const std::optional<std::string>& incident_;
  const std::function<void(const IngestOutcome&)>& on_item_;
  const std::size_t workers_;
  std::vector<std::unique_ptr<Describer>> describers_;
  Describer export_describer_;

  std::vector<UnsyncedObject> objects_;  // the batch's copies, to be synced and renamed together
  std::vector<Pending> batch_;
  std::map<Sha256Digest, std::size_t> in_batch_;  // sha256 -> index in `batch_`
  std::uint64_t batch_bytes_ = 0;
  std::chrono::steady_clock::time_point batch_started_ = std::chrono::steady_clock::now();
  Status result_ = Status::Ok();
};

Prepared BatchIngest::PrepareFile(std::size_t i) {
  Prepared p;
  const fs::path& file = files_[i];
  p.raw_name = file.filename().string();
  if (p.raw_name.empty()) {
    p.status = Status::InvalidArgument(file.string() + ": not a file name");
    return p;
  }
  // The plaintext the describer and the export detection read: in memory, never on disk, and
  // freed when this step ends.
  UniqueFd plaintext;
  auto staged = s_.objects.StageUnsynced(file, &plaintext);
  if (!staged.ok()) {
    p.status = staged.status();
    return p;
  }
  p.object = std::move(*staged);
  auto plaintext_path = PlaintextPath(plaintext);
  if (!plaintext_path.ok()) {
    s_.objects.DiscardUnsynced(p.object);
    p.status = plaintext_path.status();
    return p;
  }
  Describer& describer = *describers_[ThreadPool::CurrentWorker()];
  if (p.object.staged.plaintext_is_head) {
    // Never read as messages: a chat cut short would be recorded as the whole conversation.
    p.desc = DescribeStaged(s_, describer, plaintext, p.object.staged, p.raw_name);
    if (options_.kind) p.desc.kind = *options_.kind;
    return p;
  }
  // A message export is parsed only if its format is recognised; --kind cannot make one.
  auto format = DetectExportFormat(*plaintext_path, p.raw_name);
  if (format.ok()) {
    p.is_export = true;
    return p;
  }
  p.desc = describer.Describe(plaintext.get(), p.raw_name);
  if (auto w = UnrecognisedExportWarning(format.status(), p.desc, p.raw_name)) {
    p.desc.warnings.push_back(std::move(*w));
  }
  if (options_.kind) p.desc.kind = *options_.kind;
  return p;
}

bool BatchIngest::Consume(std::size_t i, Prepared p) {
  if (!p.status.ok()) {
    Status f = Flush();
    result_ = f.ok() ? p.status : f;
    return false;
  }
  if (p.is_export) {
    s_.objects.DiscardUnsynced(p.object);
    result_ = Flush();
    if (!result_.ok()) return false;
    auto r = IngestOneFile(s_, files_[i], options_, incident_, export_describer_);
    if (!r.ok()) {
      result_ = r.status();
      return false;
    }
    on_item_(*r);
    return true;
  }
  if (batch_.empty()) batch_started_ = std::chrono::steady_clock::now();
  Pending pending;
  pending.file = files_[i];
  pending.raw_name = std::move(p.raw_name);
  pending.staged = p.object.staged;
  pending.desc = std::move(p.desc);
  auto [it, fresh] = in_batch_.emplace(pending.staged.sha256, batch_.size());
  if (!fresh) {
    pending.same_as = it->second;
    s_.objects.DiscardUnsynced(p.object);
  } else {
    batch_bytes_ += pending.staged.size;
    objects_.push_back(std::move(p.object));
  }
  batch_.push_back(std::move(pending));
  if (batch_.size() >= kBatchItems || batch_bytes_ >= kBatchBytes ||
      std::chrono::steady_clock::now() - batch_started_ >= kBatchTime) {
    result_ = Flush();
    if (!result_.ok()) return false;
  }
  return true;
}

Status BatchIngest::Flush() {
  if (batch_.empty()) {
    DiscardBatch();
    return Status::Ok();
  }
  StagedObjects added(s_.objects);
  std::vector<IngestOutcome> outcomes(batch_.size());
  const fs::path* failed_file = nullptr;
  Status st = added.CommitBatch(objects_);
  if (st.ok()) {
    st = [&]() -> Status {
      EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_.db));
      EVIDENCE_RETURN_IF_ERROR(RecordBatch(outcomes, &failed_file));
      added.Keep();
      return txn.Commit();
    }();
  }
  if (!st.ok()) {
    // `failed_file` points into the batch: name it before the batch is let go.
    Status named = failed_file != nullptr ? st.WithContext(failed_file->string()) : st;
    DiscardBatch();
    return named;
  }
  DiscardBatch();
  for (const auto& out : outcomes) on_item_(out);
  return Status::Ok();
}

Status BatchIngest::RecordBatch(std::vector<IngestOutcome>& outcomes,
                                const fs::path** failed_file) {
  // Read under the lock: another process may have added items since the last batch.
  EVIDENCE_ASSIGN_OR_RETURN(std::int64_t number,
                            s_.catalog.LastExhibitNumber(s_.info.exhibit_prefix));
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    Pending& p = batch_[i];
    IngestOutcome& out = outcomes[i];
    *failed_file = &p.file;
    out.source = p.file;
    out.sha256 = p.staged.sha256;
    out.size = p.staged.size;
    if (p.same_as) {
      out.duplicate = true;
      out.exhibit = outcomes[*p.same_as].exhibit;
      continue;
    }
    EVIDENCE_ASSIGN_OR_RETURN(auto existing, s_.catalog.FindBySha256(p.staged.sha256));
    if (existing) {
      out.duplicate = true;
      out.exhibit = *existing;
      continue;
    }
    ItemRecord rec;
    rec.number = ++number;
    rec.exhibit = ExhibitId(s_.info.exhibit_prefix, rec.number);
    rec.staged = &p.staged;
    rec.raw_name = p.raw_name;
    rec.desc = std::move(p.desc);
    rec.note = options_.note;
    rec.incident = incident_;
    EVIDENCE_RETURN_IF_ERROR(RecordItem(s_, rec).status());
    EVIDENCE_RETURN_IF_ERROR(RecordMetadata(s_, rec.exhibit, p.staged.sha256, rec.desc, nullptr));
    out.exhibit = rec.exhibit;
    out.kind = rec.desc.kind;
    out.errors = rec.desc.errors;
    out.warnings = rec.desc.warnings;
  }
  *failed_file = nullptr;
  // Signed in the same transaction: a crash never leaves entries no checkpoint covers.
  return s_.SealLocked();
}

}  // namespace

Status Case::IngestFiles(const std::vector<fs::path>& files, const IngestOptions& options,
                         const std::function<void(const IngestOutcome&)>& on_item) {
  std::optional<std::string> incident;
  if (options.incident) {
    EVIDENCE_ASSIGN_OR_RETURN(Incident inc, GetIncident(*options.incident));
    incident = inc.id;
  }
  BatchIngest run(*s_, files, options, incident, on_item);
  return run.Run();
}

}  // namespace evidence
