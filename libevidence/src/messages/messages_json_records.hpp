// Private to the JSON chat parsers (Messenger/Instagram, Google Chat): streaming a JSON export
// whose top level is an object holding one large array of message objects, in fixed memory. The
// file is read with nlohmann::json's SAX interface; only one element of the array (or one other
// top-level member) is ever built as a DOM, and that DOM is bounded in size and depth.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/messages.hpp"
#include "evidence/status.hpp"
#include "messages_internal.hpp"

namespace evidence::messages_internal {

struct JsonRecordLimits {
  // Bytes one record (or one other top-level member) may take once built: the sum of its strings
  // and keys plus 16 per value. Crossing it is kCorruption naming the record.
  uint64_t max_record_bytes = 64ull << 20;
  // Nesting inside one record; deeper is kCorruption.
  int max_depth = 64;
};

// Called with each element of the top-level array `array_key`, in file order; `ordinal` counts
// them from 0. A non-OK status stops the parse and is returned unchanged.
using JsonRecordSink = std::function<Status(nlohmann::json&& record, uint64_t ordinal)>;
// Called with every other top-level member once it is complete (key, value).
using JsonMemberSink = std::function<Status(const std::string& key, nlohmann::json&& value)>;

// Streams the file at `path`. `label` prefixes error messages ("messenger"). A UTF-8 BOM is
// skipped. Errors: kCorruption when the file is not one JSON object (naming the byte offset) or a
// limit is crossed, kNotFound/kIoError when it cannot be read, or whatever a sink returned.
Status StreamJsonRecords(const std::filesystem::path& path, std::string_view label,
                         std::string_view array_key, const JsonRecordLimits& limits,
                         const JsonRecordSink& on_record, const JsonMemberSink& on_member);

// The same, over bytes in memory (the tests and fuzz targets use it).
Status StreamJsonRecordsFromBuffer(std::string_view bytes, std::string_view label,
                                   std::string_view array_key, const JsonRecordLimits& limits,
                                   const JsonRecordSink& on_record,
                                   const JsonMemberSink& on_member);

// A parser's records, from a file or from bytes in memory, with the label and the array key
// bound: one parse routine serves both entry points. A buffer source refers to `bytes`, which
// must outlive it.
using JsonRecordSource =
    std::function<Status(const JsonRecordLimits& limits, const JsonRecordSink& on_record,
                         const JsonMemberSink& on_member)>;
JsonRecordSource JsonRecordsOfFile(std::filesystem::path path, std::string_view label,
                                   std::string_view array_key);
JsonRecordSource JsonRecordsOfBuffer(std::string_view bytes, std::string_view label,
                                     std::string_view array_key);

// What a record-by-record chat parser (Google Chat, Messenger/Instagram) keeps while it runs.
struct RecordExport {
  const ParseOptions* options = nullptr;
  const MessageCallback* on_message = nullptr;
  std::string_view label;  // starts every warning ("messenger")
  ExportSummary summary;
  uint64_t delivered = 0;
  bool saw_messages = false;  // the "messages" array had at least one element

  // Warns "<label>: message <ordinal + 1>: <what>".
  void Warn(uint64_t ordinal, const std::string& what);
  // Cuts m->text at options->max_text_bytes; a cut text is marked text_truncated and warned of.
  void CutText(uint64_t ordinal, Message* m);
  // Hands `m` on as the next message.
  Status Deliver(Message&& m);
};

// Streams the records of `run` into `on_record` (non-objects are warned of and skipped there,
// so on_record sees objects only) and the other top-level members into `on_member`; a "messages"
// member that is not an array is warned of. Returns the summary, with its message count and, if
// no record came, the warning `no_messages`.
using RecordVisitor = std::function<Status(RecordExport& s, nlohmann::json&& record, uint64_t)>;
using MemberVisitor =
    std::function<Status(RecordExport& s, const std::string& key, nlohmann::json&& value)>;
Result<ExportSummary> RunRecordExport(RecordExport& s, const JsonRecordSource& run,
                                      const RecordVisitor& on_record,
                                      const MemberVisitor& on_member, std::string_view no_messages);

// What the first bytes of a JSON file show, for detection: the top level is an object, the keys
// of the top level seen so far, and the keys of the first object in the top-level array
// `array_key` (complete, or as far as the head reaches).
struct RecordHeadShape {
  bool object = false;
  std::vector<std::string> top_keys;
  std::vector<std::string> first_record_keys;
  // Keys of the first object found directly inside the first element of each top-level array
  // ("participants": [{"name": ...}]), as "array/key".
  std::vector<std::string> first_element_keys;
};
// True when `keys` (one of RecordHeadShape's lists) holds `key`.
bool HasKey(const std::vector<std::string>& keys, std::string_view key);

RecordHeadShape ReadRecordHeadShape(std::string_view head, std::string_view array_key);

// Skips a UTF-8 BOM and white space.
std::string_view SkipBomAndSpace(std::string_view head);

}  // namespace evidence::messages_internal
