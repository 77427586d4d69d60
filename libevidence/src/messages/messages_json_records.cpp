// Streaming of JSON chat exports (see messages_json_records.hpp): a SAX handler that builds one
// bounded DOM at a time, and a head reader for detection.
#include "messages_json_records.hpp"

#include <algorithm>
#include <exception>
#include <fstream>
#include <new>
#include <optional>
#include <system_error>
#include <utility>

#include "messages_internal.hpp"
#include "status_macros.hpp"

namespace evidence::messages_internal {

namespace {

using json = nlohmann::json;

// Builds one JSON value from SAX events, refusing to grow past the limits.
class BoundedBuilder {
 public:
  explicit BoundedBuilder(const JsonRecordLimits& limits) : limits_(limits) {}

  void Reset() {
    root_ = json();
    stack_.clear();
    key_.clear();
    bytes_ = 0;
    has_root_ = false;
  }
  bool done() const { return has_root_ && stack_.empty(); }
  json Take() { return std::move(root_); }

  // false when a limit is crossed (then `error` says which).
  bool Value(json&& v, uint64_t size) {
    if (!Charge(size)) return false;
    Place(std::move(v));
    return true;
  }
  bool Open(json&& container) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      error = "nested deeper than " + std::to_string(limits_.max_depth) + " levels";
      return false;
    }
    if (!Charge(0)) return false;
    stack_.push_back(Place(std::move(container)));
    return true;
  }
  void Close() {
    if (!stack_.empty()) stack_.pop_back();
  }
  bool Key(const std::string& k) {
    if (!Charge(k.size())) return false;
    key_ = k;
    return true;
  }

  std::string error;

 private:
  bool Charge(uint64_t size) {
    bytes_ += size + 16;
    if (bytes_ > limits_.max_record_bytes) {
      error = "one record is larger than " + std::to_string(limits_.max_record_bytes) + " bytes";
      return false;
    }
    return true;
  }
  json* Place(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      has_root_ = true;
      return &root_;
    }
    json* parent = stack_.back();
    if (parent->is_object()) {
      json& slot = (*parent)[key_];
      slot = std::move(v);
      return &slot;
    }
    parent->push_back(std::move(v));
    return &parent->back();
  }

  const JsonRecordLimits& limits_;
  json root_;
  std::vector<json*> stack_;
  std::string key_;
  uint64_t bytes_ = 0;
  bool has_root_ = false;
};

std::string CleanParseError(std::string_view what) {
  // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> the part after "] ".
  const size_t close = what.find("] ");
  if (close != std::string_view::npos) what.remove_prefix(close + 2);
  std::string out = LossyUtf8(what.substr(0, 300));
  return out;
}

class RecordHandler {
 public:
  RecordHandler(std::string_view label, std::string_view array_key, const JsonRecordLimits& limits,
                const JsonRecordSink& on_record, const JsonMemberSink& on_member)
      : label_(label),
        array_key_(array_key),
        limits_(limits),
        builder_(limits),
        on_record_(on_record),
        on_member_(on_member) {}

  bool null() { return Scalar(json(nullptr), 0); }
  bool boolean(bool v) { return Scalar(json(v), 0); }
  bool number_integer(json::number_integer_t v) { return Scalar(json(v), 0); }
  bool number_unsigned(json::number_unsigned_t v) { return Scalar(json(v), 0); }
  bool number_float(json::number_float_t v, const json::string_t&) { return Scalar(json(v), 0); }
  bool string(json::string_t& v) {
    const size_t n = v.size();
    return Scalar(json(std::move(v)), n);
  }
  bool binary(json::binary_t&) { return Fail(Status::Corruption(label_ + ": binary value")); }

  bool start_object(std::size_t) { return Start(json::object()); }
  bool start_array(std::size_t) { return Start(json::array()); }
  bool end_object() { return End(); }
  bool end_array() { return End(); }

  bool key(json::string_t& k) {
    if (building_) {
      if (!builder_.Key(k)) return Limit();
      return true;
    }
    if (level_ == 1) {
      top_key_ = k.substr(0, 4096);
      return true;
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) {
    if (status_.ok()) {
      status_ = Status::Corruption(label_ + ": byte " + std::to_string(position) + ": " +
                                   CleanParseError(ex.what()));
    }
    return false;
  }

  Status status() const { return status_; }
  bool saw_object() const { return saw_object_; }
  bool saw_array() const { return saw_array_; }

 private:
  bool Fail(Status s) {
    if (status_.ok()) status_ = std::move(s);
    return false;
  }
  bool Limit() { return Fail(Status::Corruption(label_ + ": " + Where() + ": " + builder_.error)); }
  std::string Where() const {
    if (building_record_) return "message " + std::to_string(ordinal_ + 1);
    return "member \"" + LossyUtf8(std::string_view(top_key_).substr(0, 64)) + "\"";
  }

  bool Scalar(json&& v, uint64_t size) {
    if (building_) {
      if (!builder_.Value(std::move(v), size)) return Limit();
      return true;
    }
    if (level_ == 0) return Fail(Status::Corruption(label_ + ": the file is not a json object"));
    if (size + 16 > limits_.max_record_bytes) {
      building_record_ = level_ == 2 && records_open_;
      builder_.error =
          "one record is larger than " + std::to_string(limits_.max_record_bytes) + " bytes";
      return Limit();
    }
    if (level_ == 1) return Emit(std::move(v), false);
    if (level_ == 2 && records_open_) return Emit(std::move(v), true);
    return true;
  }

  bool Start(json&& container) {
    const bool is_array = container.is_array();
    if (building_) {
      if (!builder_.Open(std::move(container))) return Limit();
      ++level_;
      return true;
    }
    if (level_ == 0) {
      if (is_array) return Fail(Status::Corruption(label_ + ": the file is not a json object"));
      saw_object_ = true;
      level_ = 1;
      return true;
    }
    if (level_ == 1 && is_array && top_key_ == array_key_) {
      saw_array_ = true;
      records_open_ = true;
      level_ = 2;
      return true;
    }
    // The value of another top-level member, or one element of the records array.
    building_ = true;
    building_record_ = level_ == 2 && records_open_;
    builder_.Reset();
    if (!builder_.Open(std::move(container))) return Limit();
    ++level_;
    return true;
  }

  bool End() {
    --level_;
    if (building_) {
      builder_.Close();
      if (builder_.done()) {
        building_ = false;
        return Emit(builder_.Take(), building_record_);
      }
      return true;
    }
    if (level_ == 1 && records_open_) records_open_ = false;
    return true;
  }

  bool Emit(json&& v, bool record) {
    Status st = record ? on_record_(std::move(v), ordinal_++) : on_member_(top_key_, std::move(v));
    if (!st.ok()) return Fail(std::move(st));
    return true;
  }

  std::string label_;
  std::string array_key_;
  const JsonRecordLimits& limits_;
  BoundedBuilder builder_;
  const JsonRecordSink& on_record_;
  const JsonMemberSink& on_member_;
  Status status_;
  int level_ = 0;
  std::string top_key_;
  bool records_open_ = false;
  bool building_ = false;
  bool building_record_ = false;
  bool saw_object_ = false;
  bool saw_array_ = false;
  uint64_t ordinal_ = 0;
};

template <typename Input>
Status Run(Input&& input, std::string_view label, std::string_view array_key,
           const JsonRecordLimits& limits, const JsonRecordSink& on_record,
           const JsonMemberSink& on_member) {
  RecordHandler handler(label, array_key, limits, on_record, on_member);
  bool ok = false;
  try {
    ok = json::sax_parse(std::forward<Input>(input), &handler, json::input_format_t::json, true,
                         false);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return Status::Corruption(std::string(label) + ": " + CleanParseError(e.what()));
  }
  if (!handler.status().ok()) return handler.status();
  if (!ok) return Status::Corruption(std::string(label) + ": malformed json");
  if (!handler.saw_object()) {
    return Status::Corruption(std::string(label) + ": the file is not a json object");
  }
  return Status::Ok();
}

// Records the shape of the head; stops (returns false) once the first record is complete.
class HeadHandler {
 public:
  explicit HeadHandler(std::string_view array_key, RecordHeadShape* shape)
      : array_key_(array_key), shape_(shape) {}

  bool null() { return Scalar(); }
  bool boolean(bool) { return Scalar(); }
  bool number_integer(json::number_integer_t) { return Scalar(); }
  bool number_unsigned(json::number_unsigned_t) { return Scalar(); }
  bool number_float(json::number_float_t, const json::string_t&) { return Scalar(); }
  bool string(json::string_t&) { return Scalar(); }
  bool binary(json::binary_t&) { return false; }
  bool start_object(std::size_t) { return Start(true); }
  bool start_array(std::size_t) { return Start(false); }
  bool end_object() { return End(); }
  bool end_array() { return End(); }
  bool key(json::string_t& k) {
    if (++events_ > 20000) return false;
    if (level_ == 1) {
      top_key_ = k.substr(0, 256);
      if (shape_->top_keys.size() < 256) shape_->top_keys.push_back(top_key_);
    } else if (level_ == 3 && in_array_ && element_ == 1 && element_is_object_) {
      std::string entry = top_key_ + "/" + k.substr(0, 256);
      if (shape_->first_element_keys.size() < 256) shape_->first_element_keys.push_back(entry);
      if (top_key_ == array_key_ && shape_->first_record_keys.size() < 256) {
        shape_->first_record_keys.push_back(k.substr(0, 256));
      }
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }

 private:
  bool Scalar() {
    if (level_ == 0) return false;
    if (level_ == 2 && in_array_) ++element_;
    return ++events_ <= 20000;
  }
  bool Start(bool object) {
    if (++events_ > 20000) return false;
    if (level_ == 0) {
      if (!object) return false;
      shape_->object = true;
    } else if (level_ == 1) {
      in_array_ = !object;
      element_ = 0;
    } else if (level_ == 2 && in_array_) {
      ++element_;
      element_is_object_ = object;
    }
    ++level_;
    return true;
  }
  bool End() {
    --level_;
    if (level_ == 2 && in_array_ && element_ == 1 && top_key_ == array_key_) return false;
    if (level_ == 1) in_array_ = false;
    return true;
  }

  std::string array_key_;
  RecordHeadShape* shape_;
  int level_ = 0;
  std::string top_key_;
  bool in_array_ = false;
  uint64_t element_ = 0;
  bool element_is_object_ = false;
  uint64_t events_ = 0;
};

}  // namespace

std::string_view SkipBomAndSpace(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  while (!head.empty() && (head.front() == ' ' || head.front() == '\t' || head.front() == '\r' ||
                           head.front() == '\n')) {
    head.remove_prefix(1);
  }
  return head;
}

Status StreamJsonRecords(const std::filesystem::path& path, std::string_view label,
                         std::string_view array_key, const JsonRecordLimits& limits,
                         const JsonRecordSink& on_record, const JsonMemberSink& on_member) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::NotFound(std::string(label) + ": " + path.string() + ": no such file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(std::string(label) + ": " + path.string() + ": cannot open");
  Status st = Run(in, label, array_key, limits, on_record, on_member);
  if (in.bad()) return Status::IoError(std::string(label) + ": " + path.string() + ": read failed");
  return st;
}

Status StreamJsonRecordsFromBuffer(std::string_view bytes, std::string_view label,
                                   std::string_view array_key, const JsonRecordLimits& limits,
                                   const JsonRecordSink& on_record,
                                   const JsonMemberSink& on_member) {
  return Run(bytes, label, array_key, limits, on_record, on_member);
}

JsonRecordSource JsonRecordsOfFile(std::filesystem::path path, std::string_view label,
                                   std::string_view array_key) {
  return [path = std::move(path), label, array_key](const JsonRecordLimits& limits,
                                                    const JsonRecordSink& on_record,
                                                    const JsonMemberSink& on_member) {
    return StreamJsonRecords(path, label, array_key, limits, on_record, on_member);
  };
}

JsonRecordSource JsonRecordsOfBuffer(std::string_view bytes, std::string_view label,
                                     std::string_view array_key) {
  return [bytes, label, array_key](const JsonRecordLimits& limits, const JsonRecordSink& on_record,
                                   const JsonMemberSink& on_member) {
    return StreamJsonRecordsFromBuffer(bytes, label, array_key, limits, on_record, on_member);
  };
}

bool HasKey(const std::vector<std::string>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

RecordHeadShape ReadRecordHeadShape(std::string_view head, std::string_view array_key) {
  RecordHeadShape shape;
  if (SkipBomAndSpace(head).substr(0, 1) != "{") return shape;
  HeadHandler handler(array_key, &shape);
  try {
    (void)json::sax_parse(head, &handler, json::input_format_t::json, true, false);
  } catch (const std::exception&) {
    // A head is cut anywhere; what was seen before the cut is the answer.
  }
  return shape;
}

void RecordExport::Warn(uint64_t ordinal, const std::string& what) {
  AddWarning(&summary,
             std::string(label) + ": message " + std::to_string(ordinal + 1) + ": " + what);
}

void RecordExport::CutText(uint64_t ordinal, Message* m) {
  if (TruncateUtf8(m->text, options->max_text_bytes)) {
    m->extra["text_truncated"] = true;
    Warn(ordinal, "text cut at " + std::to_string(options->max_text_bytes) + " bytes");
  }
}

Status RecordExport::Deliver(Message&& m) {
  m.index = delivered++;
  return (*on_message)(std::move(m));
}

Result<ExportSummary> RunRecordExport(RecordExport& s, const JsonRecordSource& run,
                                      const RecordVisitor& on_record,
                                      const MemberVisitor& on_member,
                                      std::string_view no_messages) {
  JsonRecordLimits limits;
  limits.max_record_bytes = std::max<uint64_t>(64ull << 20, s.options->max_text_bytes * 8);
  JsonRecordSink records = [&](nlohmann::json&& r, uint64_t ordinal) -> Status {
    s.saw_messages = true;
    if (!r.is_object()) {
      s.Warn(ordinal, "not an object; skipped");
      return Status::Ok();
    }
    return on_record(s, std::move(r), ordinal);
  };
  JsonMemberSink members = [&](const std::string& key, nlohmann::json&& v) -> Status {
    if (key == "messages" && !v.is_array()) {
      AddWarning(&s.summary, std::string(s.label) + ": \"messages\" is not an array");
      return Status::Ok();
    }
    return on_member ? on_member(s, key, std::move(v)) : Status::Ok();
  };
  EVIDENCE_RETURN_IF_ERROR(run(limits, records, members));
  if (!s.saw_messages)
    AddWarning(&s.summary, std::string(s.label) + ": " + std::string(no_messages));
  s.summary.message_count = s.delivered;
  return std::move(s.summary);
}

}  // namespace evidence::messages_internal
