// Messages parsed out of exports: reading them back, and their share of the pattern report.
#include <functional>
#include <map>
#include <set>

#include "case_state.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/incident.hpp"
#include "evidence/time.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

// A stored message row, read without trusting its types: the row is a cache that anyone with the
// folder can edit (verify ties it to the item.metadata entry's messages digest). kCorruption names
// the row and the field.
Result<Message> FromJson(const nlohmann::json& j, const std::string& row) {
  auto bad = [&](const char* field, const char* expected) {
    return Status::Corruption("messages: " + row + ": field \"" + field + "\": expected " +
                              expected);
  };
  if (!j.is_object()) return Status::Corruption("messages: " + row + ": not a JSON object");
  auto get = [&](const char* k) -> const nlohmann::json* {
    auto it = j.find(k);
    return it == j.end() ? nullptr : &*it;
  };
  Message m;
  if (const auto* v = get("index")) {
    if (!v->is_number_unsigned()) return bad("index", "an unsigned integer");
    m.index = v->get<std::uint64_t>();
  }
  if (const auto* v = get("time"); v && !v->is_null()) {
    if (!v->is_string()) return bad("time", "a string or null");
    m.time = v->get<std::string>();
  }
  for (auto [k, out] :
       {std::pair{"sender", &m.sender}, {"direction", &m.direction}, {"text", &m.text}}) {
    if (const auto* v = get(k)) {
      if (!v->is_string()) return bad(k, "a string");
      *out = v->get<std::string>();
    }
  }
  if (const auto* v = get("system")) {
    if (!v->is_boolean()) return bad("system", "true or false");
    m.system = v->get<bool>();
  }
  if (const auto* v = get("recipients")) {
    if (!v->is_array()) return bad("recipients", "an array of strings");
    for (const auto& r : *v) {
      if (!r.is_string()) return bad("recipients", "an array of strings");
      m.recipients.push_back(r.get<std::string>());
    }
  }
  if (const auto* v = get("attachments")) {
    if (!v->is_array()) return bad("attachments", "an array of objects");
    for (const auto& a : *v) {
      if (!a.is_object()) return bad("attachments", "an array of objects");
      Attachment at;
      auto name = a.find("name"), type = a.find("media_type"), size = a.find("size"),
           sha = a.find("sha256");
      if (name != a.end()) {
        if (!name->is_string()) return bad("attachments.name", "a string");
        at.name = name->get<std::string>();
      }
      if (type != a.end()) {
        if (!type->is_string()) return bad("attachments.media_type", "a string");
        at.media_type = type->get<std::string>();
      }
      if (size != a.end()) {
        if (!size->is_number_unsigned()) return bad("attachments.size", "an unsigned integer");
        at.size = size->get<std::uint64_t>();
      }
      if (sha != a.end()) {
        if (!sha->is_string()) return bad("attachments.sha256", "a string");
        at.sha256 = sha->get<std::string>();
      }
      m.attachments.push_back(std::move(at));
    }
  }
  if (const auto* v = get("extra")) m.extra = *v;
  if (const auto* v = get("call"); v && !v->is_null()) {
    if (!v->is_object()) return bad("call", "an object");
    Call c;
    for (auto [k, out] : {std::pair{"type", &c.type},
                          {"number", &c.number},
                          {"contact", &c.contact},
                          {"presentation", &c.presentation}}) {
      auto it = v->find(k);
      if (it == v->end()) continue;
      if (!it->is_string()) return bad("call", "string type, number, contact and presentation");
      *out = it->get<std::string>();
    }
    if (auto it = v->find("duration_s"); it != v->end() && !it->is_null()) {
      if (!it->is_number_unsigned()) return bad("call.duration_s", "an unsigned integer or null");
      c.duration_s = it->get<std::uint64_t>();
    }
    m.call = std::move(c);
  }
  return m;
}

// Message times are written as the export gave them; a time without a zone is the phone's local
// time and is compared as written.
std::optional<std::int64_t> InstantOf(const std::optional<std::string>& t) {
  if (!t) return std::nullopt;
  auto p = ParseUserTime(*t);
  if (!p.ok()) return std::nullopt;
  return p->unix_ms;
}

// ASCII letters in lower case, other bytes (UTF-8 included) unchanged: a case-insensitive search
// for the words people type, without a locale.
std::string Lower(std::string t) {
  for (char& c : t) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return t;
}

// A MessageFilter (and a search's text), read once: which of the messages it selects. It applies
// to the message as recorded (the JSON its item.metadata entry hashes), never to the index
// columns beside it, so that an edited column cannot hide a message.
class Selection {
 public:
  explicit Selection(const MessageFilter& f, const std::optional<std::string>& text = {}) {
    if (f.sender) sender_ = Lower(*f.sender);
    if (text) text_ = Lower(*text);
    if (f.since) since_ = InstantOf(f.since);
    if (f.until) until_ = InstantOf(f.until);
    bounded_ = f.since || f.until;
  }

  bool Selects(const Message& m) const {
    if (sender_ && Lower(m.sender).find(*sender_) == std::string::npos) return false;
    if (text_ && !Mentions(m)) return false;
    if (bounded_) {
      auto t = Instant(m.time);
      if (!t || (since_ && *t < *since_) || (until_ && *t > *until_)) return false;
    }
    return true;
  }

 private:
  // InstantOf, with the zone-less "YYYY-MM-DDTHH:MM:SS[.fff]" of WhatsApp and other chats read
  // once per local hour: placing a local time costs several mktime calls, each of which has glibc
  // look at the zone file again, about 50 us a message (a date filter over 10,000 messages took
  // half a second). An hour whose first and last second read exactly, with one offset, holds no
  // change of the clocks, so every time in it is its start plus minutes and seconds; any other
  // hour, and any other form, is read in full each time.
  std::optional<std::int64_t> Instant(const std::optional<std::string>& t) const {
    if (!t) return std::nullopt;
    const std::string& s = *t;
    auto digits = [&](std::size_t at, std::size_t n) -> int {
      int v = 0;
      for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
      }
      return v;
    };
    const bool hms = s.size() >= 19 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
                     s[16] == ':';
    const bool millis = s.size() == 23 && s[19] == '.' && digits(20, 3) >= 0;
    if (!hms || !(s.size() == 19 || millis)) return InstantOf(t);
    const int minute = digits(14, 2), second = digits(17, 2);
    if (minute < 0 || minute > 59 || second < 0 || second > 59) return InstantOf(t);
    const std::string hour = s.substr(0, 13);
    auto [it, fresh] = hours_.try_emplace(hour);
    if (fresh) {
      auto first = ParseUserTime(hour + ":00:00");
      auto last = ParseUserTime(hour + ":59:59");
      if (first.ok() && last.ok() && first->kind == LocalTimeKind::kExact &&
          last->kind == LocalTimeKind::kExact && !first->had_offset &&
          first->offset_minutes == last->offset_minutes) {
        it->second = first->unix_ms;
      }
    }
    if (!it->second) return InstantOf(t);
    return *it->second + (minute * 60 + second) * std::int64_t{1000} + (millis ? digits(20, 3) : 0);
  }

  // Local hour ("YYYY-MM-DDTHH") -> the instant of its first second; nullopt: read in full.
  mutable std::map<std::string, std::optional<std::int64_t>> hours_;
  bool Mentions(const Message& m) const {
    if (Lower(m.text).find(*text_) != std::string::npos) return true;
    for (const Attachment& a : m.attachments) {
      if (Lower(a.name).find(*text_) != std::string::npos) return true;
    }
    return false;
  }

  std::optional<std::string> sender_, text_;
  std::optional<std::int64_t> since_, until_;
  bool bounded_ = false;
};

// Every stored message of `item` (of the case without one), read and typed, in export order.
Status ForEachStored(const Catalog& catalog, const std::optional<std::string>& item,
                     const std::function<Status(StoredMessage&)>& visit) {
  return catalog.ForEachMessage(item, [&](const CatalogMessage& row) -> Status {
    auto j = nlohmann::json::parse(row.message, nullptr, false);
    if (j.is_discarded()) return Status::Corruption("messages: a stored message is not valid JSON");
    EVIDENCE_ASSIGN_OR_RETURN(Message parsed, FromJson(j, "a message of " + row.item + " (row " +
                                                              std::to_string(row.rowid) + ")"));
    StoredMessage m{row.item, std::move(parsed)};
    return visit(m);
  });
}

}  // namespace

Result<std::vector<StoredMessage>> Case::Messages(const MessageFilter& f) const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  const Selection selection(f);
  std::vector<StoredMessage> out;
  EVIDENCE_RETURN_IF_ERROR(ForEachStored(s_->catalog, f.item, [&](StoredMessage& m) {
    if (selection.Selects(m.message)) out.push_back(std::move(m));
    return Status::Ok();
  }));
  return out;
}

Result<MessagePage> Case::SearchMessages(const MessageSearch& search) const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  const Selection selection(search.filter, search.text);
  MessagePage page;
  std::set<std::string> senders;
  EVIDENCE_RETURN_IF_ERROR(ForEachStored(s_->catalog, search.filter.item, [&](StoredMessage& m) {
    ++page.total;
    if (!m.message.sender.empty()) senders.insert(m.message.sender);
    if (!selection.Selects(m.message)) return Status::Ok();
    if (page.matching >= search.offset && page.messages.size() < search.limit) {
      page.messages.push_back(std::move(m));
    }
    ++page.matching;
    return Status::Ok();
  }));
  page.senders.assign(senders.begin(), senders.end());
  return page;
}

Result<std::vector<MessageExport>> Case::MessageExports() const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  std::map<std::string, MessageExport> by_item;
  EVIDENCE_RETURN_IF_ERROR(ForEachStored(s_->catalog, std::nullopt, [&](StoredMessage& m) {
    MessageExport& e = by_item[m.item];
    e.item = m.item;
    ++e.messages;
    if (m.message.call) ++e.calls;
    if (m.message.time) {
      if (!e.first) e.first = m.message.time;
      e.last = m.message.time;
    }
    return Status::Ok();
  }));
  std::vector<MessageExport> out;
  for (auto& [item, e] : by_item) out.push_back(std::move(e));
  return out;
}

Result<std::vector<LinkedMessageQuote>> Case::QuoteMessages(
    const std::vector<LinkedMessage>& links) const {
  EVIDENCE_RETURN_IF_ERROR(s_->CheckLedger());
  // Only the linked messages are kept, each export read once: an incident quoting two messages
  // of a long export holds two.
  std::map<std::string, std::map<std::uint64_t, std::optional<Message>>> wanted;
  for (const LinkedMessage& link : links) wanted[link.item][link.index];
  for (auto& [exhibit, held] : wanted) {
    auto& messages = held;  // a lambda may not capture a structured binding (clang 14)
    EVIDENCE_RETURN_IF_ERROR(ForEachStored(s_->catalog, exhibit, [&](StoredMessage& m) {
      if (auto it = messages.find(m.message.index); it != messages.end()) {
        it->second = std::move(m.message);
      }
      return Status::Ok();
    }));
  }
  std::vector<LinkedMessageQuote> out;
  out.reserve(links.size());
  for (const LinkedMessage& link : links) {
    LinkedMessageQuote q;
    static_cast<LinkedMessage&>(q) = link;
    if (const std::optional<Message>& m = wanted[link.item][link.index]) {
      q.found = true;
      q.time = m->time;
      q.sender = m->sender;
      q.text = m->text;
    }
    out.push_back(std::move(q));
  }
  return out;
}

Result<std::vector<StoredMessage>> Case::Calls(const CallFilter& f) const {
  MessageFilter mf;
  mf.item = f.item;
  mf.since = f.since;
  mf.until = f.until;
  EVIDENCE_ASSIGN_OR_RETURN(auto all, Messages(mf));
  const std::optional<std::string> number =
      f.number ? std::optional(Lower(*f.number)) : std::nullopt;
  std::vector<StoredMessage> out;
  for (auto& sm : all) {
    if (!sm.message.call) continue;
    const Call& c = *sm.message.call;
    if (f.type && !(c.type == *f.type || (*f.type == "missed" && IsMissedCallType(c.type)))) {
      continue;
    }
    if (number && Lower(c.number).find(*number) == std::string::npos &&
        Lower(c.contact).find(*number) == std::string::npos) {
      continue;
    }
    out.push_back(std::move(sm));
  }
  return out;
}

namespace {

// The name a call is counted under in the report: its number, else the reason there is none.
std::string CallPartyLabel(const Call& c) {
  if (!c.number.empty()) return c.number;
  if (!c.presentation.empty()) return "(" + c.presentation + ")";
  return "(no number)";
}

}  // namespace

Status Case::GatherMessages(std::optional<std::int64_t> since, std::optional<std::int64_t> until,
                            ReportData* data) const {
  EVIDENCE_ASSIGN_OR_RETURN(auto all, Messages(MessageFilter{}));
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> counts;
  std::map<std::tuple<std::string, std::string, std::string>, ReportCallCount> calls;
  for (const auto& sm : all) {
    const Message& m = sm.message;
    if (m.system || !m.time) continue;
    auto t = InstantOf(m.time);
    if ((since || until) && (!t || (since && *t < *since) || (until && *t > *until))) continue;
    if (m.call) {
      // Calls are counted apart from messages, per local day (as written) and number.
      const std::string party = CallPartyLabel(*m.call);
      ReportCallCount& cc = calls[{m.time->substr(0, 10), party, sm.item}];
      cc.calls++;
      if (IsMissedCallType(m.call->type)) cc.missed++;
      if (cc.contact.empty()) cc.contact = m.call->contact;
      // A voicemail's transcript is something the caller said: it joins the timeline.
      if (m.text.empty()) continue;
      std::string text = LossyUtf8(m.text.substr(0, 120));
      if (m.text.size() > 120) text += "…";
      data->events.push_back(
          {*m.time, "message", sm.item, m.call->type + " " + party + ": " + text});
      continue;
    }
    counts[{m.time->substr(0, 10), m.sender, sm.item}]++;
    std::string text = LossyUtf8(m.text.substr(0, 120));
    if (m.text.size() > 120) text += "…";
    data->events.push_back({*m.time, "message", sm.item, m.sender + ": " + text});
  }
  for (const auto& [key, n] : counts) {
    data->message_counts.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
  }
  for (auto& [key, cc] : calls) {
    cc.date = std::get<0>(key);
    cc.number = std::get<1>(key);
    cc.item = std::get<2>(key);
    data->call_counts.push_back(std::move(cc));
  }
  return Status::Ok();
}

}  // namespace evidence
