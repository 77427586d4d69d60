// Google Chat (Hangouts Chat) Takeout: Google Chat/Groups/<space>/messages.json, a top-level
// object whose "messages" array holds {creator{name,email,user_type}, created_date, text,
// attached_files, annotations, topic_id, message_id}. Streamed one message at a time
// (messages_json_records.hpp). Dates are English prose with a stated zone:
// "Wednesday, April 15, 2015 at 6:24:13 PM UTC".
#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "messages_json_records.hpp"
#include "status_macros.hpp"

namespace evidence::messages_internal {

namespace {

using json = nlohmann::json;

constexpr std::string_view kLabel = "google chat";

std::string Str(const json& obj, std::string_view key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return "";
  return LossyUtf8(it->get_ref<const std::string&>());
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int MonthNumber(std::string_view name) {
  static constexpr std::string_view kMonths[] = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
  const std::string n = Lower(name);
  for (int i = 0; i < 12; ++i) {
    if (n == kMonths[i] || (n.size() == 3 && kMonths[i].substr(0, 3) == n)) return i + 1;
  }
  return 0;
}

bool IsWeekday(std::string_view name) {
  static constexpr std::string_view kDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                               "friday", "saturday", "sunday"};
  const std::string n = Lower(name);
  for (auto d : kDays) {
    if (n == d || (n.size() == 3 && d.substr(0, 3) == n)) return true;
  }
  return false;
}

std::optional<int> Number(std::string_view s, size_t min_len, size_t max_len) {
  if (s.size() < min_len || s.size() > max_len) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Minutes east of UTC for "UTC", "GMT", "Z", "UTC+5", "GMT-07:00", "UTC+0530" and the US zone
// abbreviations Takeout uses; nullopt when unknown.
std::optional<int> ZoneOffset(std::string_view zone, bool* utc) {
  const std::string z = Lower(zone);
  *utc = false;
  if (z == "utc" || z == "gmt" || z == "z" || z == "ut") {
    *utc = true;
    return 0;
  }
  static constexpr std::pair<std::string_view, int> kNamed[] = {
      {"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},  {"mst", -420},
      {"mdt", -360}, {"pst", -480}, {"pdt", -420}, {"akst", -540}, {"akdt", -480},
      {"hst", -600}, {"cet", 60},   {"cest", 120}, {"bst", 60},    {"ist", 330}};
  for (const auto& [name, off] : kNamed) {
    if (z == name) return off;
  }
  std::string_view rest;
  if (z.rfind("utc", 0) == 0 || z.rfind("gmt", 0) == 0) {
    rest = std::string_view(zone).substr(3);
  } else {
    return std::nullopt;
  }
  if (rest.empty() || (rest[0] != '+' && rest[0] != '-')) return std::nullopt;
  const int sign = rest[0] == '-' ? -1 : 1;
  rest.remove_prefix(1);
  int hours = 0;
  int minutes = 0;
  const size_t colon = rest.find(':');
  if (colon != std::string_view::npos) {
    auto h = Number(rest.substr(0, colon), 1, 2);
    auto m = Number(rest.substr(colon + 1), 2, 2);
    if (!h || !m) return std::nullopt;
    hours = *h, minutes = *m;
  } else if (rest.size() == 4) {
    auto h = Number(rest.substr(0, 2), 2, 2);
    auto m = Number(rest.substr(2), 2, 2);
    if (!h || !m) return std::nullopt;
    hours = *h, minutes = *m;
  } else {
    auto h = Number(rest, 1, 2);
    if (!h) return std::nullopt;
    hours = *h;
  }
  if (hours > 14 || minutes > 59) return std::nullopt;
  return sign * (hours * 60 + minutes);
}

}  // namespace

std::optional<std::string> ParseGoogleChatDate(std::string_view value) {
  // Newer exports put a narrow no-break space (U+202F) before AM/PM; treat NBSPs as spaces.
  std::string v;
  for (size_t i = 0; i < value.size() && i < 256; ++i) {
    if (value.substr(i, 3) == "\xE2\x80\xAF") {
      v += ' ';
      i += 2;
    } else if (value.substr(i, 2) == "\xC2\xA0") {
      v += ' ';
      i += 1;
    } else {
      v += value[i];
    }
  }
  std::vector<std::string_view> t;
  std::string_view sv = v;
  size_t i = 0;
  while (i < sv.size()) {
    if (sv[i] == ' ' || sv[i] == ',') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < sv.size() && sv[j] != ' ' && sv[j] != ',') ++j;
    t.push_back(sv.substr(i, j - i));
    if (t.size() > 12) return std::nullopt;
    i = j;
  }
  size_t k = 0;
  if (k < t.size() && IsWeekday(t[k])) ++k;
  if (k + 3 > t.size()) return std::nullopt;
  const int month = MonthNumber(t[k++]);
  auto day = Number(t[k++], 1, 2);
  auto year = Number(t[k++], 4, 4);
  if (month == 0 || !day || !year || !IsValidCivilDate(*year, month, *day)) return std::nullopt;
  if (k < t.size() && Lower(t[k]) == "at") ++k;
  if (k >= t.size()) return std::nullopt;
  std::string_view clock = t[k++];
  const size_t c1 = clock.find(':');
  if (c1 == std::string_view::npos) return std::nullopt;
  const size_t c2 = clock.find(':', c1 + 1);
  auto hour = Number(clock.substr(0, c1), 1, 2);
  auto minute =
      Number(clock.substr(c1 + 1, c2 == std::string_view::npos ? clock.npos : c2 - c1 - 1), 2, 2);
  std::optional<int> second = 0;
  if (c2 != std::string_view::npos) second = Number(clock.substr(c2 + 1), 2, 2);
  if (!hour || !minute || !second || *minute > 59 || *second > 60) return std::nullopt;
  int h = *hour;
  if (k < t.size()) {
    const std::string marker = Lower(t[k]);
    if (marker == "am" || marker == "pm" || marker == "a.m." || marker == "p.m.") {
      if (h < 1 || h > 12) return std::nullopt;
      h = h % 12 + (marker[0] == 'p' ? 12 : 0);
      ++k;
    }
  }
  if (h > 23) return std::nullopt;
  if (k == t.size()) return FormatLocalTime(*year, month, *day, h, *minute, *second);
  if (k + 1 != t.size()) return std::nullopt;
  bool utc = false;
  auto offset = ZoneOffset(t[k], &utc);
  if (!offset) return std::nullopt;
  std::string local = FormatLocalTime(*year, month, *day, h, *minute, *second);
  if (utc) return local + "Z";
  char buf[16];
  const int abs_off = *offset < 0 ? -*offset : *offset;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", *offset < 0 ? '-' : '+', abs_off / 60,
                abs_off % 60);
  return local + buf;
}

namespace {

Status OnRecord(RecordExport& s, json&& r, uint64_t ordinal) {
  Message m;
  if (auto it = r.find("creator"); it != r.end() && it->is_object()) {
    m.sender = Str(*it, "name");
    const std::string email = Str(*it, "email");
    if (!email.empty()) m.extra["sender_email"] = email;
    const std::string type = Str(*it, "user_type");
    if (!type.empty()) m.extra["user_type"] = type;
    if (m.sender.empty()) m.sender = email;
  }
  const std::string created = Str(r, "created_date");
  if (!created.empty()) {
    m.extra["date_raw"] = CutUtf8(created, 256);
    m.time = ParseGoogleChatDate(created);
  }
  if (!m.time) {
    m.extra["date_error"] = created.empty() ? "no created_date" : "created_date does not parse";
    s.Warn(ordinal, created.empty() ? "no created_date" : "created_date does not parse");
  }
  const std::string updated = Str(r, "updated_date");
  if (!updated.empty()) {
    m.extra["updated_date_raw"] = CutUtf8(updated, 256);
    if (auto t = ParseGoogleChatDate(updated)) m.extra["updated_time"] = *t;
  }
  m.text = Str(r, "text");
  s.CutText(ordinal, &m);
  if (auto it = r.find("attached_files"); it != r.end() && it->is_array()) {
    json files = json::array();
    for (const auto& f : *it) {
      if (!f.is_object()) continue;
      const std::string original = Str(f, "original_name");
      const std::string exported = Str(f, "export_name");
      Attachment a;
      // The file beside messages.json carries the export name; the original is what was sent.
      a.name = exported.empty() ? original : exported;
      a.media_type = MediaTypeForName(original.empty() ? exported : original);
      m.attachments.push_back(std::move(a));
      files.push_back({{"original_name", original}, {"export_name", exported}});
    }
    if (!files.empty()) m.extra["attached_files"] = std::move(files);
  }
  if (auto it = r.find("annotations"); it != r.end() && it->is_array()) {
    json links = json::array();
    json drive = json::array();
    for (const auto& a : *it) {
      if (!a.is_object()) continue;
      if (auto u = a.find("url_metadata"); u != a.end() && u->is_object()) {
        std::string url;
        if (auto w = u->find("url"); w != u->end() && w->is_object()) {
          url = Str(*w, "private_do_not_access_or_else_safe_url_wrapped_value");
        }
        links.push_back({{"url", url}, {"title", Str(*u, "title")}});
      }
      if (auto d = a.find("drive_metadata"); d != a.end() && d->is_object()) {
        drive.push_back({{"id", Str(*d, "id")}, {"title", Str(*d, "title")}});
      }
    }
    if (!links.empty()) m.extra["links"] = std::move(links);
    if (!drive.empty()) m.extra["drive_files"] = std::move(drive);
  }
  if (auto it = r.find("quoted_message_metadata"); it != r.end() && it->is_object()) {
    m.extra["quoted_text"] = Str(*it, "text");
  }
  for (const char* key : {"message_id", "topic_id", "message_state", "deleted_date"}) {
    const std::string value = Str(r, key);
    if (!value.empty()) m.extra[key] = CutUtf8(value, 1024);
  }
  return s.Deliver(std::move(m));
}

Result<ExportSummary> Parse(const ParseOptions& options, const MessageCallback& on_message,
                            const JsonRecordSource& run) {
  RecordExport s;
  s.options = &options;
  s.on_message = &on_message;
  s.label = kLabel;
  s.summary.format = ExportFormat::kGoogleChatJson;
  s.summary.fields["time_zone"] = "as stated in each created_date (UTC in Takeout)";
  return RunRecordExport(s, run, OnRecord, nullptr, "no messages");
}

}  // namespace

bool LooksLikeGoogleChatJson(std::string_view head) {
  const RecordHeadShape shape = ReadRecordHeadShape(head, "messages");
  return shape.object && HasKey(shape.first_record_keys, "creator") &&
         HasKey(shape.first_record_keys, "created_date");
}

Result<ExportSummary> ParseGoogleChat(const std::filesystem::path& path,
                                      const ParseOptions& options,
                                      const MessageCallback& on_message) {
  return Parse(options, on_message, JsonRecordsOfFile(path, kLabel, "messages"));
}

Result<ExportSummary> ParseGoogleChatBuffer(std::string_view bytes, const ParseOptions& options,
                                            const MessageCallback& on_message) {
  return Parse(options, on_message, JsonRecordsOfBuffer(bytes, kLabel, "messages"));
}

}  // namespace evidence::messages_internal
