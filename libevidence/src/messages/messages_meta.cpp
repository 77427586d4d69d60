// Facebook Messenger and Instagram "Download your information" JSON (message_1.json): a top-level
// object with "participants", "messages" (newest first) and thread facts. Streamed one message at
// a time (messages_json_records.hpp). Meta writes every non-ASCII string as its UTF-8 bytes
// escaped one by one as code points U+0080..U+00FF ("\u00c3\u00a9" for "é"); those are repaired.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "messages_json_records.hpp"
#include "status_macros.hpp"

namespace evidence::messages_internal {

namespace {

using json = nlohmann::json;

constexpr std::string_view kLabel = "messenger";

// A string member repaired and sanitised, or "" when absent or not a string.
std::string Str(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return "";
  return LossyUtf8(RepairMetaMojibake(it->get_ref<const std::string&>()));
}

std::optional<int64_t> Int(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  return std::nullopt;
}

bool True(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

// Every string in `v` repaired; floats dropped (extra never holds floats).
json RepairAll(const json& v, int depth = 0) {
  if (depth > 16) return nullptr;
  if (v.is_string()) return LossyUtf8(RepairMetaMojibake(v.get_ref<const std::string&>()));
  if (v.is_number_float()) return nullptr;
  if (v.is_object()) {
    json out = json::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      out[LossyUtf8(RepairMetaMojibake(it.key()))] = RepairAll(it.value(), depth + 1);
    }
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const auto& e : v) out.push_back(RepairAll(e, depth + 1));
    return out;
  }
  return v;
}

Status OnRecord(RecordExport& s, json&& r, uint64_t ordinal) {
  Message m;
  m.sender = Str(r, "sender_name");
  if (auto ms = Int(r, "timestamp_ms")) {
    m.time = FormatUnixMillisUtc(*ms);
    m.extra["timestamp_ms"] = *ms;
  } else if (auto sec = Int(r, "timestamp"); sec && *sec > -62135596800 && *sec < 253402300799) {
    // Exports before 2018 counted seconds.
    m.time = FormatUnixMillisUtc(*sec * 1000);
    m.extra["timestamp"] = *sec;
  }
  if (!m.time) {
    m.extra["date_error"] = "no usable timestamp_ms";
    s.Warn(ordinal, "no usable timestamp_ms");
  }
  m.text = Str(r, "content");
  s.CutText(ordinal, &m);
  const std::string type = Str(r, "type");
  if (!type.empty()) m.extra["type"] = type;
  // Joins and leaves of a group are notices from the service, attributed to whoever did it.
  if (type == "Subscribe" || type == "Unsubscribe") {
    m.system = true;
    if (!m.sender.empty()) m.extra["actor"] = m.sender;
    m.sender.clear();
    if (auto it = r.find("users"); it != r.end() && it->is_array()) {
      m.extra["users"] = RepairAll(*it);
    }
  }
  for (const char* kind : {"photos", "videos", "audio_files", "files", "gifs"}) {
    auto it = r.find(kind);
    if (it == r.end() || !it->is_array()) continue;
    for (const auto& f : *it) {
      if (!f.is_object()) continue;
      Attachment a;
      a.name = Str(f, "uri");
      a.media_type = MediaTypeForName(a.name);
      m.attachments.push_back(std::move(a));
    }
  }
  if (auto it = r.find("sticker"); it != r.end() && it->is_object()) {
    Attachment a;
    a.name = Str(*it, "uri");
    a.media_type = MediaTypeForName(a.name);
    m.attachments.push_back(std::move(a));
    m.extra["sticker"] = true;
  }
  if (auto it = r.find("share"); it != r.end() && it->is_object()) {
    m.extra["share"] = RepairAll(*it);
  }
  if (auto it = r.find("reactions"); it != r.end() && it->is_array() && !it->empty()) {
    m.extra["reactions"] = RepairAll(*it);
  }
  if (True(r, "is_unsent")) m.extra["unsent"] = true;
  if (True(r, "is_taken_down")) m.extra["taken_down"] = true;
  if (True(r, "is_geoblocked_for_viewer")) m.extra["geoblocked"] = true;
  if (auto d = Int(r, "call_duration")) m.extra["call_duration_s"] = *d;
  if (auto it = r.find("missed"); it != r.end() && it->is_boolean()) {
    m.extra["missed"] = it->get<bool>();
  }
  return s.Deliver(std::move(m));
}

Status OnMember(RecordExport& s, const std::string& key, json&& v) {
  if (key == "participants" && v.is_array()) {
    json names = json::array();
    for (const auto& p : v) {
      if (p.is_object() && names.size() < 10000) names.push_back(Str(p, "name"));
    }
    s.summary.fields["participants"] = std::move(names);
  } else if ((key == "title" || key == "thread_path" || key == "thread_type") && v.is_string()) {
    std::string value = LossyUtf8(RepairMetaMojibake(v.get_ref<const std::string&>()));
    TruncateUtf8(value, 4096);
    s.summary.fields[key] = std::move(value);
  } else if (key == "is_still_participant" && v.is_boolean()) {
    s.summary.fields[key] = v.get<bool>();
  }
  return Status::Ok();
}

Result<ExportSummary> Parse(const ParseOptions& options, const MessageCallback& on_message,
                            const JsonRecordSource& run) {
  RecordExport s;
  s.options = &options;
  s.on_message = &on_message;
  s.label = kLabel;
  s.summary.format = ExportFormat::kMetaMessagesJson;
  s.summary.fields["time_zone"] = "UTC (timestamp_ms)";
  s.summary.fields["order"] = "file order: newest first";
  return RunRecordExport(s, run, OnRecord, OnMember, "no \"messages\" array");
}

}  // namespace

std::string RepairMetaMojibake(std::string_view text) {
  std::string bytes;
  bool high = false;
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    const size_t n = DecodeUtf8(text, i, &cp);
    if (n == 0 || cp > 0xFF) return std::string(text);
    if (cp >= 0x80) high = true;
    bytes += static_cast<char>(static_cast<unsigned char>(cp));
    i += n;
  }
  if (!high) return std::string(text);
  size_t replaced = 0;
  (void)LossyUtf8(bytes, &replaced);
  return replaced == 0 ? bytes : std::string(text);
}

bool LooksLikeMetaMessagesJson(std::string_view head) {
  const RecordHeadShape shape = ReadRecordHeadShape(head, "messages");
  if (!shape.object) return false;
  if (HasKey(shape.first_record_keys, "sender_name") &&
      HasKey(shape.first_record_keys, "timestamp_ms")) {
    return true;
  }
  // A thread whose first message lies beyond the head (a long participant list), or one without
  // messages: the participants list and Meta's thread facts.
  return HasKey(shape.first_element_keys, "participants/name") &&
         (HasKey(shape.top_keys, "thread_path") || HasKey(shape.top_keys, "is_still_participant") ||
          HasKey(shape.top_keys, "magic_words") ||
          (shape.first_record_keys.empty() && !HasKey(shape.top_keys, "messages")));
}

Result<ExportSummary> ParseMetaMessages(const std::filesystem::path& path,
                                        const ParseOptions& options,
                                        const MessageCallback& on_message) {
  return Parse(options, on_message, JsonRecordsOfFile(path, kLabel, "messages"));
}

Result<ExportSummary> ParseMetaMessagesBuffer(std::string_view bytes, const ParseOptions& options,
                                              const MessageCallback& on_message) {
  return Parse(options, on_message, JsonRecordsOfBuffer(bytes, kLabel, "messages"));
}

}  // namespace evidence::messages_internal
