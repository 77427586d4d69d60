// The "Add evidence" page and its uploads: each file comes in its own POST, its body streamed
// into Case::BeginUpload's Upload as it arrives (never read whole), and the answer is a small
// JSON object the page's script (assets/add.js) shows in words (docs/app.md "Add evidence").
#pragma once

#include <httplib.h>

#include "routes.hpp"

namespace evidence::app {

// GET /add: the file pickers, the drop zone and the progress bars.
void AddEvidencePage(const httplib::Request& req, httplib::Response& res, AppState& st);

// POST /add/upload?name=NAME[&date_order=day-first|month-first]: the body is the file's bytes.
// Answers 200 {"exhibit", "duplicate", "messages", "children", "warnings", "errors"} once the file
// is recorded or found already in the case; otherwise an error status with {"error": the
// library's message, "argument": the input it is about ("date_order" asks the question)}. A body
// over the limit, cut off, or refused leaves nothing in the case.
void UploadFile(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader, AppState& st);

}  // namespace evidence::app
