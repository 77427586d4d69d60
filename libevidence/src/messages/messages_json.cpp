// Streaming JSON for large chat exports (see messages_json.hpp): a buffered file source that
// nlohmann's SAX parser reads through an input iterator, a SAX handler that keeps only the values
// a format asks for, the bounded head scan used by detection, and the date-time grammar.
#include "messages_json.hpp"

#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>
#include <utility>

#include "messages_internal.hpp"

namespace evidence::messages_internal {

namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// The file, read through a fixed buffer.

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

class JsonFileSource {
 public:
  JsonFileSource(std::FILE* file, uint64_t max_token_bytes)
      : file_(file), buffer_(256 * 1024), max_token_bytes_(max_token_bytes) {}

  // A forward-only iterator over the bytes, as nlohmann's iterator input adapter wants one. It
  // compares equal to the end once the file is exhausted, unreadable, or a token grew past the
  // limit, so the parser sees an end of input and reports it; the source then says why.
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    Iterator() = default;
    explicit Iterator(JsonFileSource* source) : source_(source) {}
    const char& operator*() const { return source_->buffer_[source_->pos_]; }
    Iterator& operator++() {
      source_->Advance();
      return *this;
    }
    bool operator==(const Iterator& other) const {
      // Only ever compared with the end iterator (source_ == nullptr) by the parser.
      if (other.source_ == nullptr) return AtEnd();
      return AtEnd() == other.AtEnd();
    }
    bool operator!=(const Iterator& other) const { return !(*this == other); }

   private:
    bool AtEnd() const { return source_ == nullptr || source_->AtEnd(); }
    JsonFileSource* source_ = nullptr;
  };

  Iterator begin() { return Iterator(this); }
  static Iterator end() { return Iterator(); }

  // Called on every SAX event: the bytes since the last event make up one token. The length is
  // checked when the buffer is refilled, not per byte, so a token may overshoot the limit by at
  // most one buffer.
  void Event() { event_offset_ = before_ + pos_; }
  uint64_t Offset() const { return before_ + pos_; }
  bool token_cut() const { return token_cut_; }
  bool io_error() const { return io_error_; }
  bool exhausted() const { return eof_ && pos_ >= len_; }

 private:
  void Advance() { ++pos_; }
  bool AtEnd() {
    if (pos_ < len_) [[likely]] {
      return false;
    }
    return RefillAtEnd();
  }
  // Out of line, so the per-byte path above stays small enough to inline into the lexer.
  [[gnu::noinline]] bool RefillAtEnd() {
    Refill();
    return pos_ >= len_;
  }
  void Refill() {
    if (eof_) return;
    before_ += len_;
    pos_ = 0;
    if (before_ - event_offset_ > max_token_bytes_) {
      token_cut_ = true;
      eof_ = true;
      len_ = 0;
      return;
    }
    len_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
    if (len_ < buffer_.size()) {
      eof_ = true;
      if (std::ferror(file_)) io_error_ = true;
    }
  }

  std::FILE* file_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t len_ = 0;
  uint64_t before_ = 0;  // bytes of the file before buffer_[0]
  bool eof_ = false;
  bool io_error_ = false;
  bool token_cut_ = false;
  uint64_t event_offset_ = 0;  // where the last SAX event was
  uint64_t max_token_bytes_;
};

// ---------------------------------------------------------------------------------------------
// One captured value, built under a byte budget.

class ValueBuilder {
 public:
  explicit ValueBuilder(const JsonStreamLimits& limits) : limits_(limits) {}

  void Reset() {
    root_ = json();
    stack_.clear();
    bytes_ = 0;
    info_ = JsonCapture();
  }
  // Adds a scalar; true when it completes the value.
  bool Scalar(json&& value) {
    Add(std::move(value));
    return stack_.empty();
  }
  void String(std::string& s) {
    if (s.size() > limits_.max_string_bytes) {
      TruncateUtf8(s, limits_.max_string_bytes);
      info_.strings_cut = true;
    }
    bytes_ += s.size();
    Add(json(std::move(s)));
  }
  void Start(bool object) { stack_.push_back(Add(object ? json::object() : json::array())); }
  // True when the member about to start is one the limits call redundant (see JsonStreamLimits).
  bool Redundant() const {
    if (stack_.size() != 1 || stack_[0] == nullptr || !stack_[0]->is_object()) return false;
    for (const auto& [member, repeats] : limits_.redundant_members) {
      if (key_ == member && stack_[0]->contains(repeats)) return true;
    }
    return false;
  }
  // Drops the member about to start (and everything inside it).
  void Skip(bool container) {
    if (container) stack_.push_back(nullptr);
  }
  // True when it completes the value.
  bool End() {
    stack_.pop_back();
    return stack_.empty();
  }
  void Key(const std::string& key) {
    key_.assign(key, 0, std::min<size_t>(key.size(), 1024));
    bytes_ += key_.size();
  }
  json Take(uint64_t offset) {
    info_.offset = offset;
    return std::move(root_);
  }
  const JsonCapture& info() const { return info_; }

 private:
  // Where the value went, or nullptr when it was dropped (over budget, or inside a dropped
  // container).
  json* Add(json&& value) {
    // A fixed cost per value stands for the DOM node and map entry it takes.
    bytes_ += 64;
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json* parent = stack_.back();
    if (parent == nullptr) return nullptr;
    if (bytes_ > limits_.max_value_bytes) {
      info_.over_budget = true;
      return nullptr;
    }
    if (parent->is_array()) {
      parent->push_back(std::move(value));
      return &parent->back();
    }
    json& slot = (*parent)[key_];
    slot = std::move(value);
    return &slot;
  }

  const JsonStreamLimits& limits_;
  json root_;
  std::vector<json*> stack_;
  std::string key_;
  uint64_t bytes_ = 0;
  JsonCapture info_;
};

// ---------------------------------------------------------------------------------------------
// The SAX handler that walks the document and captures what the format wants.

class StreamSax {
 public:
  StreamSax(JsonFileSource& source, const JsonStreamLimits& limits, JsonStreamHandler& handler,
            std::string_view context)
      : source_(source), limits_(limits), handler_(handler), builder_(limits), context_(context) {}

  bool null() { return Scalar(json(nullptr)); }
  bool boolean(bool value) { return Scalar(json(value)); }
  bool number_integer(json::number_integer_t value) { return Scalar(json(value)); }
  bool number_unsigned(json::number_unsigned_t value) { return Scalar(json(value)); }
  // Floats are kept as their text: Message::extra never holds a float.
  bool number_float(json::number_float_t, const json::string_t& raw) { return Scalar(json(raw)); }
  bool binary(json::binary_t&) { return Scalar(json(nullptr)); }

  bool string(json::string_t& value) {
    source_.Event();
    if (capture_depth_ > 0) {
      if (!builder_.Redundant()) builder_.String(value);
      return true;
    }
    if (!BeginValue(false)) return false;
    if (capture_depth_ < 0) {
      capture_depth_ = 0;
      builder_.Reset();
      builder_.String(value);
      return Deliver();
    }
    return EndValue();
  }

  bool start_object(std::size_t) { return StartContainer(true); }
  bool start_array(std::size_t) { return StartContainer(false); }
  bool end_object() { return EndContainer(); }
  bool end_array() { return EndContainer(); }

  bool key(json::string_t& key) {
    source_.Event();
    if (capture_depth_ > 0) {
      builder_.Key(key);
    } else if (!path_.empty()) {
      path_.back().key.assign(key, 0, std::min<size_t>(key.size(), 1024));
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    const std::string at = context_ + ": byte " + std::to_string(position);
    if (source_.io_error()) {
      status_ = Status::IoError(context_ + ": read failed");
    } else if (source_.token_cut()) {
      status_ = Status::Corruption(at + ": more than " + std::to_string(limits_.max_token_bytes) +
                                   " bytes without a complete JSON token (a string that long is "
                                   "refused)");
    } else {
      // nlohmann's message starts with its own exception id: keep only the readable part.
      std::string what = e.what();
      const size_t bracket = what.find("] ");
      if (bracket != std::string::npos) what.erase(0, bracket + 2);
      if (source_.exhausted() && started_) what += " (the file ends inside the JSON document)";
      status_ = Status::Corruption(at + ": " + LossyUtf8(what));
    }
    return false;
  }

  Status status() const { return status_; }

 private:
  bool Scalar(json&& value) {
    source_.Event();
    if (capture_depth_ > 0) {
      if (!builder_.Redundant()) builder_.Scalar(std::move(value));
      return true;
    }
    if (!BeginValue(false)) return false;
    if (capture_depth_ < 0) {
      capture_depth_ = 0;
      builder_.Reset();
      builder_.Scalar(std::move(value));
      return Deliver();
    }
    return EndValue();
  }

  bool StartContainer(bool object) {
    source_.Event();
    if (path_.size() + static_cast<size_t>(std::max(capture_depth_, 0)) >= limits_.max_depth) {
      status_ = Status::Corruption(context_ + ": byte " + std::to_string(source_.Offset()) +
                                   ": nesting deeper than " + std::to_string(limits_.max_depth) +
                                   " levels");
      return false;
    }
    if (capture_depth_ > 0) {
      if (builder_.Redundant()) {
        builder_.Skip(true);
      } else {
        builder_.Start(object);
      }
      ++capture_depth_;
      return true;
    }
    if (!BeginValue(object)) return false;
    if (capture_depth_ < 0) {
      capture_depth_ = 1;
      builder_.Reset();
      builder_.Start(object);
      return true;
    }
    path_.push_back(JsonFrame{object, "", 0});
    return true;
  }

  bool EndContainer() {
    source_.Event();
    if (capture_depth_ > 0) {
      --capture_depth_;
      builder_.End();
      if (capture_depth_ == 0) return Deliver();
      return true;
    }
    path_.pop_back();
    return path_.empty() ? true : EndValue();
  }

  // At the start of a value outside any capture: the root must be an object; elsewhere the
  // handler may ask for the value (capture_depth_ = -1 marks "capture this one").
  bool BeginValue(bool object) {
    if (path_.empty()) {
      if (started_ || !object) {
        status_ = Status::Corruption(context_ + ": the top level is not a JSON object");
        return false;
      }
      started_ = true;
      return true;
    }
    if (handler_.Want(path_)) capture_depth_ = -1;
    return true;
  }

  bool EndValue() {
    if (!path_.empty() && !path_.back().object) ++path_.back().index;
    return true;
  }

  bool Deliver() {
    JsonCapture info = builder_.info();
    json value = builder_.Take(source_.Offset());
    info.offset = source_.Offset();
    status_ = handler_.OnValue(path_, std::move(value), info);
    if (!status_.ok()) return false;
    return EndValue();
  }

  JsonFileSource& source_;
  const JsonStreamLimits& limits_;
  JsonStreamHandler& handler_;
  ValueBuilder builder_;
  std::string context_;
  JsonPath path_;
  int capture_depth_ = 0;  // > 0 inside a captured container
  bool started_ = false;
  Status status_;
};

// ---------------------------------------------------------------------------------------------
// The head scan.

class HeadSax {
 public:
  explicit HeadSax(JsonHeadShape& shape) : shape_(shape) {}

  bool null() { return Scalar('z', nullptr); }
  bool boolean(bool) { return Scalar('b', nullptr); }
  bool number_integer(json::number_integer_t) { return Scalar('n', nullptr); }
  bool number_unsigned(json::number_unsigned_t) { return Scalar('n', nullptr); }
  bool number_float(json::number_float_t, const json::string_t&) { return Scalar('n', nullptr); }
  bool binary(json::binary_t&) { return Scalar('z', nullptr); }
  bool string(json::string_t& value) { return Scalar('s', &value); }

  bool start_object(std::size_t) { return Start(true); }
  bool start_array(std::size_t) { return Start(false); }
  bool end_object() { return End(); }
  bool end_array() { return End(); }

  bool key(json::string_t& key) {
    const size_t depth = stack_.size();
    stack_.back().key = key.substr(0, 256);
    if (depth == 1 && shape_.top_keys.size() < 64) {
      shape_.top_keys.push_back(stack_.back().key);
      shape_.top_kinds.push_back('\0');
      shape_.top_strings.emplace_back();
      shape_.top_object_keys.emplace_back();
    } else if (depth == 2 && stack_[0].object && stack_[1].object && !shape_.top_keys.empty() &&
               stack_[0].key == shape_.top_keys.back()) {
      auto& keys = shape_.top_object_keys.back();
      if (keys.size() < 64) keys.push_back(stack_.back().key);
    }
    if (in_message_ && depth == message_depth_ && shape_.first_message_keys.size() < 64) {
      shape_.first_message_keys.push_back(stack_.back().key);
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  bool Scalar(char kind, const std::string* value) {
    SetTopKind(kind);
    if (stack_.size() == 1 && stack_[0].object && value != nullptr && !shape_.top_keys.empty() &&
        stack_[0].key == shape_.top_keys.back()) {
      shape_.top_strings.back() = value->substr(0, 512);
    }
    if (in_message_ && stack_.size() == message_depth_ && stack_.back().key == "type" &&
        value != nullptr) {
      shape_.first_message_type = value->substr(0, 64);
    }
    return true;
  }
  bool Start(bool object) {
    if (stack_.empty()) {
      shape_.root_object = object;
      if (!object) return false;
    } else {
      SetTopKind(object ? 'o' : 'a');
    }
    // The first object element of an array named "messages".
    if (object && !shape_.first_message_seen && stack_.size() >= 2 && !stack_.back().object &&
        stack_[stack_.size() - 2].object && stack_[stack_.size() - 2].key == "messages") {
      shape_.first_message_seen = true;
      in_message_ = true;
      message_depth_ = stack_.size() + 1;
    }
    stack_.push_back(Frame{object, ""});
    return stack_.size() < 64;
  }
  bool End() {
    if (in_message_ && stack_.size() == message_depth_) in_message_ = false;
    stack_.pop_back();
    return !stack_.empty();
  }
  void SetTopKind(char kind) {
    if (stack_.size() == 1 && stack_[0].object && !shape_.top_keys.empty() &&
        stack_[0].key == shape_.top_keys.back() && shape_.top_kinds.back() == '\0') {
      shape_.top_kinds.back() = kind;
    }
  }

  struct Frame {
    bool object;
    std::string key;
  };
  JsonHeadShape& shape_;
  std::vector<Frame> stack_;
  bool in_message_ = false;
  size_t message_depth_ = 0;
};

int64_t DaysFromCivil(int64_t y, int m, int d) {
  // Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

Status StreamJsonFile(const std::filesystem::path& path, std::string_view context,
                      const JsonStreamLimits& limits, JsonStreamHandler& handler) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return Status::IoError(std::string(context) + ": " + path.string() + ": cannot open");
  JsonFileSource source(file.get(), limits.max_token_bytes);
  StreamSax sax(source, limits, handler, context);
  const bool ok = json::sax_parse(source.begin(), JsonFileSource::end(), &sax,
                                  json::input_format_t::json, /*strict=*/true);
  if (!ok) {
    Status st = sax.status();
    if (st.ok()) st = Status::Corruption(std::string(context) + ": malformed json");
    return st;
  }
  if (source.io_error()) return Status::IoError(std::string(context) + ": read failed");
  return Status::Ok();
}

char JsonHeadShape::KindOf(std::string_view key) const {
  for (size_t i = 0; i < top_keys.size(); ++i) {
    if (top_keys[i] == key) return top_kinds[i];
  }
  return '\0';
}

std::string_view JsonHeadShape::StringOf(std::string_view key) const {
  for (size_t i = 0; i < top_keys.size(); ++i) {
    if (top_keys[i] == key) return top_strings[i];
  }
  return {};
}

bool JsonHeadShape::ObjectHasKey(std::string_view member, std::string_view key) const {
  for (size_t i = 0; i < top_keys.size(); ++i) {
    if (top_keys[i] != member) continue;
    for (const auto& k : top_object_keys[i]) {
      if (k == key) return true;
    }
  }
  return false;
}

bool JsonHeadShape::FirstMessageHas(std::string_view key) const {
  for (const auto& k : first_message_keys) {
    if (k == key) return true;
  }
  return false;
}

JsonHeadShape ScanJsonHead(std::string_view head) {
  JsonHeadShape shape;
  if (head.size() > kJsonHeadBytes) head = head.substr(0, kJsonHeadBytes);
  if (head.size() >= 3 && std::memcmp(head.data(), "\xEF\xBB\xBF", 3) == 0) head.remove_prefix(3);
  HeadSax sax(shape);
  // The head ends mid-document: the parse error there is expected.
  (void)json::sax_parse(head.begin(), head.end(), &sax, json::input_format_t::json,
                        /*strict=*/false);
  return shape;
}

const nlohmann::json* JsonMember(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const std::string* JsonString(const nlohmann::json& object, std::string_view key) {
  const json* v = JsonMember(object, key);
  return v != nullptr && v->is_string() ? v->get_ptr<const std::string*>() : nullptr;
}

std::string JsonScalarText(const nlohmann::json* value) {
  if (value == nullptr) return "";
  if (value->is_string()) return *value->get_ptr<const std::string*>();
  if (value->is_number_unsigned()) return std::to_string(value->get<uint64_t>());
  if (value->is_number_integer()) return std::to_string(value->get<int64_t>());
  return "";
}

std::optional<int64_t> JsonInteger(const nlohmann::json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_number_unsigned()) {
    const uint64_t u = value->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (value->is_number_integer()) return value->get<int64_t>();
  if (!value->is_string()) return std::nullopt;
  const std::string& s = *value->get_ptr<const std::string*>();
  size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
  if (i == s.size() || s.size() - i > 18) return std::nullopt;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return s[0] == '-' ? -v : v;
}

std::optional<IsoDateTime> ParseIsoDateTime(std::string_view s) {
  IsoDateTime t;
  if (!Digits(s, 0, 4, &t.year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &t.month) ||
      s[7] != '-' || !Digits(s, 8, 2, &t.day) || (s[10] != 'T' && s[10] != ' ') ||
      !Digits(s, 11, 2, &t.hour) || s[13] != ':' || !Digits(s, 14, 2, &t.minute) || s[16] != ':' ||
      !Digits(s, 17, 2, &t.second)) {
    return std::nullopt;
  }
  if (!IsValidCivilDate(t.year, t.month, t.day) || t.hour > 23 || t.minute > 59 || t.second > 60) {
    return std::nullopt;
  }
  size_t i = 19;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    size_t n = 0;
    int millis = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n < 3) millis = millis * 10 + (s[i] - '0');
      ++n;
      ++i;
    }
    if (n == 0 || n > 9) return std::nullopt;
    for (size_t k = n; k < 3; ++k) millis *= 10;
    t.millis = millis;
    t.has_fraction = true;
  }
  if (i == s.size()) return t;
  if (s[i] == 'Z' || s[i] == 'z') {
    t.has_zone = true;
    return i + 1 == s.size() ? std::optional<IsoDateTime>(t) : std::nullopt;
  }
  if (s[i] != '+' && s[i] != '-') return std::nullopt;
  int hh = 0, mm = 0;
  if (!Digits(s, i + 1, 2, &hh)) return std::nullopt;
  size_t j = i + 3;
  if (j < s.size() && s[j] == ':') ++j;
  if (!Digits(s, j, 2, &mm) || j + 2 != s.size() || hh > 23 || mm > 59) return std::nullopt;
  t.has_zone = true;
  t.offset_minutes = (s[i] == '-' ? -1 : 1) * (hh * 60 + mm);
  return t;
}

std::string IsoDateTime::Format() const {
  if (!has_zone) return FormatLocalTime(year, month, day, hour, minute, second);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour,
                        minute, second);
  std::string out(buf, static_cast<size_t>(n));
  if (has_fraction) {
    std::snprintf(buf, sizeof buf, ".%03d", millis);
    out += buf;
  }
  if (offset_minutes == 0) {
    out += 'Z';
  } else {
    const int abs_off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', abs_off / 60,
                  abs_off % 60);
    out += buf;
  }
  return out;
}

int64_t IsoDateTime::UnixMillis() const {
  const int64_t days = DaysFromCivil(year, month, day);
  const int64_t seconds =
      days * 86400 + hour * 3600 + minute * 60 + second - static_cast<int64_t>(offset_minutes) * 60;
  return seconds * 1000 + millis;
}

void NoteCaptureLimits(const JsonCapture& capture, uint64_t max_text_bytes,
                       const std::string& where, Message* m, ExportSummary* summary) {
  if (TruncateUtf8(m->text, max_text_bytes) || capture.strings_cut) {
    m->extra["text_truncated"] = true;
    AddWarning(summary, where + ": message text longer than " + std::to_string(max_text_bytes) +
                            " bytes was cut");
  }
  if (capture.over_budget) {
    m->extra["fields_dropped"] = true;
    AddWarning(summary, where + ": a message too large to keep whole; some fields were dropped");
  }
  if (!m->extra.contains("id")) m->extra["offset"] = capture.offset;
}

StreamedExportParser::StreamedExportParser(const ParseOptions& options,
                                           const MessageCallback& on_message, ExportFormat format,
                                           std::string context)
    : options_(options), on_message_(on_message), context_(std::move(context)) {
  summary_.format = format;
  limits_.max_string_bytes = options_.max_text_bytes;
  limits_.max_value_bytes = std::max<uint64_t>(8u << 20, 2 * options_.max_text_bytes + (1u << 20));
}

Result<ExportSummary> StreamedExportParser::Run(const std::filesystem::path& path) {
  const Status st = StreamJsonFile(path, context_, limits_, *this);
  if (!st.ok()) return st;
  summary_.message_count = index_;
  Finish();
  return std::move(summary_);
}

}  // namespace evidence::messages_internal
