// An upload: one file whose bytes arrive in pieces, from a program that receives them itself (the
// app's browser uploads), taken into a case by the same ingest step as Case::Ingest. Begin it
// with Case::BeginUpload, Add the bytes in order as they come, then Finish.
//
//   EVIDENCE_ASSIGN_OR_RETURN(Upload up, c.BeginUpload(name_from_browser, options));
//   while (...) EVIDENCE_RETURN_IF_ERROR(up.Add(block));
//   EVIDENCE_ASSIGN_OR_RETURN(IngestOutcome done, up.Finish());
//
// The bytes are hashed and, in an encrypted case, encrypted as they arrive, into a staged copy
// inside the case's tmp/ folder; no plaintext reaches the disk in an encrypted case, and the
// upload holds at most three blocks (3 MiB) of it in the process besides the memory file the
// parsers read (ObjectStore, "Plaintext for the parsers" in docs/architecture.md). A file larger
// than one block is hashed, encrypted and written on a thread of the upload's own while the
// caller receives the next block; a disk failure there is returned by the next Add or by Finish.
// An Upload destroyed before Finish, or whose Add or Finish failed, leaves nothing in the case.
//
// Thread safety: as the Case it came from, which must outlive it and must not be used for anything
// else between BeginUpload and Finish (Finish records in the case's ledger).
#pragma once

#include <cstdint>
#include <memory>

#include "evidence/bytes.hpp"
#include "evidence/case.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

class Upload {
 public:
  Upload(Upload&&) noexcept;
  Upload& operator=(Upload&&) noexcept;
  // Removes the staged copy unless Finish recorded it.
  ~Upload();

  // Appends the next bytes of the file. kIoError when the case's disk fails (the upload is then
  // spent: its copy is removed, and every later call fails); kInvalidArgument after Finish.
  Status Add(ByteView bytes);

  // The bytes added so far.
  std::uint64_t size() const;

  // Ends the file and ingests it exactly as Case::Ingest ingests a file of these bytes and this
  // name: described, parsed when it is a message export, recorded with its entries and a signed
  // checkpoint in one transaction; bytes already in the case come back as a duplicate naming the
  // exhibit, recording nothing. Errors are those of Case::Ingest, prefixed with the name, among
  // them kInvalidArgument with argument() "date_order" for a chat whose order of day and month
  // cannot be told: nothing is recorded, and the file must be sent again with
  // IngestOptions::date_order. The Upload is spent either way.
  Result<IngestOutcome> Finish();

 private:
  friend class Case;
  struct State;
  explicit Upload(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

}  // namespace evidence
EVIDENCE_PUBLIC_END
