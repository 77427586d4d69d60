#include "message_pages.hpp"

#include <charconv>
#include <optional>
#include <string_view>

#include "evidence_views.hpp"
#include "pages.hpp"

namespace evidence::app {

namespace mustache = kainjow::mustache;

namespace {

// The filters are a few words; longer input is cut rather than refused.
constexpr std::size_t kMaxQuery = 200;

std::string Param(const httplib::Request& req, const char* name) {
  std::string v = req.has_param(name) ? req.get_param_value(name) : std::string();
  if (v.size() > kMaxQuery) v.resize(kMaxQuery);
  return v;
}

std::vector<std::string> Params(const httplib::Request& req, const char* name) {
  std::vector<std::string> out;
  const std::size_t n = req.get_param_value_count(name);
  for (std::size_t i = 0; i < n; ++i) out.push_back(req.get_param_value(name, i));
  return out;
}

// A query string value: every byte but the unreserved ones of RFC 3986 percent-encoded, so that
// what was typed in the search box comes back unchanged in the page links.
std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
        ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 0xF];
    }
  }
  return out;
}

std::optional<std::uint64_t> Number(std::string_view s) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return n;
}

// The link to page `page` of the conversation with the same filter.
std::string PageHref(const ConversationView& v, std::size_t page) {
  std::string href = "/messages/" + v.item.exhibit + "?page=" + std::to_string(page);
  for (auto [name, value] : {std::pair{"q", &v.query.text},
                             {"sender", &v.query.sender},
                             {"from", &v.query.from},
                             {"to", &v.query.to}}) {
    if (!value->empty()) href += std::string("&") + name + "=" + UrlEncode(*value);
  }
  return href;
}

mustache::data Choices(const std::vector<IncidentChoice>& incidents) {
  mustache::data list{mustache::data::type::list};
  for (const IncidentChoice& i : incidents) {
    mustache::data d;
    d.set("id", i.id);
    d.set("label", i.label);
    list.push_back(d);
  }
  return list;
}

// The exhibit id of `/messages/<id><suffix>`, checked for shape before the case is asked.
std::optional<std::string> ExhibitIn(std::string_view path, std::string_view suffix) {
  std::string_view rest = path.substr(std::string_view("/messages/").size());
  if (!rest.ends_with(suffix)) return std::nullopt;
  rest.remove_suffix(suffix.size());
  if (!LooksLikeExhibit(rest)) return std::nullopt;
  return std::string(rest);
}

void SendNotLinked(httplib::Response& res, AppState& st, const std::string& message,
                   const std::string& back) {
  Page p{"not_linked", mustache::data::type::object, 400};
  p.data.set("message", message);
  p.data.set("back", back);
  SendPage(res, p, &st);
}

// A local path of the app to go back to after linking; anything else goes home, so that a form
// cannot be made to send the browser elsewhere.
std::string BackTo(const std::string& back) {
  if (back.size() > 1 && back[0] == '/' && back[1] != '/' && back.find('\\') == std::string::npos) {
    return back;
  }
  return "/";
}

}  // namespace

std::string SenderInWords(const Message& m) {
  if (m.system) return "(system)";
  if (m.sender.empty()) return "(no sender named)";
  return m.sender;
}

Page ConversationsPage(const std::vector<Conversation>& conversations) {
  Page p{"messages"};
  mustache::data list{mustache::data::type::list};
  for (const Conversation& c : conversations) {
    mustache::data d;
    d.set("exhibit", c.exhibit);
    d.set("name", c.name);
    d.set("kind", c.kind);
    std::string count = Plural(c.messages - c.calls, "message", "messages");
    if (c.calls > 0) count += ", " + Plural(c.calls, "call", "calls");
    d.set("count", count);
    if (!c.first.empty()) {
      d.set("first", c.first);
      d.set("last", c.last);
    }
    list.push_back(d);
  }
  p.data.set("conversations", list);
  p.data.set("none", conversations.empty());
  return p;
}

Page ConversationPage(const ConversationView& v, const std::vector<IncidentChoice>& incidents,
                      const std::string& error) {
  Page p{"conversation"};
  p.data.set("exhibit", v.item.exhibit);
  p.data.set("name", v.item.name);
  p.data.set("q", v.query.text);
  p.data.set("sender", v.query.sender);
  p.data.set("from", v.query.from);
  p.data.set("to", v.query.to);
  mustache::data senders{mustache::data::type::list};
  for (const std::string& s : v.senders) senders.push_back(mustache::data(s));
  p.data.set("senders", senders);
  if (!error.empty()) p.data.set("error", error);
  mustache::data rows{mustache::data::type::list};
  for (const Message& m : v.messages) {
    mustache::data d;
    d.set("index", std::to_string(m.index));
    d.set("time", m.time.value_or("(no time)"));
    d.set("who", SenderInWords(m));
    if (m.call) d.set("call", m.call->type);
    d.set("text", m.text);
    mustache::data atts{mustache::data::type::list};
    for (const Attachment& a : m.attachments) atts.push_back(mustache::data(a.name));
    d.set("attachments", atts);
    rows.push_back(d);
  }
  p.data.set("messages", rows);
  p.data.set("none", v.messages.empty());
  std::string shown;
  if (!v.messages.empty()) {
    const std::size_t first = (v.query.page - 1) * kMessagesPerPage + 1;
    shown = "Showing " + std::to_string(first) + " to " +
            std::to_string(first + v.messages.size() - 1) + " of ";
  }
  shown += v.matching == v.total ? Plural(v.total, "message", "messages")
                                 : std::to_string(v.matching) + " matching (of " +
                                       Plural(v.total, "message", "messages") + ")";
  p.data.set("shown", shown + ".");
  p.data.set("paged", v.pages > 1);
  p.data.set("page", std::to_string(v.query.page));
  p.data.set("pages", std::to_string(v.pages));
  if (v.query.page > 1) {
    p.data.set("first_href", PageHref(v, 1));
    p.data.set("prev_href", PageHref(v, v.query.page - 1));
  }
  if (v.query.page < v.pages) {
    p.data.set("next_href", PageHref(v, v.query.page + 1));
    p.data.set("last_href", PageHref(v, v.pages));
  }
  p.data.set("incidents", Choices(incidents));
  p.data.set("has_incidents", !incidents.empty());
  return p;
}

void MessagesList(const httplib::Request&, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  auto list = GatherConversations(*c);
  if (!list.ok()) return SendPage(res, ProblemPage(list.status().message()), &st);
  SendPage(res, ConversationsPage(*list), &st);
}

void ConversationGet(const httplib::Request& req, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  auto exhibit = ExhibitIn(req.path, "");
  if (!exhibit) return SendPage(res, NotFoundPage(), &st);
  MessageQuery q{Param(req, "q"), Param(req, "sender"), Param(req, "from"), Param(req, "to"), 1};
  if (auto n = Number(Param(req, "page")); n && *n > 0) q.page = *n;
  auto incidents = c->Incidents();
  if (!incidents.ok()) return SendPage(res, ProblemPage(incidents.status().message()), &st);
  auto view = GatherConversation(*c, *exhibit, q);
  std::string error;
  if (!view.ok() && view.status().code() == StatusCode::kInvalidArgument) {
    // A date the library cannot read: say so by the box, and show the conversation without it.
    error = std::string(view.status().argument() == "to" ? "To" : "From") + ": " +
            view.status().message();
    (view.status().argument() == "to" ? q.to : q.from).clear();
    view = GatherConversation(*c, *exhibit, q);
  }
  if (!view.ok()) {
    if (view.status().code() == StatusCode::kNotFound) return SendPage(res, NotFoundPage(), &st);
    return SendPage(res, ProblemPage(view.status().message()), &st);
  }
  SendPage(res, ConversationPage(*view, IncidentChoices(*incidents), error), &st);
}

void LinkMessagesPost(const httplib::Request& req, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  auto exhibit = ExhibitIn(req.path, "/link");
  if (!exhibit) return SendPage(res, NotFoundPage(), &st);
  const std::string back = "/messages/" + *exhibit;
  std::vector<std::uint64_t> indices;
  for (const std::string& m : Params(req, "m")) {
    auto n = Number(m);
    if (!n) return SendNotLinked(res, st, "\"" + m + "\" is not a message number.", back);
    indices.push_back(*n);
  }
  if (indices.empty()) {
    return SendNotLinked(res, st, "Please select at least one message to link.", back);
  }
  const std::string incident = Param(req, "incident");
  if (incident.empty()) return SendNotLinked(res, st, "Please choose a diary entry.", back);
  Status s = c->LinkMessages(incident, *exhibit, indices);
  if (!s.ok()) return SendNotLinked(res, st, s.message(), back);
  SeeOther(res, "/diary/" + incident);
}

void LinkItemsPost(const httplib::Request& req, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  const std::string back = BackTo(Param(req, "back"));
  const std::vector<std::string> exhibits = Params(req, "exhibit");
  if (exhibits.empty()) {
    return SendNotLinked(res, st, "Please choose the evidence to link.", back);
  }
  const std::string incident = Param(req, "incident");
  if (incident.empty()) return SendNotLinked(res, st, "Please choose a diary entry.", back);
  Status s = c->LinkItems(incident, exhibits);
  if (!s.ok()) return SendNotLinked(res, st, s.message(), back);
  SeeOther(res, "/diary/" + incident);
}

}  // namespace evidence::app
