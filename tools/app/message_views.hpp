// What the Messages pages show, gathered through the public Case API with the same calls as
// `evidence messages` (Case::Messages, tools/cmd_case.cpp): the exports that hold messages, and
// one export as a conversation, filtered and cut into pages. No page building here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/case.hpp"
#include "evidence/incident.hpp"
#include "evidence/status.hpp"

namespace evidence::app {

// Messages shown on one page of a conversation: a conversation of 10,000 messages opens as fast
// as one of 200 (the page sends only these; docs/app.md "Messages").
constexpr std::size_t kMessagesPerPage = 200;

// One export that holds messages (a chat, an SMS backup, a mailbox, a call log...).
struct Conversation {
  std::string exhibit;
  std::string name;
  std::string kind;
  std::size_t messages = 0;
  std::size_t calls = 0;
  std::string first;  // the first and last message time as written; "" when none has a time
  std::string last;
};

// Every export with at least one message, in exhibit order.
Result<std::vector<Conversation>> GatherConversations(const Case& c);

// The conversation's filter, from the query string of GET /messages/EX-0001.
struct MessageQuery {
  std::string text;    // case-insensitive substring of the text or an attachment's name
  std::string sender;  // case-insensitive substring of the sender, as `messages --from`
  std::string from;    // a lower and an upper bound as `messages --since/--until` read them
  std::string to;
  std::size_t page = 1;  // 1-based; past the last page shows the last
};

struct ConversationView {
  Item item;
  MessageQuery query;
  std::vector<Message> messages;     // this page's, in export order
  std::size_t matching = 0;          // messages the filter selects
  std::size_t total = 0;             // messages in the export
  std::size_t pages = 1;             // at least 1
  std::vector<std::string> senders;  // every sender named in the export, for the filter's list
};

// One incident as a choice of a "link to" list: its id and when, and the first words of what
// happened.
struct IncidentChoice {
  std::string id;
  std::string label;
};
// Newest first, as the diary lists them; without those that already link `exhibit` when given.
std::vector<IncidentChoice> IncidentChoices(const std::vector<Incident>& incidents,
                                            std::string_view exhibit = {});

// kNotFound for an exhibit the case does not have; kInvalidArgument (argument "from" or "to")
// for a bound the library cannot read.
Result<ConversationView> GatherConversation(const Case& c, std::string_view exhibit,
                                            MessageQuery query);

}  // namespace evidence::app
