// The handlers of the Evidence list, the item page, the item's file and the Custody log
// (routes.cpp lists them). Each GET; each needs an unlocked case and goes home without one.
#pragma once

#include <httplib.h>

#include "routes.hpp"

namespace evidence::app {

// GET /evidence?q=...&kind=...
void ShowEvidence(const httplib::Request& req, httplib::Response& res, AppState& st);
// GET /evidence/<exhibit> and GET /evidence/<exhibit>/file
void ShowItemOrFile(const httplib::Request& req, httplib::Response& res, AppState& st);
// GET /custody?q=...
// POST /evidence/<exhibit>/download: the original as an attachment, its access recorded.
void DownloadOriginal(const httplib::Request& req, httplib::Response& res, AppState& st);
void ShowCustody(const httplib::Request& req, httplib::Response& res, AppState& st);

}  // namespace evidence::app
