// Case::BeginUpload and Upload (evidence/upload.hpp): a file whose bytes the caller receives in
// pieces goes through a Stager into tmp/, then through the same RecordStagedFile as Case::Ingest.
#include "evidence/upload.hpp"

#include <optional>
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

}  // namespace

struct Upload::State {
  CaseState* s = nullptr;
  std::string name;
  IngestOptions options;
  std::optional<std::string> incident;
  // The plaintext for the parsers, filled by the stager (declared first: the stager writes it).
  UniqueFd plaintext;
  std::optional<ObjectStore::Stager> stager;  // empty once spent; its destructor removes the copy
  std::vector<std::uint8_t> pending;          // bytes not yet handed to the stager
  std::uint64_t size = 0;

  Status Spent() const {
    return Status::InvalidArgument("upload of " + name + ": already finished or failed");
  }
  // Hands the gathered bytes to the stager; on failure the upload is spent.
  Status Flush() {
    if (pending.empty()) return Status::Ok();
    Status st = stager->Add(ByteView(pending.data(), pending.size()));
    pending.clear();
    if (!st.ok()) stager.reset();
    return st;
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
  if (s_->pending.empty() && bytes.size() >= kUploadBlock) {
    Status st = s_->stager->Add(bytes);
    if (!st.ok()) s_->stager.reset();
    return st;
  }
  s_->pending.insert(s_->pending.end(), bytes.begin(), bytes.end());
  if (s_->pending.size() >= kUploadBlock) return s_->Flush();
  return Status::Ok();
}

Result<IngestOutcome> Upload::Finish() {
  if (!s_ || !s_->stager) return s_ ? s_->Spent() : Status::InvalidArgument("upload: moved from");
  std::unique_ptr<State> st = std::move(s_);  // spent from here on, whatever happens
  EVIDENCE_RETURN_IF_ERROR(st->Flush().WithContext(st->name));
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
