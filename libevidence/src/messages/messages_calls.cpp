// Call logs as XML: SMS Backup & Restore / Call Logs Backup & Restore (<calls> of <call/>) and
// SuperBackup (<alllogs> of <log/>). Both write one empty element per call whose attributes carry
// Android's CallLog columns, read here with libxml2's xmlTextReader so that only the current record
// is in memory. The rules (type codes, withheld numbers, time zone) are in docs/messages.md.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "status_macros.hpp"
#include "xml_util.hpp"

namespace evidence {

bool IsMissedCallType(std::string_view type) {
  return type == "missed" || type == "voicemail" || type == "rejected" || type == "blocked";
}

namespace messages_internal {

void SetCallParties(Message* m) {
  const Call& c = *m->call;
  m->extra["kind"] = "call";
  if (c.type == "outgoing") {
    m->direction = "outgoing";
    m->sender.clear();
    if (!c.number.empty()) m->recipients = {c.number};
  } else if (c.type == "unknown" || c.type == "recorded") {
    m->direction.clear();
    m->sender = c.number;
  } else {
    m->direction = "incoming";
    m->sender = c.number;
  }
}

std::string AndroidCallType(std::string_view raw) {
  static constexpr std::array<std::string_view, 8> kTypes = {
      "",          "incoming", "outgoing", "missed",
      "voicemail", "rejected", "blocked",  "answered-elsewhere"};
  int code = -1;
  const auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), code);
  if (!raw.empty() && ec == std::errc() && p == raw.data() + raw.size() && code >= 1 && code <= 7) {
    return std::string(kTypes[static_cast<size_t>(code)]);
  }
  // Some writers spell the type out ("Incoming", "MISSED").
  std::string lower;
  for (char c : raw.substr(0, 32)) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (size_t i = 1; i < kTypes.size(); ++i) {
    if (lower == kTypes[i]) return lower;
  }
  return "unknown";
}

namespace {

using xml_util::View;

bool IsNullish(std::string_view v) { return v.empty() || v == "null"; }

class Attributes {
 public:
  void Add(std::string_view name, std::string_view value, uint64_t max_value) {
    values_.emplace_back(std::string(name),
                         std::string(value.substr(
                             0, static_cast<size_t>(std::min<uint64_t>(value.size(), max_value)))));
  }
  // The first of `names` that is present and not "null".
  std::string_view Get(std::initializer_list<std::string_view> names) const {
    for (std::string_view want : names) {
      for (const auto& [n, v] : values_) {
        if (n == want && !IsNullish(v)) return v;
      }
    }
    return {};
  }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

std::optional<uint64_t> ParseUnsigned(std::string_view raw) {
  uint64_t v = 0;
  const auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
  if (raw.empty() || ec != std::errc() || p != raw.data() + raw.size()) return std::nullopt;
  return v;
}

// Android's CallLog.Calls.NUMBER holds "-1", "-2" and "-3" for a hidden number, and the newer
// PRESENTATION column says the same with 2, 3 and 4.
std::string Presentation(std::string_view number, std::string_view presentation) {
  if (number == "-1" || presentation == "2") return "withheld";
  if (number == "-2" || presentation == "3") return "unknown";
  if (number == "-3" || presentation == "4") return "payphone";
  return "";
}

class CallLogParser {
 public:
  CallLogParser(const std::filesystem::path& path, ExportFormat format, const ParseOptions& options,
                const MessageCallback& on_message)
      : path_(path), format_(format), options_(options), on_message_(on_message) {
    superbackup_ = format == ExportFormat::kSuperBackupCalls;
    root_name_ = superbackup_ ? "alllogs" : "calls";
    record_name_ = superbackup_ ? "log" : "call";
    label_ = superbackup_ ? "superbackup calls" : "calls";
  }

  Result<ExportSummary> Run() {
    xml_util::InitOnce();  // before the silencer: initialising resets the error handlers
    const xml_util::GenericErrorSilencer silence;
    EVIDENCE_ASSIGN_OR_RETURN(
        reader_,
        xml_util::OpenFileReader(path_, XML_PARSE_NONET | XML_PARSE_COMPACT, &error_, label_));
    summary_.format = format_;
    summary_.fields["time_zone"] = "UTC";

    EVIDENCE_ASSIGN_OR_RETURN(const bool complete, xml_util::ReadElements(
                                                       reader_.get(), [&] { return OnElement(); },
                                                       [&] {
                                                         if (xmlTextReaderDepth(reader_.get()) == 0)
                                                           root_closed_ = true;
                                                         return Status::Ok();
                                                       }));
    if (!complete || error_.set) {
      return xml_util::ReadFailure(reader_.get(), error_, label_, root_seen_ && !root_closed_, [&] {
        return "the file ends before the call log does (truncated after " + std::to_string(index_) +
               " complete records)";
      });
    }
    if (!root_seen_) return Status::Corruption(label_ + ": no <" + root_name_ + "> element");
    summary_.message_count = index_;
    summary_.fields["call_count"] = index_;
    nlohmann::json by_type = nlohmann::json::object();
    for (const auto& [t, n] : by_type_) by_type[t] = n;
    summary_.fields["calls_by_type"] = by_type;
    if (declared_count_ && *declared_count_ != index_) {
      AddWarning(&summary_, label_ + ": the backup declares " + std::to_string(*declared_count_) +
                                " calls but holds " + std::to_string(index_));
    }
    if (unknown_elements_ > 0) {
      AddWarning(&summary_, label_ + ": " + std::to_string(unknown_elements_) +
                                " element(s) other than <" + record_name_ + "> were skipped");
    }
    return std::move(summary_);
  }

 private:
  int Line() { return xmlTextReaderGetParserLineNumber(reader_.get()); }
  std::string Context() { return label_ + ": line " + std::to_string(Line()); }

  Attributes ReadAttributes() {
    Attributes attrs;
    xml_util::ForEachAttribute(reader_.get(), [&](std::string_view name, std::string_view value) {
      attrs.Add(name, value, options_.max_text_bytes);
    });
    return attrs;
  }

  Status OnElement() {
    const std::string_view name = View(xmlTextReaderConstLocalName(reader_.get()));
    const int depth = xmlTextReaderDepth(reader_.get());
    if (!root_seen_) {
      if (name != root_name_) {
        return Status::Unsupported(label_ + ": the root element is <" +
                                   LossyUtf8(name.substr(0, 64)) + ">, not <" + root_name_ + ">");
      }
      root_seen_ = true;
      const Attributes attrs = ReadAttributes();
      if (auto n = ParseUnsigned(attrs.Get({"count"}))) {
        declared_count_ = *n;
        summary_.fields["declared_count"] = *n;
      }
      if (!attrs.Get({"backup_set"}).empty()) {
        summary_.fields["backup_set"] = LossyUtf8(attrs.Get({"backup_set"}));
      }
      if (auto ms = ParseUnsigned(attrs.Get({"backup_date"}))) {
        if (auto t =
                FormatUnixMillisUtc(static_cast<int64_t>(std::min<uint64_t>(*ms, INT64_MAX)))) {
          summary_.fields["backup_date"] = *t;
        }
      }
      return Status::Ok();
    }
    if (depth != 1) return Status::Ok();
    if (name != record_name_) {
      ++unknown_elements_;
      return Status::Ok();
    }
    return OnCall();
  }

  Status OnCall() {
    const Attributes attrs = ReadAttributes();
    Message m;
    Call c;
    const std::string_view raw_type = attrs.Get({"type"});
    c.type = AndroidCallType(raw_type);
    m.extra["type_raw"] = LossyUtf8(raw_type);
    const std::string_view number = attrs.Get({"number"});
    c.presentation = Presentation(number, attrs.Get({"presentation"}));
    if (c.presentation.empty()) {
      c.number = LossyUtf8(number);
      const std::string_view post_dial = attrs.Get({"post_dial_digits"});
      if (!post_dial.empty()) m.extra["post_dial_digits"] = LossyUtf8(post_dial);
    } else if (!number.empty()) {
      m.extra["number_raw"] = LossyUtf8(number);
    }
    const std::string_view contact = attrs.Get({"contact_name", "name"});
    if (contact != "(Unknown)") c.contact = LossyUtf8(contact);
    const std::string_view duration = attrs.Get({"duration", "dur"});
    if (!duration.empty()) {
      c.duration_s = ParseUnsigned(duration);
      if (!c.duration_s) {
        m.extra["duration_raw"] = LossyUtf8(duration);
        AddWarning(&summary_, Context() + ": call " + std::to_string(index_) +
                                  " has an unusable duration \"" +
                                  LossyUtf8(duration.substr(0, 40)) + "\"");
      }
    }
    const std::string_view date = attrs.Get({"date"});
    m.extra["date_raw"] = LossyUtf8(date);
    const auto ms = ParseUnsigned(date);
    std::optional<std::string> t;
    // Milliseconds since 1970 (a value under 1e11 would be March 1973 in ms: it is seconds).
    if (ms && *ms > 0 && *ms <= 253402300799999ull) {
      t = FormatUnixMillisUtc(static_cast<int64_t>(*ms < 100000000000ull ? *ms * 1000 : *ms));
    }
    if (t) {
      m.time = *t;
    } else {
      AddWarning(&summary_, Context() + ": call " + std::to_string(index_) +
                                " has an unusable date \"" + LossyUtf8(date.substr(0, 40)) + "\"");
    }
    for (std::string_view key : {"readable_date", "time"}) {
      if (!attrs.Get({key}).empty()) {
        m.extra["readable_date"] = LossyUtf8(attrs.Get({key}));
        break;
      }
    }
    by_type_[c.type]++;
    m.call = std::move(c);
    SetCallParties(&m);
    m.extra["line"] = Line();
    m.index = index_++;
    return on_message_(std::move(m));
  }

  const std::filesystem::path& path_;
  ExportFormat format_;
  const ParseOptions& options_;
  const MessageCallback& on_message_;
  bool superbackup_ = false;
  std::string root_name_, record_name_, label_;
  xml_util::ReaderPtr reader_;
  xml_util::XmlErrorState error_;
  ExportSummary summary_;
  bool root_seen_ = false;
  bool root_closed_ = false;
  std::optional<uint64_t> declared_count_;
  uint64_t index_ = 0;
  uint64_t unknown_elements_ = 0;
  std::map<std::string, uint64_t> by_type_;
};

}  // namespace

Result<ExportSummary> ParseCallLogXml(const std::filesystem::path& path, ExportFormat format,
                                      const ParseOptions& options,
                                      const MessageCallback& on_message) {
  CallLogParser parser(path, format, options, on_message);
  return parser.Run();
}

}  // namespace messages_internal
}  // namespace evidence
