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

}  // namespace

Status Case::IngestFiles(const std::vector<fs::path>& files, const IngestOptions& options,
                         const std::function<void(const IngestOutcome&)>& on_item) {
  std::optional<std::string> incident;
  if (options.incident) {
    EVIDENCE_ASSIGN_OR_RETURN(Incident inc, GetIncident(*options.incident));
    incident = inc.id;
  }
  State& s = *s_;

  const std::size_t workers =
      std::min(ThreadPool::DefaultWorkers(), std::max<std::size_t>(files.size(), 1));
  // One sandboxed extractor per worker, its child forked here before any thread starts (see
  // SandboxWorker::StartNow). A child that dies is restarted by its worker.
  std::vector<std::unique_ptr<Describer>> describers(workers);
  for (auto& d : describers) {
    d = std::make_unique<Describer>();
    d->StartExtractor();
  }
  // And one for this thread, for the message exports among the files, which IngestOneFile
  // records while the workers run.
  Describer export_describer;
  export_describer.StartExtractor();
  // Staged files waiting to be recorded, beyond the batch: while this thread syncs and commits a
  // batch, the workers stage up to a batch more instead of waiting for it.
  const std::size_t window = kBatchItems;
  ThreadPool pool(workers, /*queue_capacity=*/window);

  auto prepare_file = [&](std::size_t i) -> Prepared {
    Prepared p;
    const fs::path& file = files[i];
    p.raw_name = file.filename().string();
    if (p.raw_name.empty()) {
      p.status = Status::InvalidArgument(file.string() + ": not a file name");
      return p;
    }
    auto staged = s.objects.StageUnsynced(file);
    if (!staged.ok()) {
      p.status = staged.status();
      return p;
    }
    p.object = std::move(*staged);
    // A message export is parsed only if its format is recognised; --kind cannot make one.
    auto format = DetectExportFormat(p.object.staged.temp_path, p.raw_name);
    if (format.ok()) {
      p.is_export = true;
      return p;
    }
    p.desc =
        describers[ThreadPool::CurrentWorker()]->Describe(p.object.staged.temp_path, p.raw_name);
    if (auto w = UnrecognisedExportWarning(format.status(), p.desc, p.raw_name)) {
      p.desc.warnings.push_back(std::move(*w));
    }
    if (options.kind) p.desc.kind = *options.kind;
    return p;
  };
  // Nothing thrown by a library or by memory exhaustion crosses into the ordered consumer.
  auto prepare = [&](std::size_t i) -> Prepared {
    try {
      return prepare_file(i);
    } catch (const std::exception& e) {
      Prepared p;
      p.status = Status::IoError(files[i].string() + ": " + e.what());
      return p;
    }
  };

  std::vector<UnsyncedObject> objects;  // the batch's copies, to be synced and renamed together
  std::vector<Pending> batch;
  std::map<Sha256Digest, std::size_t> in_batch;  // sha256 -> index in `batch`
  std::uint64_t batch_bytes = 0;
  auto batch_started = std::chrono::steady_clock::now();

  auto discard_batch = [&] {
    for (auto& o : objects) s.objects.DiscardUnsynced(o);
    objects.clear();
    batch.clear();
    in_batch.clear();
    batch_bytes = 0;
  };

  // Makes the batch's objects durable, then records its items in one transaction. On failure
  // nothing of the batch stays: the objects it added are removed again.
  auto flush = [&]() -> Status {
    if (batch.empty()) {
      discard_batch();
      return Status::Ok();
    }
    StagedObjects added(s.objects);
    std::vector<IngestOutcome> outcomes(batch.size());
    const fs::path* failed_file = nullptr;
    Status st = added.CommitBatch(objects);
    if (st.ok()) {
      st = [&]() -> Status {
        EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s.db));
        // Read under the lock: another process may have added items since the last batch.
        EVIDENCE_ASSIGN_OR_RETURN(std::int64_t number,
                                  s.catalog.LastExhibitNumber(s.info.exhibit_prefix));
        for (std::size_t i = 0; i < batch.size(); ++i) {
          Pending& p = batch[i];
          IngestOutcome& out = outcomes[i];
          failed_file = &p.file;
          out.source = p.file;
          out.sha256 = p.staged.sha256;
          out.size = p.staged.size;
          if (p.same_as) {
            out.duplicate = true;
            out.exhibit = outcomes[*p.same_as].exhibit;
            continue;
          }
          EVIDENCE_ASSIGN_OR_RETURN(auto existing, s.catalog.FindBySha256(p.staged.sha256));
          if (existing) {
            out.duplicate = true;
            out.exhibit = *existing;
            continue;
          }
          ItemRecord rec;
          rec.number = ++number;
          rec.exhibit = ExhibitId(s.info.exhibit_prefix, rec.number);
          rec.staged = &p.staged;
          rec.raw_name = p.raw_name;
          rec.desc = std::move(p.desc);
          rec.note = options.note;
          rec.incident = incident;
          EVIDENCE_RETURN_IF_ERROR(RecordItem(s, rec).status());
          EVIDENCE_RETURN_IF_ERROR(
              RecordMetadata(s, rec.exhibit, p.staged.sha256, rec.desc, nullptr));
          out.exhibit = rec.exhibit;
          out.kind = rec.desc.kind;
          out.errors = rec.desc.errors;
          out.warnings = rec.desc.warnings;
        }
        failed_file = nullptr;
        // Signed in the same transaction: a crash never leaves entries no checkpoint covers.
        EVIDENCE_RETURN_IF_ERROR(s.SealLocked());
        added.Keep();
        return txn.Commit();
      }();
    }
    if (!st.ok()) {
      // `failed_file` points into the batch: name it before the batch is let go.
      Status named = failed_file != nullptr ? st.WithContext(failed_file->string()) : st;
      discard_batch();
      return named;
    }
    discard_batch();
    for (const auto& out : outcomes) on_item(out);
    return Status::Ok();
  };

  Status result = Status::Ok();
  auto consume = [&](std::size_t i, Prepared p) -> bool {
    if (!p.status.ok()) {
      Status f = flush();
      result = f.ok() ? p.status : f;
      return false;
    }
    if (p.is_export) {
      s.objects.DiscardUnsynced(p.object);
      result = flush();
      if (!result.ok()) return false;
      auto r = IngestOneFile(s, files[i], options, incident, export_describer);
      if (!r.ok()) {
        result = r.status();
        return false;
      }
      on_item(*r);
      return true;
    }
    if (batch.empty()) batch_started = std::chrono::steady_clock::now();
    Pending pending;
    pending.file = files[i];
    pending.raw_name = std::move(p.raw_name);
    pending.staged = p.object.staged;
    pending.desc = std::move(p.desc);
    auto [it, fresh] = in_batch.emplace(pending.staged.sha256, batch.size());
    if (!fresh) {
      pending.same_as = it->second;
      s.objects.DiscardUnsynced(p.object);
    } else {
      batch_bytes += pending.staged.size;
      objects.push_back(std::move(p.object));
    }
    batch.push_back(std::move(pending));
    if (batch.size() >= kBatchItems || batch_bytes >= kBatchBytes ||
        std::chrono::steady_clock::now() - batch_started >= kBatchTime) {
      result = flush();
      if (!result.ok()) return false;
    }
    return true;
  };
  auto drop = [&](Prepared p) {
    if (p.status.ok()) s.objects.DiscardUnsynced(p.object);
  };

  bool all = RunOrdered(pool, files.size(), window, prepare, consume, drop);
  if (all) result = flush();
  discard_batch();
  return result;
}

}  // namespace evidence
