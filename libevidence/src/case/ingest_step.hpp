// The ingest step that Case::Ingest and Case::IngestFiles share: an item's entries and its
// catalog row (RecordItem, RecordMetadata), and the whole of one file recorded in its own
// transaction (IngestOneFile), which is how a message export is always taken in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "case_state.hpp"
#include "describe.hpp"
#include "object_store.hpp"

namespace evidence {

// Everything one item needs in the ledger and the catalog.
struct ItemRecord {
  std::string exhibit;
  std::int64_t number = 0;
  const StagedObject* staged = nullptr;
  std::string raw_name;
  Description desc;
  std::string note;
  std::optional<std::string> incident;
  std::optional<std::string> parent;
  nlohmann::json extra_entry_data = nlohmann::json::object();
};

// A path that opens the plaintext held in `plaintext` (ObjectStore::Stage), for the message
// export parsers, which read by path: /proc/self/fd/N, which reopens the memory file and never
// names a file on disk. kIoError when /proc is not there to give one.
Result<fs::path> PlaintextPath(const UniqueFd& plaintext);

// Describes a staged file from the plaintext the store handed out with it. When that plaintext is
// only the file's head (an encrypted case, a file larger than the store's plaintext_limit()), only
// the type is kept: metadata read from a cut file would be wrong or missing without saying so
// (an MP4's index may come last), and the item carries HeadOnlyWarning instead.
Description DescribeStaged(CaseState& s, Describer& describer, const UniqueFd& plaintext,
                           const StagedObject& staged, std::string_view raw_name);

// Appends the item.ingested entry and inserts the items row, inside the caller's transaction
// (CaseState::Writer() first). CaseDoesNotVerify when the exhibit id was ingested before (a
// deleted items row must not hand its number out again).
Result<std::uint64_t> RecordItem(CaseState& s, const ItemRecord& record);

// Appends item.metadata when there is anything to say; `messages` may be null.
Status RecordMetadata(CaseState& s, const std::string& exhibit, const Sha256Digest& sha256,
                      const Description& desc, const nlohmann::json& messages);

// Records a file already staged (ObjectStore::Stage, or a Stager fed by an Upload) as
// Case::Ingest documents it, given the plaintext the store handed out with it: a duplicate is
// reported and the copy discarded; otherwise it is described with `describer` (also used for
// every media member of a message export) and recorded in one transaction sealed by a
// checkpoint. `raw_name` is the name recorded; `source` goes into the outcome and names the file
// in errors. The staged copy is discarded, and every object added removed, unless it commits.
Result<IngestOutcome> RecordStagedFile(CaseState& s, const StagedObject& staged,
                                       const UniqueFd& plaintext, const std::string& raw_name,
                                       const fs::path& source, const IngestOptions& options,
                                       const std::optional<std::string>& incident,
                                       Describer& describer);

// Ingests one file as Case::Ingest documents it: stages it, describes it with `describer` (also
// used for every media member of a message export), and records it in one transaction sealed by
// a checkpoint. `incident` is an incident id already checked to exist. On failure nothing stays.
Result<IngestOutcome> IngestOneFile(CaseState& s, const fs::path& file,
                                    const IngestOptions& options,
                                    const std::optional<std::string>& incident,
                                    Describer& describer);

}  // namespace evidence
