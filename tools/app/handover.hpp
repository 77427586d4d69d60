// Hand over (docs/app.md "Hand over"): the form that chooses what goes into a bundle and how it
// travels, the export itself (Case::Export, the same call as `evidence export`), the page with the
// fingerprint to read to the officer, and the download of the bundle.
#pragma once

#include <httplib.h>

#include "routes.hpp"

namespace evidence::app {

// GET /handover
void HandoverForm(const httplib::Request& req, httplib::Response& res, AppState& st);
// POST /handover: exports into the case's hand-over folder, then 303 to /handover/done/<seq>.
void HandoverPost(const httplib::Request& req, httplib::Response& res, AppState& st);
// GET /handover/done/<seq>: what the export.created entry <seq> recorded, and what comes next.
void HandoverDone(const httplib::Request& req, httplib::Response& res, AppState& st);
// POST /handover/download/<seq>: the bundle as an attachment; the app's copy is removed.
void HandoverDownload(const httplib::Request& req, httplib::Response& res, AppState& st);

}  // namespace evidence::app
