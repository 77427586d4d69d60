#include "upload.hpp"

#include <nlohmann/json.hpp>

#include "evidence/human_size.hpp"
#include "evidence/messages.hpp"
#include "evidence/upload.hpp"
#include "pages.hpp"

namespace evidence::app {

namespace {

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  // A hostile file name may not be UTF-8; the answer must still be JSON.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, int status, const std::string& message,
               const std::string& argument = "") {
  nlohmann::json body = {{"error", message}};
  if (!argument.empty()) body["argument"] = argument;
  SendJson(res, status, body);
}

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kUnsupported:
      return 422;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kBusy:
      return 503;
    default:
      return 500;
  }
}

nlohmann::json OutcomeJson(const IngestOutcome& out) {
  return {{"exhibit", out.exhibit},   {"duplicate", out.duplicate}, {"kind", out.kind},
          {"messages", out.messages}, {"children", out.children},   {"warnings", out.warnings},
          {"errors", out.errors}};
}

}  // namespace

void AddEvidencePage(const httplib::Request&, httplib::Response& res, AppState& st) {
  if (!st.session.unlocked()) return SeeOther(res, "/");
  Page page{"add"};
  page.data.set("max_bytes", std::to_string(st.max_upload));
  page.data.set("max_size", HumanSize(st.max_upload));
  SendPage(res, page, &st);
}

// One file, as it arrives: the body goes into the Upload block by block, so the server holds at
// most httplib's read buffer and the Upload's block of it, whatever the file's size.
void UploadFile(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) {
    Drain(req, reader);
    return SendError(res, 409, "The case is locked. Unlock it and add the file again.");
  }
  // Neither of these two is read: a body without a length may never end, and one over the limit
  // is not worth reading. The page's script checks the size before it sends anything.
  if (req.is_multipart_form_data()) {
    return SendError(res, 415,
                     "The file must be sent as it is, not inside a form. Nothing was added.");
  }
  if (!req.has_header("Content-Length")) {
    return SendError(res, 411, "The browser did not say how large the file is. Nothing was added.");
  }
  const std::uint64_t length = req.get_header_value<std::uint64_t>("Content-Length");
  if (length > st.max_upload) {
    return SendError(res, 413,
                     "This file is larger than " + HumanSize(st.max_upload) +
                         ", the most this app takes in one file (evidence app --max-upload-mib). "
                         "Nothing was added; `evidence add` takes it from the terminal.");
  }
  IngestOptions options;
  if (req.has_param("date_order") && !req.get_param_value("date_order").empty()) {
    auto order = ParseDateOrder(req.get_param_value("date_order"));
    if (!order.ok()) {
      Drain(req, reader);
      return SendError(res, 400, order.status().message(), "date_order");
    }
    options.date_order = *order;
  }
  std::string name = req.has_param("name") ? req.get_param_value("name") : std::string();
  auto upload = c->BeginUpload(name, options);
  if (!upload.ok()) {
    Drain(req, reader);
    return SendError(res, HttpStatusFor(upload.status()), upload.status().message(),
                     upload.status().argument());
  }
  Status added = Status::Ok();
  bool whole = reader([&](const char* data, size_t n) {
    added = upload->Add(ByteView(reinterpret_cast<const std::uint8_t*>(data), n));
    return added.ok();
  });
  if (!added.ok()) {
    return SendError(res, HttpStatusFor(added), added.message() + ". Nothing was added.");
  }
  if (!whole || upload->size() != length) {
    // The connection broke or the browser stopped sending: the Upload goes out of scope and
    // takes its staged copy with it.
    return SendError(res, 400, "The upload was cut off before the end. Nothing was added.");
  }
  auto outcome = upload->Finish();
  if (!outcome.ok()) {
    return SendError(res, HttpStatusFor(outcome.status()), outcome.status().message(),
                     outcome.status().argument());
  }
  SendJson(res, 200, OutcomeJson(*outcome));
}

}  // namespace evidence::app
