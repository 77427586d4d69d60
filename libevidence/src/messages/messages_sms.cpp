// SMS Backup & Restore (SyncTech) XML: <smses> holding <sms/> and <mms> records, read with
// libxml2's xmlTextReader so that only the current record is in memory. MMS parts carrying base64
// data become attachments described by size and SHA-256; the decoded bytes are hashed as they are
// decoded and never kept.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "evidence/hash.hpp"
#include "evidence/messages.hpp"
#include "messages_internal.hpp"
#include "status_macros.hpp"
#include "xml_util.hpp"

namespace evidence::messages_internal {

namespace {

using xml_util::GenericErrorSilencer;
using xml_util::OnXmlError;
using xml_util::ReaderPtr;
using xml_util::View;
using xml_util::XmlErrorState;

bool IsNullish(std::string_view v) { return v.empty() || v == "null"; }

// The attributes of one element, except the bulky ones handled in place.
class Attributes {
 public:
  void Add(std::string_view name, std::string_view value, uint64_t max_value) {
    std::string v(
        value.substr(0, static_cast<size_t>(std::min<uint64_t>(value.size(), max_value))));
    if (v.size() < value.size()) truncated_.emplace_back(name);
    values_.emplace_back(std::string(name), std::move(v));
  }
  std::string_view Get(std::string_view name) const {
    for (const auto& [n, v] : values_) {
      if (n == name) return v;
    }
    return {};
  }
  bool Truncated(std::string_view name) const {
    return std::find(truncated_.begin(), truncated_.end(), name) != truncated_.end();
  }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<std::string> truncated_;
};

struct Base64Hash {
  bool ok = false;
  uint64_t size = 0;
  std::string sha256;
  std::string error;
};

int Base64Value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Decodes standard base64 (white space ignored, final padding optional) and hashes the bytes in
// blocks, so a large part is never held decoded.
Base64Hash HashBase64(std::string_view text) {
  Base64Hash result;
  Sha256 sha;
  std::array<uint8_t, 48 * 1024> out;
  size_t used = 0;
  int quad[4];
  int q = 0;
  bool ended = false;
  auto emit = [&](int count) {
    const uint32_t v = (static_cast<uint32_t>(quad[0]) << 18) |
                       (static_cast<uint32_t>(quad[1]) << 12) |
                       (static_cast<uint32_t>(quad[2] < 0 ? 0 : quad[2]) << 6) |
                       static_cast<uint32_t>(quad[3] < 0 ? 0 : quad[3]);
    const uint8_t bytes[3] = {static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
                              static_cast<uint8_t>(v)};
    for (int i = 0; i < count; ++i) {
      out[used++] = bytes[i];
      if (used == out.size()) {
        sha.Update(ByteView(out.data(), used));
        result.size += used;
        used = 0;
      }
    }
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (ended) {
      result.error = "base64 data continues after its padding (offset " + std::to_string(i) + ")";
      return result;
    }
    if (c == '=') {
      if (q < 2) {
        result.error = "misplaced base64 padding (offset " + std::to_string(i) + ")";
        return result;
      }
      quad[q++] = -1;
    } else {
      const int v = Base64Value(c);
      if (v < 0 || (q > 0 && quad[q - 1] < 0)) {
        result.error = "invalid base64 character (offset " + std::to_string(i) + ")";
        return result;
      }
      quad[q++] = v;
    }
    if (q == 4) {
      if (quad[2] < 0) {
        emit(1);
        ended = true;
      } else if (quad[3] < 0) {
        emit(2);
        ended = true;
      } else {
        emit(3);
      }
      q = 0;
    }
  }
  if (q == 1) {
    result.error = "truncated base64 data";
    return result;
  }
  if (q == 2 || q == 3) {  // unpadded tail
    for (int k = q; k < 4; ++k) quad[k] = -1;
    emit(q - 1);
  }
  sha.Update(ByteView(out.data(), used));
  result.size += used;
  result.sha256 = DigestHex(sha.Finish());
  result.ok = true;
  return result;
}

// SMS and MMS "date": milliseconds since 1970, or seconds in some backups; told apart per record
// by magnitude (1e11 ms is March 1973, 1e11 s is the year 5138).
struct EpochTime {
  std::optional<std::string> rfc3339;
  std::string unit;
  std::string error;
};

EpochTime ParseEpoch(std::string_view raw) {
  EpochTime t;
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
  if (raw.empty() || ec != std::errc() || ptr != raw.data() + raw.size() || value <= 0) {
    t.error = "not a positive number of milliseconds or seconds";
    return t;
  }
  constexpr int64_t kMillisThreshold = 100000000000;  // 1e11
  int64_t millis;
  if (value >= kMillisThreshold) {
    millis = value;
    t.unit = "ms";
  } else {
    millis = value * 1000;
    t.unit = "s";
  }
  t.rfc3339 = FormatUnixMillisUtc(millis);
  if (!t.rfc3339) t.error = "out of range";
  return t;
}

// SMS "type" and MMS "msg_box" share Android's numbering.
void ApplyBox(std::string_view raw, Message* m) {
  static constexpr std::array<std::string_view, 7> kBoxes = {"",       "inbox",  "sent",  "draft",
                                                             "outbox", "failed", "queued"};
  int box = -1;
  std::from_chars(raw.data(), raw.data() + raw.size(), box);
  if (box >= 1 && box <= 6) {
    m->extra["box"] = std::string(kBoxes[static_cast<size_t>(box)]);
    if (box == 1) m->direction = "incoming";
    if (box == 2 || box >= 4) m->direction = "outgoing";
  } else if (!raw.empty()) {
    m->extra["box"] = LossyUtf8(raw);
  }
}

class SmsParser {
 public:
  SmsParser(const std::filesystem::path& path, const ParseOptions& options,
            const MessageCallback& on_message)
      : path_(path), options_(options), on_message_(on_message) {}

  Result<ExportSummary> Run() {
    xml_util::InitOnce();  // before the silencer: initialising resets the error handlers
    const GenericErrorSilencer silence;
    int flags = XML_PARSE_NONET | XML_PARSE_COMPACT;
    if (options_.allow_huge_xml_attributes) flags |= XML_PARSE_HUGE;
    EVIDENCE_ASSIGN_OR_RETURN(reader_, xml_util::OpenFileReader(path_, flags, &error_, "sms"));
    summary_.format = ExportFormat::kSmsBackupXml;
    summary_.read_unit = "records";
    summary_.fields["time_zone"] = "UTC";

    EVIDENCE_ASSIGN_OR_RETURN(const bool complete, xml_util::ReadElements(
                                                       reader_.get(), [&] { return OnElement(); },
                                                       [&] { return OnEndElement(); }));
    if (!complete || error_.set) {
      return xml_util::ReadFailure(reader_.get(), error_, "sms", root_seen_ && !root_closed_, [&] {
        return std::string("the file ends before the backup does (truncated ") +
               (in_mms_ ? "inside an <mms> record " : "") + "after " + std::to_string(index_) +
               " complete records)";
      });
    }
    if (!root_seen_) return Status::Corruption("sms: no <smses> element");
    if (in_mms_) return Status::Corruption("sms: the last <mms> record is not closed");
    summary_.message_count = index_;
    summary_.fields["sms_count"] = sms_count_;
    summary_.fields["mms_count"] = mms_count_;
    if (declared_count_ && *declared_count_ != index_) {
      AddWarning(&summary_, "sms: the backup declares " + std::to_string(*declared_count_) +
                                " messages but holds " + std::to_string(index_));
    }
    if (unknown_elements_ > 0) {
      AddWarning(&summary_, "sms: " + std::to_string(unknown_elements_) +
                                " element(s) other than <sms> and <mms> were skipped");
    }
    return std::move(summary_);
  }

 private:
  int Line() { return xmlTextReaderGetParserLineNumber(reader_.get()); }
  std::string Context() { return "sms: line " + std::to_string(Line()); }

  // Copies the current element's attributes; `data` (MMS part payloads) is hashed in place.
  Attributes ReadAttributes(std::optional<Base64Hash>* data = nullptr) {
    Attributes attrs;
    xml_util::ForEachAttribute(reader_.get(), [&](std::string_view name, std::string_view value) {
      if (data != nullptr && name == "data") {
        if (!IsNullish(value)) *data = HashBase64(value);
      } else {
        attrs.Add(name, value, options_.max_text_bytes);
      }
    });
    return attrs;
  }

  Status OnElement() {
    const std::string_view name = View(xmlTextReaderConstLocalName(reader_.get()));
    const int depth = xmlTextReaderDepth(reader_.get());
    const bool empty = xmlTextReaderIsEmptyElement(reader_.get()) == 1;
    if (!root_seen_) {
      if (name != "smses") {
        return Status::Unsupported("sms: the root element is <" + LossyUtf8(name.substr(0, 64)) +
                                   ">, not <smses>");
      }
      root_seen_ = true;
      const Attributes attrs = ReadAttributes();
      uint64_t count = 0;
      const std::string_view raw = attrs.Get("count");
      const auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), count);
      if (!raw.empty() && ec == std::errc() && p == raw.data() + raw.size()) {
        declared_count_ = count;
        summary_.fields["declared_count"] = count;
      }
      if (!IsNullish(attrs.Get("backup_set"))) {
        summary_.fields["backup_set"] = LossyUtf8(attrs.Get("backup_set"));
      }
      if (!IsNullish(attrs.Get("backup_date"))) {
        const EpochTime t = ParseEpoch(attrs.Get("backup_date"));
        if (t.rfc3339) summary_.fields["backup_date"] = *t.rfc3339;
      }
      return Status::Ok();
    }
    if (in_mms_) {
      if (name == "part") return OnPart();
      if (name == "addr") {
        const Attributes attrs = ReadAttributes();
        addrs_.emplace_back(LossyUtf8(attrs.Get("address")), std::string(attrs.Get("type")));
      }
      return Status::Ok();
    }
    if (depth != 1) return Status::Ok();
    ++summary_.read_count;
    if (name == "sms") return OnSms();
    if (name == "mms") {
      StartMms();
      if (empty) return FinishMms();
      return Status::Ok();
    }
    ++unknown_elements_;
    NoteUnparsed(&summary_, "line", static_cast<uint64_t>(Line()),
                 "<" + LossyUtf8(name.substr(0, 64)) + ">");
    return Status::Ok();
  }

  Status OnEndElement() {
    if (xmlTextReaderDepth(reader_.get()) == 0) root_closed_ = true;
    if (in_mms_ && xmlTextReaderDepth(reader_.get()) == 1 &&
        View(xmlTextReaderConstLocalName(reader_.get())) == "mms") {
      return FinishMms();
    }
    return Status::Ok();
  }

  void SetTime(const Attributes& attrs, Message* m) {
    const std::string_view raw = attrs.Get("date");
    m->extra["date_raw"] = LossyUtf8(raw);
    const EpochTime t = ParseEpoch(raw);
    if (t.rfc3339) {
      m->time = *t.rfc3339;
      m->extra["date_unit"] = t.unit;
    } else {
      m->extra["date_error"] = t.error;
      AddWarning(&summary_, Context() + ": record " + std::to_string(index_) +
                                " has an unusable date \"" + LossyUtf8(raw.substr(0, 40)) +
                                "\": " + t.error);
    }
    const std::string_view sent = attrs.Get("date_sent");
    if (!IsNullish(sent) && sent != "0") {
      const EpochTime s = ParseEpoch(sent);
      if (s.rfc3339) m->extra["date_sent"] = *s.rfc3339;
    }
    if (!IsNullish(attrs.Get("readable_date"))) {
      m->extra["readable_date"] = LossyUtf8(attrs.Get("readable_date"));
    }
    const std::string_view contact = attrs.Get("contact_name");
    if (!IsNullish(contact) && contact != "(Unknown)") {
      m->extra["contact_name"] = LossyUtf8(contact);
    }
  }

  void SetText(std::string_view text, bool cut, Message* m) {
    m->text = LossyUtf8(text);
    if (cut || TruncateUtf8(m->text, options_.max_text_bytes)) {
      m->extra["text_truncated"] = true;
      AddWarning(&summary_, Context() + ": message text longer than " +
                                std::to_string(options_.max_text_bytes) + " bytes was cut");
    }
  }

  Status OnSms() {
    const Attributes attrs = ReadAttributes();
    Message m;
    m.extra["kind"] = "sms";
    ApplyBox(attrs.Get("type"), &m);
    const std::string address = LossyUtf8(attrs.Get("address"));
    m.extra["address"] = address;
    if (m.direction == "incoming") {
      m.sender = address;
    } else {
      m.recipients.push_back(address);
    }
    SetTime(attrs, &m);
    const std::string_view body = attrs.Get("body");
    SetText(body == "null" ? std::string_view() : body, attrs.Truncated("body"), &m);
    if (!IsNullish(attrs.Get("subject"))) m.extra["subject"] = LossyUtf8(attrs.Get("subject"));
    ++sms_count_;
    return Emit(std::move(m));
  }

  void StartMms() {
    in_mms_ = true;
    mms_ = Message();
    mms_.extra["kind"] = "mms";
    mms_text_.clear();
    mms_text_cut_ = false;
    addrs_.clear();
    const Attributes attrs = ReadAttributes();
    ApplyBox(attrs.Get("msg_box"), &mms_);
    mms_address_ = LossyUtf8(attrs.Get("address"));
    mms_.extra["address"] = mms_address_;
    SetTime(attrs, &mms_);
    const std::string_view subject = attrs.Get("sub");
    if (!IsNullish(subject)) mms_.extra["subject"] = LossyUtf8(subject);
  }

  Status OnPart() {
    std::optional<Base64Hash> data;
    const Attributes attrs = ReadAttributes(&data);
    std::string type(attrs.Get("ct"));
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (type == "application/smil") return Status::Ok();  // layout, not content
    const std::string_view text = attrs.Get("text");
    if (type == "text/plain" && !data) {
      if (!IsNullish(text)) {
        if (!mms_text_.empty()) mms_text_ += '\n';
        mms_text_.append(text);
        mms_text_cut_ = mms_text_cut_ || attrs.Truncated("text");
      }
      return Status::Ok();
    }
    Attachment a;
    for (std::string_view key : {"fn", "cl", "name"}) {
      if (!IsNullish(attrs.Get(key))) {
        a.name = LossyUtf8(attrs.Get(key));
        break;
      }
    }
    a.media_type = type.empty() ? MediaTypeForName(a.name) : LossyUtf8(type);
    if (data) {
      if (data->ok) {
        a.size = data->size;
        a.sha256 = data->sha256;
      } else {
        nlohmann::json err = {{"name", a.name}, {"error", data->error}};
        mms_.extra["attachment_errors"].push_back(std::move(err));
        AddWarning(&summary_,
                   Context() + ": mms part '" + a.name + "' cannot be decoded: " + data->error);
      }
    } else if (!IsNullish(text) && !attrs.Truncated("text")) {
      // Parts such as text/x-vcard carry their content as text.
      a.size = text.size();
      a.sha256 = DigestHex(Sha256::Of(text));
    }
    mms_.attachments.push_back(std::move(a));
    return Status::Ok();
  }

  Status FinishMms() {
    in_mms_ = false;
    Message m = std::move(mms_);
    std::string from;
    std::vector<std::string> recipients;
    for (const auto& [address, type] : addrs_) {
      if (address.empty() || address == "insert-address-token") continue;
      if (type == "137") {
        if (from.empty()) from = address;
      } else if (type == "151" || type == "130" || type == "129") {
        if (std::find(recipients.begin(), recipients.end(), address) == recipients.end()) {
          recipients.push_back(address);
        }
      }
    }
    if (m.direction == "incoming") {
      m.sender = from.empty() ? mms_address_ : from;
    } else {
      m.sender = from;
    }
    if (recipients.empty() && m.direction != "incoming" && !mms_address_.empty()) {
      // Group MMS list their numbers in one "address" joined by '~'.
      size_t start = 0;
      while (start <= mms_address_.size()) {
        const size_t tilde = mms_address_.find('~', start);
        const size_t end = tilde == std::string::npos ? mms_address_.size() : tilde;
        if (end > start) recipients.push_back(mms_address_.substr(start, end - start));
        if (tilde == std::string::npos) break;
        start = tilde + 1;
      }
    }
    m.recipients = std::move(recipients);
    SetText(mms_text_, mms_text_cut_, &m);
    ++mms_count_;
    return Emit(std::move(m));
  }

  Status Emit(Message&& m) {
    m.extra["line"] = Line();
    m.index = index_++;
    return on_message_(std::move(m));
  }

  const std::filesystem::path& path_;
  const ParseOptions& options_;
  const MessageCallback& on_message_;
  ReaderPtr reader_;
  XmlErrorState error_;
  ExportSummary summary_;
  bool root_seen_ = false;
  bool root_closed_ = false;
  std::optional<uint64_t> declared_count_;
  uint64_t index_ = 0;
  uint64_t sms_count_ = 0;
  uint64_t mms_count_ = 0;
  uint64_t unknown_elements_ = 0;
  bool in_mms_ = false;
  Message mms_;
  std::string mms_text_;
  bool mms_text_cut_ = false;
  std::string mms_address_;
  std::vector<std::pair<std::string, std::string>> addrs_;
};

}  // namespace

Result<ExportSummary> ParseSmsBackup(const std::filesystem::path& path, const ParseOptions& options,
                                     const MessageCallback& on_message) {
  SmsParser parser(path, options, on_message);
  return parser.Run();
}

}  // namespace evidence::messages_internal
