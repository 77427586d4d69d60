#include "message_views.hpp"

#include <algorithm>

#include "evidence/time.hpp"
#include "text_input.hpp"

namespace evidence::app {

namespace {

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
    out.push_back({it->id, it->at.substr(0, 10) + ", " + FirstLine(it->what, 60)});
  }
  return out;
}

Result<std::vector<Conversation>> GatherConversations(const Case& c) {
  auto exports = c.MessageExports();
  if (!exports.ok()) return exports.status();
  std::vector<Conversation> out;
  for (const MessageExport& e : *exports) {
    auto item = c.GetItem(e.item);
    if (!item.ok()) return item.status();
    Conversation conv;
    conv.exhibit = e.item;
    conv.name = item->name;
    conv.kind = item->kind;
    conv.messages = e.messages;
    conv.calls = e.calls;
    conv.first = e.first.value_or("");
    conv.last = e.last.value_or("");
    out.push_back(std::move(conv));
  }
  return out;
}

Result<ConversationView> GatherConversation(const Case& c, std::string_view exhibit,
                                            MessageQuery query) {
  auto item = c.GetItem(exhibit);
  if (!item.ok()) return item.status();
  MessageSearch search;
  search.filter.item = item->exhibit;
  if (!query.sender.empty()) search.filter.sender = query.sender;
  if (Status s = Bound(query.from, false, &search.filter.since); !s.ok()) return s;
  if (Status s = Bound(query.to, true, &search.filter.until); !s.ok()) return s;
  if (!query.text.empty()) search.text = query.text;
  search.limit = kMessagesPerPage;
  query.page = std::max<std::size_t>(query.page, 1);
  search.offset = (query.page - 1) * kMessagesPerPage;
  auto found = c.SearchMessages(search);
  if (!found.ok()) return found.status();
  ConversationView page;
  page.pages =
      std::max<std::size_t>(1, (found->matching + kMessagesPerPage - 1) / kMessagesPerPage);
  if (query.page > page.pages) {
    // Past the last page (an old link after a narrower filter) shows the last: a second pass,
    // only then.
    query.page = page.pages;
    search.offset = (query.page - 1) * kMessagesPerPage;
    found = c.SearchMessages(search);
    if (!found.ok()) return found.status();
  }
  page.matching = found->matching;
  page.total = found->total;
  page.senders = std::move(found->senders);
  for (StoredMessage& sm : found->messages) page.messages.push_back(std::move(sm.message));
  page.item = std::move(item).value();
  page.query = std::move(query);
  return page;
}

}  // namespace evidence::app
