#include "message_views.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "evidence/time.hpp"
#include "text_input.hpp"

namespace evidence::app {

namespace {

// `needle` is already lower case.
bool Mentions(const Message& m, const std::string& needle) {
  if (Lower(m.text).find(needle) != std::string::npos) return true;
  return std::any_of(m.attachments.begin(), m.attachments.end(), [&](const Attachment& a) {
    return Lower(a.name).find(needle) != std::string::npos;
  });
}

// The bound as `messages --since/--until` passes it to the library (tools/cli.cpp TimeBounds):
// a date alone as an upper bound is the end of that local day.
Status Bound(const std::string& text, bool upper, std::optional<std::string>* out) {
  if (text.empty()) return Status::Ok();
  auto ms = ParseTimeBound(text, upper);
  if (!ms.ok()) {
    return Status::InvalidArgument(ms.status().message()).AboutArgument(upper ? "to" : "from");
  }
  *out = FormatUtc(*ms);
  return Status::Ok();
}

// The first line of the account, cut at a character boundary.
std::string FirstWords(const std::string& what) {
  std::string s = what.substr(0, what.find('\n'));
  if (s.size() <= 60) return s;
  std::size_t cut = 57;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

}  // namespace

std::vector<IncidentChoice> IncidentChoices(const std::vector<Incident>& incidents,
                                            std::string_view exhibit) {
  std::vector<IncidentChoice> out;
  // Newest first, as the diary lists them: the latest entry is the likeliest one.
  for (auto it = incidents.rbegin(); it != incidents.rend(); ++it) {
    if (!exhibit.empty() &&
        std::find(it->items.begin(), it->items.end(), exhibit) != it->items.end()) {
      continue;
    }
    out.push_back({it->id, it->at.substr(0, 10) + ", " + FirstWords(it->what)});
  }
  return out;
}

Result<std::vector<QuotedMessage>> GatherLinkedMessages(const Case& c, const Incident& incident) {
  std::map<std::string, std::map<std::uint64_t, Message>> by_item;
  for (const LinkedMessage& m : incident.messages) by_item[m.item];
  for (auto& [exhibit, messages] : by_item) {
    MessageFilter f;
    f.item = exhibit;
    auto all = c.Messages(f);
    if (!all.ok()) return all.status();
    for (StoredMessage& sm : *all) messages[sm.message.index] = std::move(sm.message);
  }
  std::vector<QuotedMessage> out;
  for (const LinkedMessage& m : incident.messages) {
    auto& messages = by_item[m.item];
    auto it = messages.find(m.index);
    // Verify checks that every linked message exists; one that does not is left out here.
    if (it != messages.end()) out.push_back({m.item, m.index, it->second});
  }
  return out;
}

Result<std::vector<Conversation>> GatherConversations(const Case& c) {
  auto all = c.Messages(MessageFilter{});
  if (!all.ok()) return all.status();
  std::map<std::string, Conversation> by_item;
  for (const StoredMessage& sm : *all) {
    Conversation& conv = by_item[sm.item];
    conv.exhibit = sm.item;
    ++conv.messages;
    if (sm.message.call) ++conv.calls;
    if (sm.message.time) {
      if (conv.first.empty()) conv.first = *sm.message.time;
      conv.last = *sm.message.time;
    }
  }
  std::vector<Conversation> out;
  for (auto& [exhibit, conv] : by_item) {
    auto item = c.GetItem(exhibit);
    if (!item.ok()) return item.status();
    conv.name = item->name;
    conv.kind = item->kind;
    out.push_back(std::move(conv));
  }
  return out;
}

Result<ConversationView> GatherConversation(const Case& c, std::string_view exhibit,
                                            MessageQuery query) {
  auto item = c.GetItem(exhibit);
  if (!item.ok()) return item.status();
  MessageFilter f;
  f.item = item->exhibit;
  if (!query.sender.empty()) f.sender = query.sender;
  if (Status s = Bound(query.from, false, &f.since); !s.ok()) return s;
  if (Status s = Bound(query.to, true, &f.until); !s.ok()) return s;
  auto selected = c.Messages(f);
  if (!selected.ok()) return selected.status();
  ConversationView page;
  // The sender list and the total need the whole export; without a filter it is the same read.
  std::vector<StoredMessage> whole;
  if (f.sender || f.since || f.until) {
    MessageFilter whole_export;
    whole_export.item = item->exhibit;
    auto all = c.Messages(whole_export);
    if (!all.ok()) return all.status();
    whole = std::move(all).value();
  }
  const std::vector<StoredMessage>& every = whole.empty() ? *selected : whole;
  std::set<std::string> senders;
  for (const StoredMessage& sm : every) {
    if (!sm.message.sender.empty()) senders.insert(sm.message.sender);
  }
  page.total = every.size();
  page.senders.assign(senders.begin(), senders.end());
  const std::string text = Lower(query.text);
  std::vector<Message> matching;
  for (StoredMessage& sm : *selected) {
    if (text.empty() || Mentions(sm.message, text)) matching.push_back(std::move(sm.message));
  }
  page.matching = matching.size();
  page.pages =
      std::max<std::size_t>(1, (matching.size() + kMessagesPerPage - 1) / kMessagesPerPage);
  query.page = std::clamp<std::size_t>(query.page, 1, page.pages);
  const std::size_t begin = (query.page - 1) * kMessagesPerPage;
  const std::size_t end = std::min(matching.size(), begin + kMessagesPerPage);
  for (std::size_t i = begin; i < end; ++i) page.messages.push_back(std::move(matching[i]));
  page.item = std::move(item).value();
  page.query = std::move(query);
  return page;
}

}  // namespace evidence::app
