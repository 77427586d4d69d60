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

#include "evidence/status.hpp"

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

// What the first bytes of a JSON file show, for detection: the top level is an object, the keys
// of the top level seen so far, and the keys of the first object in the top-level array
// `array_key` (complete, or as far as the head reaches).
struct JsonHeadShape {
  bool object = false;
  std::vector<std::string> top_keys;
  std::vector<std::string> first_record_keys;
  // Keys of the first object found directly inside the first element of each top-level array
  // ("participants": [{"name": ...}]), as "array/key".
  std::vector<std::string> first_element_keys;
};
// True when `keys` (one of JsonHeadShape's lists) holds `key`.
bool HasKey(const std::vector<std::string>& keys, std::string_view key);

JsonHeadShape ReadJsonHeadShape(std::string_view head, std::string_view array_key);

// Skips a UTF-8 BOM and white space.
std::string_view SkipBomAndSpace(std::string_view head);

}  // namespace evidence::messages_internal
