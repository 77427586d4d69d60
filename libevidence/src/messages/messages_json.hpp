// Streaming JSON for the chat exports that come as one large JSON document (Telegram Desktop's
// result.json, DiscordChatExporter's .json). nlohmann's SAX parser reads the file through a fixed
// buffer; the format asks, at the start of every value, whether it wants that value whole, and
// only those values (one message, the chat's header fields) are built as a small DOM, under a
// byte budget. Everything else streams past without being kept, so memory does not grow with the
// file. Also here: a bounded look at a file's head for detection, typed accessors that never throw
// on untrusted JSON, and the ISO 8601 date-time grammar these exports use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/messages.hpp"
#include "evidence/status.hpp"
#include "messages_internal.hpp"

namespace evidence::messages_internal {

// How much of a file the JSON format detectors look at; metadata and message code read the same
// amount, so both decide the same way.
inline constexpr size_t kJsonHeadBytes = 16 * 1024;

// ---------------------------------------------------------------------------------------------
// Streaming.

// One open container on the way from the root to the current value.
struct JsonFrame {
  bool object = false;
  std::string key;     // object: the key of the value being read
  uint64_t index = 0;  // array: the index of the value being read
};
using JsonPath = std::vector<JsonFrame>;

// What happened to a captured value on its way in.
struct JsonCapture {
  uint64_t offset = 0;       // byte offset where the value ended
  bool strings_cut = false;  // a string longer than the string limit was cut
  bool over_budget = false;  // members past the value's byte budget were dropped
};

// Marks on `m` what its capture lost, and warns "<where>: ..." about it: text longer than
// `max_text_bytes` (cut here) or a string the stream cut, fields dropped past the value's byte
// budget. A message without an "id" in `extra` gets the capture's byte offset, so it can still be
// found in the file.
void NoteCaptureLimits(const JsonCapture& capture, uint64_t max_text_bytes,
                       const std::string& where, Message* m, ExportSummary* summary);

class JsonStreamHandler {
 public:
  // Asked at the start of every value below the root object (and of the root's own members).
  // `path` holds the open containers: path.back() is the parent, whose key or index names the
  // value. Returning true captures the value whole and hands it to OnValue.
  virtual bool Want(const JsonPath& path) = 0;
  // A captured value. Numbers that are not integers arrive as their JSON text (a string), so no
  // float ever reaches a Message. A non-OK status stops the parse and is returned as it is.
  virtual Status OnValue(const JsonPath& path, nlohmann::json&& value,
                         const JsonCapture& capture) = 0;

 protected:
  ~JsonStreamHandler() = default;
};

struct JsonStreamLimits {
  uint64_t max_string_bytes = 1u << 20;  // longer strings in a captured value are cut
  uint64_t max_value_bytes = 8u << 20;   // budget of one captured value
  size_t max_depth = 256;                // deeper nesting is kCorruption (no chat export nests so)
  // The longest run of input without a complete JSON token; nlohmann holds a whole string in
  // memory before handing it over, so a longer one is refused instead (kCorruption).
  uint64_t max_token_bytes = 16u << 20;
  // Members of a captured object that repeat another member: {"b", "a"} drops member "b" of the
  // captured value when member "a" came before it (Telegram's text_entities repeat its text).
  // Only the captured value's own members are considered, not nested ones.
  std::vector<std::pair<std::string, std::string>> redundant_members;
};

// Streams the JSON document at `path` (the root must be an object) into `handler`. Errors:
// kCorruption "<context>: byte N: ..." for malformed or truncated JSON or a crossed limit,
// kIoError when the file cannot be read, or the handler's own status.
Status StreamJsonFile(const std::filesystem::path& path, std::string_view context,
                      const JsonStreamLimits& limits, JsonStreamHandler& handler);

// The frame of a parser that streams a whole export (Discord, Telegram): the options and the
// callback, the summary it builds, the count of messages it delivered, and Run, which streams the
// file with `limits_`, sets the summary's count and lets the parser Finish its summary.
class StreamedExportParser : public JsonStreamHandler {
 public:
  Result<ExportSummary> Run(const std::filesystem::path& path);

 protected:
  // `context` starts every error and warning ("discord: byte 12: ...").
  StreamedExportParser(const ParseOptions& options, const MessageCallback& on_message,
                       ExportFormat format, std::string context);
  ~StreamedExportParser() = default;

  // Called once the whole file has streamed, to add the summary's counts and warnings.
  virtual void Finish() = 0;

  const ParseOptions& options_;
  const MessageCallback& on_message_;
  // Strings are cut at max_text_bytes; one captured message may hold its text twice (Telegram's
  // text and text_entities) and must still fit whole. A parser may add to these before Run.
  JsonStreamLimits limits_;
  ExportSummary summary_;
  uint64_t index_ = 0;  // messages delivered

 private:
  std::string context_;
};

// ---------------------------------------------------------------------------------------------
// Detection.

// What the first kJsonHeadBytes of a JSON file show, read with the same SAX parser (the cut at
// the end of the head is expected and ignored).
struct JsonHeadShape {
  bool root_object = false;
  std::vector<std::string> top_keys;  // in file order (at most 64)
  // The kind of each top-level member seen: 'o' object, 'a' array, 's' string, 'n' number,
  // 'b' boolean, 'z' null.
  std::vector<char> top_kinds;
  std::vector<std::string> top_strings;  // top-level string values (cut to 512 bytes), else ""
  // Keys of the top-level object members (their first 64 keys each), parallel to top_keys.
  std::vector<std::vector<std::string>> top_object_keys;
  // The first object inside an array named "messages", at any depth: its keys and its "type".
  std::vector<std::string> first_message_keys;
  std::string first_message_type;
  bool first_message_seen = false;

  // The kind of top-level member `key`, or '\0' when it was not seen.
  char KindOf(std::string_view key) const;
  std::string_view StringOf(std::string_view key) const;
  bool ObjectHasKey(std::string_view member, std::string_view key) const;
  bool FirstMessageHas(std::string_view key) const;
};

JsonHeadShape ScanJsonHead(std::string_view head);

// ---------------------------------------------------------------------------------------------
// Typed access to captured values; none of these throws, whatever the JSON holds.

const nlohmann::json* JsonMember(const nlohmann::json& object, std::string_view key);
// The member if it is a string, else nullptr.
const std::string* JsonString(const nlohmann::json& object, std::string_view key);
// A string as it is, an integer in decimal, "" for anything else (null, objects...).
std::string JsonScalarText(const nlohmann::json* value);
// An integer, or a string of decimal digits (with an optional '-'); nullopt otherwise.
std::optional<int64_t> JsonInteger(const nlohmann::json* value);

// ---------------------------------------------------------------------------------------------
// ISO 8601 / RFC 3339 date-times as these exports write them: "2019-07-12T16:55:32",
// "2017-01-01T06:20:09.248Z", "2019-01-04T17:52:39.762+00:00" (up to 9 fraction digits).

struct IsoDateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int millis = 0;
  bool has_fraction = false;
  bool has_zone = false;
  int offset_minutes = 0;  // meaningful when has_zone

  // Local time without zone, "YYYY-MM-DDTHH:MM:SS" (fraction dropped), when !has_zone;
  // otherwise RFC 3339 with the stated offset ("Z" for a zero offset) and milliseconds when the
  // input had a fraction.
  std::string Format() const;
  // Milliseconds since 1970 (UTC when has_zone, else as if the wall time were UTC).
  int64_t UnixMillis() const;
};

std::optional<IsoDateTime> ParseIsoDateTime(std::string_view text);

}  // namespace evidence::messages_internal
