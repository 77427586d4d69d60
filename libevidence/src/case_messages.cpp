// Messages parsed out of exports: reading them back, and their share of the pattern report.
#include <map>

#include "case_state.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/time.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

Message FromJson(const nlohmann::json& j) {
  Message m;
  m.index = j.value("index", std::uint64_t{0});
  if (j.contains("time") && j["time"].is_string()) m.time = j["time"].get<std::string>();
  m.sender = j.value("sender", "");
  if (j.contains("recipients")) {
    for (const auto& r : j["recipients"]) {
      if (r.is_string()) m.recipients.push_back(r.get<std::string>());
    }
  }
  m.direction = j.value("direction", "");
  m.text = j.value("text", "");
  m.system = j.value("system", false);
  if (j.contains("attachments")) {
    for (const auto& a : j["attachments"]) {
      Attachment at;
      at.name = a.value("name", "");
      at.media_type = a.value("media_type", "");
      if (a.contains("size") && a["size"].is_number_unsigned())
        at.size = a["size"].get<std::uint64_t>();
      if (a.contains("sha256") && a["sha256"].is_string())
        at.sha256 = a["sha256"].get<std::string>();
      m.attachments.push_back(at);
    }
  }
  if (j.contains("extra")) m.extra = j["extra"];
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

}  // namespace

Result<std::vector<StoredMessage>> Case::Messages(const MessageFilter& f) const {
  // Filters apply to the message as recorded (the JSON its item.metadata entry hashes), never to
  // the index columns beside it, so that an edited column cannot hide a message.
  std::string sql = "SELECT item, message FROM messages WHERE 1=1";
  if (f.item) sql += " AND item = ?1 COLLATE NOCASE";
  sql += " ORDER BY rowid";
  EVIDENCE_ASSIGN_OR_RETURN(auto st, s_->db.Prepare(sql));
  if (f.item) st.Bind(1, *f.item);
  auto lower = [](std::string t) {
    for (char& c : t) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return t;
  };
  const std::optional<std::string> sender =
      f.sender ? std::optional(lower(*f.sender)) : std::nullopt;
  std::optional<std::int64_t> since, until;
  if (f.since) since = InstantOf(f.since);
  if (f.until) until = InstantOf(f.until);
  std::vector<StoredMessage> out;
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    auto j = nlohmann::json::parse(st.ColumnText(1), nullptr, false);
    if (j.is_discarded()) return Status::Corruption("messages: a stored message is not valid JSON");
    StoredMessage m{st.ColumnText(0), FromJson(j)};
    if (sender && lower(m.message.sender).find(*sender) == std::string::npos) continue;
    if (since || until) {
      auto t = InstantOf(m.message.time);
      if (!t || (since && *t < *since) || (until && *t > *until)) continue;
    }
    out.push_back(std::move(m));
  }
  return out;
}

Status Case::GatherMessages(std::optional<std::int64_t> since, std::optional<std::int64_t> until,
                            ReportData* data) const {
  EVIDENCE_ASSIGN_OR_RETURN(auto all, Messages(MessageFilter{}));
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> counts;
  for (const auto& sm : all) {
    const Message& m = sm.message;
    if (m.system || !m.time) continue;
    auto t = InstantOf(m.time);
    if ((since || until) && (!t || (since && *t < *since) || (until && *t > *until))) continue;
    counts[{m.time->substr(0, 10), m.sender, sm.item}]++;
    std::string text = LossyUtf8(m.text.substr(0, 120));
    if (m.text.size() > 120) text += "…";
    data->events.push_back({*m.time, "message", sm.item, m.sender + ": " + text});
  }
  for (const auto& [key, n] : counts) {
    data->message_counts.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
  }
  return Status::Ok();
}

}  // namespace evidence
