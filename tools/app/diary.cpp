#include "diary.hpp"

#include <algorithm>
#include <set>

#include "assets.hpp"
#include "evidence/incident.hpp"
#include "evidence/report.hpp"
#include "message_pages.hpp"
#include "message_views.hpp"
#include "pages.hpp"
#include "report_view.hpp"
#include "text_input.hpp"

namespace evidence::app {

namespace mustache = kainjow::mustache;

namespace {

// What the incident forms send. Absent fields are empty; `*_sent` tells an amendment which
// fields the form carried, since an unticked checkbox sends nothing at all.
struct IncidentForm {
  std::string at_local;  // datetime-local: "2026-03-14T18:20"
  std::string offset;    // "", "Z" or "+01:00": for a time the clocks showed twice
  std::string until_local;
  std::string until_offset;
  std::string what;
  std::string where;
  std::string witnesses;  // one a line
  std::string reason;
  std::vector<std::string> behaviours;
  std::vector<std::string> items;
  bool behaviours_sent = false;
};

IncidentForm ReadForm(const httplib::Request& req) {
  IncidentForm f;
  f.at_local = Trim(Field(req, "at"));
  f.offset = Trim(Field(req, "offset"));
  f.until_local = Trim(Field(req, "until"));
  f.until_offset = Trim(Field(req, "until_offset"));
  f.what = Field(req, "what");
  f.where = Field(req, "where");
  f.witnesses = Field(req, "witnesses");
  f.reason = Field(req, "reason");
  f.behaviours = Fields(req, "behaviours");
  f.items = Fields(req, "items");
  f.behaviours_sent = req.has_param("behaviours_shown");
  return f;
}

// The time as the CLI's --at takes it: the form's local time, and the offset when one is given
// (without one, the library reads it in this computer's time zone, as the CLI does).
std::string Compose(const std::string& local, const std::string& offset) {
  if (local.empty()) return "";
  return local + offset;
}

// The inverse for a stored RFC 3339 time: its local part for datetime-local and its offset.
std::pair<std::string, std::string> SplitTime(const std::string& at) {
  const std::size_t t = at.find('T');
  const std::size_t off = t == std::string::npos ? std::string::npos : at.find_first_of("+-Z", t);
  std::string local = at.substr(0, off);
  std::string offset = off == std::string::npos ? "" : at.substr(off);
  // datetime-local sends no seconds unless they matter.
  if (local.size() == 19 && local.ends_with(":00")) local.resize(16);
  return {local, offset};
}

// A stored time as a person reads it: "2026-03-14 18:20 +00:00", "2026-12-03 12:54:50 UTC".
std::string Readable(const std::string& at) {
  auto [local, offset] = SplitTime(at);
  std::replace(local.begin(), local.end(), 'T', ' ');
  local = local.substr(0, local.find('.'));
  if (offset.empty()) return local;
  return local + " " + (offset == "Z" ? "UTC" : offset);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = text.find('\n', start);
    std::string line = Trim(text.substr(start, nl == std::string::npos ? nl : nl - start));
    if (!line.empty()) out.push_back(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// The library's message, introduced by the form field it is about (Status::argument()), so
// that the person knows which box to look at.
std::string InWords(const Status& s, const char* nothing_done) {
  static const std::pair<std::string_view, std::string_view> kLabels[] = {
      {"at", "When it happened"},
      {"until", "When it ended"},
      {"behaviours", "What kind of behaviour"},
      {"what", "What happened"},
      {"where", "Where"},
      {"witnesses", "Who saw it"},
      {"items", "Evidence"},
      {"reason", "Why you are changing it"}};
  if (s.argument() == "changes") {
    return std::string(
        "Nothing was changed: the form says the same as the entry already "
        "does. Change what needs correcting, then save.");
  }
  std::string label;
  for (const auto& [arg, words] : kLabels) {
    if (s.argument() == arg) label = std::string(words) + ": ";
  }
  return label + s.message() + ". " + nothing_done;
}

mustache::data Strings(const std::vector<std::string>& items) {
  mustache::data list{mustache::data::type::list};
  for (const auto& s : items) list.push_back(mustache::data(s));
  return list;
}

// Every behaviour of the vocabulary, ticked as `chosen` says, with what it is for.
mustache::data BehaviourBoxes(const std::vector<std::string>& chosen) {
  mustache::data list{mustache::data::type::list};
  for (std::string_view b : kBehaviours) {
    mustache::data row;
    row.set("word", std::string(b));
    row.set("description", std::string(BehaviourDescription(b)));
    row.set("checked", std::find(chosen.begin(), chosen.end(), b) != chosen.end());
    list.push_back(row);
  }
  return list;
}

// The form's fields as the person left them, so that a refusal keeps what they typed.
void SetFormFields(const IncidentForm& f, mustache::data* d) {
  // The fields both incident forms share, as a partial of theirs.
  const Asset* fields = FindAsset("incident_fields.mustache");
  d->set("incident_fields", fields ? std::string(fields->bytes) : std::string());
  d->set("at", f.at_local);
  d->set("offset", f.offset);
  d->set("until", f.until_local);
  d->set("until_offset", f.until_offset);
  d->set("what", f.what);
  d->set("where", f.where);
  d->set("witnesses", f.witnesses);
  d->set("reason", f.reason);
  d->set("behaviours", BehaviourBoxes(f.behaviours));
}

Page NewIncidentPage(const IncidentForm& f, const std::vector<Item>& items,
                     const std::string& error) {
  Page p{"incident_new"};
  SetFormFields(f, &p.data);
  mustache::data boxes{mustache::data::type::list};
  for (const Item& it : items) {
    mustache::data row;
    row.set("exhibit", it.exhibit);
    row.set("name", it.name);
    row.set("checked", std::find(f.items.begin(), f.items.end(), it.exhibit) != f.items.end());
    boxes.push_back(row);
  }
  p.data.set("items", boxes);
  p.data.set("has_items", !items.empty());
  if (!error.empty()) {
    p.data.set("error", error);
    p.status = 400;
  }
  return p;
}

mustache::data AccountData(const IncidentAccount& a) {
  mustache::data d;
  d.set("at", Readable(a.at));
  if (a.until) d.set("until", Readable(*a.until));
  d.set("behaviours", Join(a.behaviours, ", "));
  d.set("what", a.what);
  if (!a.where.empty()) d.set("where", a.where);
  if (!a.witnesses.empty()) d.set("witnesses", Join(a.witnesses, ", "));
  return d;
}

// `items`: the case's exhibits, of which those not linked yet are offered to add. `quoted`: its
// linked messages, quoted with their time and sender.
Page IncidentPage(const Incident& inc, const std::vector<Item>& items,
                  const std::vector<LinkedMessageQuote>& quoted) {
  Page p{"incident"};
  p.data = AccountData(inc);
  p.data.set("id", inc.id);
  mustache::data messages{mustache::data::type::list};
  for (const LinkedMessageQuote& q : quoted) {
    mustache::data d;
    d.set("item", q.item);
    d.set("number", std::to_string(q.index));
    d.set("found", q.found);
    d.set("time", q.time.value_or("(no time)"));
    d.set("who", q.sender.empty() ? "(no sender named)" : q.sender);
    d.set("text", q.text);
    messages.push_back(d);
  }
  p.data.set("has_messages", !quoted.empty());
  p.data.set("messages", messages);
  mustache::data to_add{mustache::data::type::list};
  for (const Item& it : items) {
    if (std::find(inc.items.begin(), inc.items.end(), it.exhibit) != inc.items.end()) continue;
    mustache::data d;
    d.set("exhibit", it.exhibit);
    d.set("name", it.name);
    to_add.push_back(d);
  }
  p.data.set("can_add", !to_add.is_empty_list());
  p.data.set("to_add", to_add);
  p.data.set("amended", inc.versions.size() > 1);
  p.data.set("items", Strings(inc.items));
  mustache::data versions{mustache::data::type::list};
  for (std::size_t i = 0; i < inc.versions.size(); ++i) {
    const IncidentVersion& v = inc.versions[i];
    mustache::data row = AccountData(v);
    row.set("original", i == 0);
    row.set("number", std::to_string(i + 1));
    row.set("recorded", Readable(v.recorded));
    if (!v.reason.empty()) row.set("reason", v.reason);
    versions.push_back(row);
  }
  p.data.set("versions", versions);
  return p;
}

Page AmendPage(const Incident& inc, const IncidentForm& f, const std::string& error) {
  Page p{"incident_amend"};
  SetFormFields(f, &p.data);
  p.data.set("id", inc.id);
  p.data.set("original", AccountData(inc.versions.front()));
  if (!error.empty()) {
    p.data.set("error", error);
    p.status = 400;
  }
  return p;
}

// The amend form as it first appears: the incident as it stands now.
IncidentForm FormOf(const Incident& inc) {
  IncidentForm f;
  std::tie(f.at_local, f.offset) = SplitTime(inc.at);
  if (inc.until) std::tie(f.until_local, f.until_offset) = SplitTime(*inc.until);
  f.what = inc.what;
  f.where = inc.where;
  f.witnesses = Join(inc.witnesses, "\n");
  f.behaviours = inc.behaviours;
  return f;
}

// Only what the person changed: a field the form did not send, or sent as it stands, is left
// alone, so that saving a correction of one word does not rewrite the rest. The form shows no
// offset (IncidentGet): a changed time is read in this computer's zone unless one is typed, so a
// corrected date in summer does not keep a winter offset.
IncidentChanges ChangesFrom(const IncidentForm& f, const Incident& inc) {
  IncidentChanges ch;
  const IncidentForm now = FormOf(inc);
  if (!f.at_local.empty() &&
      (f.at_local != now.at_local || (!f.offset.empty() && f.offset != now.offset))) {
    ch.at = Compose(f.at_local, f.offset);
  }
  if (!f.until_local.empty() && (f.until_local != now.until_local ||
                                 (!f.until_offset.empty() && f.until_offset != now.until_offset))) {
    ch.until = Compose(f.until_local, f.until_offset);
  }
  if (f.behaviours_sent && std::set(f.behaviours.begin(), f.behaviours.end()) !=
                               std::set(inc.behaviours.begin(), inc.behaviours.end())) {
    ch.behaviours = f.behaviours;
  }
  if (!f.what.empty() && f.what != inc.what) ch.what = f.what;
  if (f.where != inc.where && (!f.where.empty() || !inc.where.empty())) ch.where = f.where;
  if (Lines(f.witnesses) != inc.witnesses) ch.witnesses = Lines(f.witnesses);
  ch.reason = Trim(f.reason);
  return ch;
}

// "/diary/INC-0001/amend" -> {"INC-0001", true}
std::pair<std::string, bool> IncidentPath(const std::string& path) {
  std::string rest = path.substr(std::string_view("/diary/").size());
  const bool amend = rest.ends_with("/amend");
  if (amend) rest.resize(rest.size() - std::string_view("/amend").size());
  return {rest, amend};
}

}  // namespace

void DiaryList(const httplib::Request&, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  auto all = c->Incidents();
  if (!all.ok()) return SendPage(res, ProblemPage(all.status().message()), &st);
  Page p{"diary"};
  mustache::data rows{mustache::data::type::list};
  // Newest first: the latest entry is the one a person comes back to.
  for (auto it = all->rbegin(); it != all->rend(); ++it) {
    mustache::data row;
    row.set("id", it->id);
    row.set("at", Readable(it->at));
    row.set("behaviours", Join(it->behaviours, ", "));
    row.set("what", FirstLine(it->what, 80));
    row.set("amended", it->versions.size() > 1);
    rows.push_back(row);
  }
  p.data.set("incidents", rows);
  p.data.set("empty", all->empty());
  SendPage(res, p, &st);
}

void NewIncidentForm(const httplib::Request&, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  auto items = c->Items();
  if (!items.ok()) return SendPage(res, ProblemPage(items.status().message()), &st);
  SendPage(res, NewIncidentPage(IncidentForm{}, *items, ""), &st);
}

void RecordIncidentPost(const httplib::Request& req, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  auto items = c->Items();
  if (!items.ok()) return SendPage(res, ProblemPage(items.status().message()), &st);
  const IncidentForm f = ReadForm(req);
  if (f.at_local.empty()) {
    return SendPage(res,
                    NewIncidentPage(f, *items,
                                    "When it happened: please give the date and time. Nothing "
                                    "was recorded."),
                    &st);
  }
  IncidentInput in;
  in.at = Compose(f.at_local, f.offset);
  if (!f.until_local.empty()) in.until = Compose(f.until_local, f.until_offset);
  in.behaviours = f.behaviours;
  in.what = f.what;
  in.where = f.where;
  in.witnesses = Lines(f.witnesses);
  in.items = f.items;
  auto id = c->RecordIncident(in);
  if (!id.ok()) {
    return SendPage(res, NewIncidentPage(f, *items, InWords(id.status(), "Nothing was recorded.")),
                    &st);
  }
  SeeOther(res, "/diary/" + *id);
}

void IncidentGet(const httplib::Request& req, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  const auto [id, amend] = IncidentPath(req.path);
  auto inc = c->GetIncident(id);
  if (!inc.ok()) {
    if (inc.status().code() == StatusCode::kNotFound) return SendPage(res, NotFoundPage(), &st);
    return SendPage(res, ProblemPage(inc.status().message()), &st);
  }
  if (amend) {
    IncidentForm f = FormOf(*inc);
    f.offset.clear();
    f.until_offset.clear();
    return SendPage(res, AmendPage(*inc, f, ""), &st);
  }
  auto items = c->Items();
  if (!items.ok()) return SendPage(res, ProblemPage(items.status().message()), &st);
  auto quoted = c->QuoteMessages(inc->messages);
  if (!quoted.ok()) return SendPage(res, ProblemPage(quoted.status().message()), &st);
  SendPage(res, IncidentPage(*inc, *items, *quoted), &st);
}

void AmendIncidentPost(const httplib::Request& req, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  const auto [id, amend] = IncidentPath(req.path);
  auto inc = c->GetIncident(id);
  if (!amend || !inc.ok()) return SendPage(res, NotFoundPage(), &st);
  const IncidentForm f = ReadForm(req);
  const IncidentChanges ch = ChangesFrom(f, *inc);
  // The library keeps a reason when given; the app asks for one every time, because a court
  // will ask why an account changed.
  if (ch.reason.empty()) {
    return SendPage(res,
                    AmendPage(*inc, f,
                              "Please say why you are changing this entry. Nothing was "
                              "changed."),
                    &st);
  }
  if (Status s = c->AmendIncident(inc->id, ch); !s.ok()) {
    return SendPage(res, AmendPage(*inc, f, InWords(s, "Nothing was changed.")), &st);
  }
  SeeOther(res, "/diary/" + inc->id);
}

namespace {

// The whole case's report, as `evidence report --format html` renders it.
Result<std::string> ReportHtml(const Case& c) {
  auto data = c.GatherReport(std::nullopt, std::nullopt);
  if (!data.ok()) return data.status();
  return RenderReport(*data, ReportFormat::kHtml);
}

// Sends the report with a policy of its own in place of the app's (report_view.hpp).
bool SendReport(httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) {
    SeeOther(res, "/");
    return false;
  }
  auto html = ReportHtml(*c);
  if (!html.ok()) {
    SendPage(res, ProblemPage(html.status().message()), &st);
    return false;
  }
  res.status = 200;
  res.headers.erase("Content-Security-Policy");
  res.set_header("Content-Security-Policy", ReportPolicy(*html));
  res.set_content(*html, "text/html; charset=utf-8");
  return true;
}

}  // namespace

void ReportPage(const httplib::Request&, httplib::Response& res, AppState& st) {
  if (st.session.unlocked() == nullptr) return SeeOther(res, "/");
  SendPage(res, Page{"report"}, &st);
}

void ReportView(const httplib::Request&, httplib::Response& res, AppState& st) {
  SendReport(res, st);
}

void ReportDownload(const httplib::Request&, httplib::Response& res, AppState& st) {
  if (SendReport(res, st)) {
    res.set_header("Content-Disposition", "attachment; filename=\"report.html\"");
  }
}

}  // namespace evidence::app
