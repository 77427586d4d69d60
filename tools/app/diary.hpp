// The diary's pages (docs/app.md "Diary"): the list of incidents, the form for a new one, one
// incident with every version, its amendment, and the pattern report. Each calls the same public
// Case functions as `evidence incident ...` and `evidence report` (tools/cmd_diary.cpp,
// tools/cmd_report.cpp).
#pragma once

#include <httplib.h>

#include "routes.hpp"

namespace evidence::app {

// GET /diary
void DiaryList(const httplib::Request& req, httplib::Response& res, AppState& st);
// GET and POST /diary/new
void NewIncidentForm(const httplib::Request& req, httplib::Response& res, AppState& st);
void RecordIncidentPost(const httplib::Request& req, httplib::Response& res, AppState& st);
// GET /diary/INC-0001 and /diary/INC-0001/amend; POST /diary/INC-0001/amend
void IncidentGet(const httplib::Request& req, httplib::Response& res, AppState& st);
void AmendIncidentPost(const httplib::Request& req, httplib::Response& res, AppState& st);
// GET /report, /report/view (the library's HTML as its own document), /report/download
void ReportPage(const httplib::Request& req, httplib::Response& res, AppState& st);
void ReportView(const httplib::Request& req, httplib::Response& res, AppState& st);
void ReportDownload(const httplib::Request& req, httplib::Response& res, AppState& st);

}  // namespace evidence::app
