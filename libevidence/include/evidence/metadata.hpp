// What a piece of evidence is, when and where it was made, read from its content at ingest.
//
// The file type comes from the content (libmagic); the original file name is only a hint. Images
// are read with Exiv2, audio with TagLib (plus small, well-specified header readers for AMR, ADTS
// AAC, RF64 and ISO BMFF where TagLib cannot help), message exports and e-mail are only
// classified. The format of `Metadata::fields` is described in docs/metadata.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/export.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// The closed set of values of Metadata::kind.
inline constexpr std::string_view kMetadataKinds[] = {
    "photo",          "screenshot", "image",    "audio", "video",
    "message-export", "email",      "document", "other", "calls",
};

struct Metadata {
  // The media type libmagic reports for the content, e.g. "image/jpeg";
  // "application/octet-stream" when it cannot tell.
  std::string media_type = "application/octet-stream";
  // One of kMetadataKinds.
  std::string kind = "other";
  // RFC 3339 capture or recording time, when the file records one. Carries a UTC offset only when
  // the file states one ("2019-05-01T12:34:56.120+02:00"); otherwise it is a local time without
  // an offset ("2019-05-01T12:34:56"). Never guessed.
  std::optional<std::string> captured;
  // Everything extracted, as a JSON object holding only strings, integers, arrays and objects
  // (never a floating-point number or a boolean), with every string valid UTF-8 and every value
  // and collection capped in size, so it can be written to the ledger as canonical JSON.
  nlohmann::json fields = nlohmann::json::object();
  // Extraction problems, one line each, "<context>: <detail>" (e.g. "exif: corrupted image
  // metadata"). None of them is fatal.
  std::vector<std::string> errors;
};

// Reads the metadata of `stored_file` (the case's own copy; it has no useful name). `name_hint` is
// the original file name: its extension is a hint that never overrides the content, and a
// mismatch is recorded in `fields`.
//
// Never fails and never throws: an unreadable or malformed file yields the kind that type
// detection gives (or "other") plus an entry in `errors`. The parsers run in a short-lived child
// process with a time limit (4 s) and, when the library is built without sanitizers, a memory
// limit, so a file that crashes or hangs Exiv2, TagLib or libmagic costs an `errors` line, not
// the caller. Thread-safe; it forks, so prefer calling it from a single-threaded program (in a
// multi-threaded one a child that inherits a held lock is killed at the time limit and the
// file's metadata is reported as timed out).
Metadata ExtractMetadata(const std::filesystem::path& stored_file, std::string_view name_hint);

}  // namespace evidence
EVIDENCE_PUBLIC_END
