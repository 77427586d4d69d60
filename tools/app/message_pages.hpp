// The Messages pages and the links from evidence to the diary (docs/app.md "Messages" and
// "Linking evidence to a diary entry"): the list of exports that hold messages, one export as a
// conversation with search, filters and pages, and the POSTs that link messages or items to an
// incident. Each calls the same public Case functions as `evidence messages` and `evidence link`
// (tools/cmd_case.cpp, tools/cmd_diary.cpp).
#pragma once

#include <httplib.h>

#include <string>
#include <vector>

#include "evidence/incident.hpp"
#include "message_views.hpp"
#include "render.hpp"
#include "routes.hpp"

namespace evidence::app {

// "(no sender named)" as `evidence messages` prints a message with no sender, "(system)" for a
// notice of the app that exported it.
std::string SenderInWords(const Message& m);

Page ConversationsPage(const std::vector<Conversation>& conversations);
Page ConversationPage(const ConversationView& v, const std::vector<IncidentChoice>& incidents,
                      const std::string& error);

// GET /messages
void MessagesList(const httplib::Request& req, httplib::Response& res, AppState& st);
// GET /messages/EX-0001?q=&sender=&from=&to=&page=
void ConversationGet(const httplib::Request& req, httplib::Response& res, AppState& st);
// POST /messages/EX-0001/link: incident=INC-0001, m=<index>...
void LinkMessagesPost(const httplib::Request& req, httplib::Response& res, AppState& st);
// POST /link: incident=INC-0001, exhibit=EX-0001...; back=<the page the form was on>
void LinkItemsPost(const httplib::Request& req, httplib::Response& res, AppState& st);

}  // namespace evidence::app
