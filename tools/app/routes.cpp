#include "routes.hpp"

#include <memory>

#include "assets.hpp"
#include "bundle_check.hpp"
#include "diary.hpp"
#include "evidence_handlers.hpp"
#include "handover.hpp"
#include "message_pages.hpp"
#include "pages.hpp"
#include "text_input.hpp"
#include "upload.hpp"
#include "views.hpp"

namespace evidence::app {

namespace fs = std::filesystem;

namespace {

// Where the case folder stands, for a session with no case unlocked.
enum class Found { kNoCase, kNeedsPassphrase, kOpened, kProblem };

struct Probe {
  Found found = Found::kProblem;
  std::optional<Case> opened;  // kOpened: a plaintext case, open without a passphrase
  std::string problem;         // kProblem: the library's message
};

// Opens the case without a passphrase: a plaintext case opens, an encrypted one asks for the
// passphrase (and the provider says it was asked), a missing or empty folder is a case to create.
Probe ProbeCase(const fs::path& dir) {
  auto asked = std::make_shared<bool>(false);
  auto c = Case::Open(dir, [asked]() -> Result<std::string> {
    *asked = true;
    return Status::InvalidArgument(
        "this needs the case's passphrase, which the app asks for "
        "only when it unlocks the case");
  });
  Probe p;
  if (c.ok()) {
    p.found = Found::kOpened;
    p.opened.emplace(std::move(c).value());
    return p;
  }
  std::error_code ec;
  if (*asked) {
    p.found = Found::kNeedsPassphrase;
  } else if (c.status().code() == StatusCode::kNotFound ||
             (fs::is_directory(dir, ec) && fs::is_empty(dir, ec))) {
    p.found = Found::kNoCase;
  } else {
    p.problem = c.status().message();
  }
  return p;
}

void ShowHome(httplib::Response& res, AppState& st) {
  auto view = GatherHome(*st.session.unlocked(), st.session.last_verify());
  if (!view.ok()) return SendPage(res, ProblemPage(view.status().message()), &st);
  SendPage(res, HomePage(*view), &st);
}

// GET /: the home page when a case is unlocked, else whichever of create, unlock or a problem
// the case folder calls for. A plaintext case is opened here, as the CLI opens it.
void Root(const httplib::Request&, httplib::Response& res, AppState& st) {
  if (st.session.unlocked()) return ShowHome(res, st);
  Probe p = ProbeCase(st.case_dir);
  switch (p.found) {
    case Found::kOpened:
      st.session.Hold(std::move(*p.opened));
      return ShowHome(res, st);
    case Found::kNeedsPassphrase:
      return SendPage(res, UnlockPage(""), &st);
    case Found::kNoCase:
      return SendPage(res, CreatePage(CreateForm{}), &st);
    case Found::kProblem:
      return SendPage(res, ProblemPage(p.problem), &st);
  }
}

void Create(const httplib::Request& req, httplib::Response& res, AppState& st) {
  if (st.session.unlocked()) return SeeOther(res, "/");
  CreateForm form{Field(req, "name"), Field(req, "owner"), Field(req, "exhibit_prefix"), ""};
  std::string pass = Field(req, "passphrase");
  std::string again = Field(req, "passphrase_again");
  if (pass.empty()) {
    form.error = "Please choose a passphrase. Nothing was created.";
  } else if (pass != again) {
    form.error =
        "The two passphrases are not the same. Nothing was created; please type them "
        "again.";
  }
  explicit_bzero(again.data(), again.size());
  if (!form.error.empty()) {
    explicit_bzero(pass.data(), pass.size());
    return SendPage(res, CreatePage(form), &st);
  }
  CaseOptions opt;
  opt.name = form.name;
  if (!form.owner.empty()) opt.owner = form.owner;
  if (!form.exhibit_prefix.empty()) opt.exhibit_prefix = form.exhibit_prefix;
  opt.passphrase = pass;
  explicit_bzero(pass.data(), pass.size());
  auto c = Case::Create(st.case_dir, opt);
  explicit_bzero(opt.passphrase->data(), opt.passphrase->size());
  if (!c.ok()) {
    form.error = "The case could not be created: " + c.status().message();
    return SendPage(res, CreatePage(form), &st);
  }
  st.session.Hold(std::move(c).value());
  SeeOther(res, "/");
}

void Unlock(const httplib::Request& req, httplib::Response& res, AppState& st) {
  if (st.session.unlocked()) return SeeOther(res, "/");
  std::string pass = Field(req, "passphrase");
  if (pass.empty()) return SendPage(res, UnlockPage("Please type the passphrase."), &st);
  auto c = Case::Open(st.case_dir, ProviderFor(std::move(pass)));
  explicit_bzero(pass.data(), pass.size());
  if (!c.ok()) {
    const Status& s = c.status();
    // The library's word for it (key_file.hpp); everything else is a problem with the folder.
    if (s.code() == StatusCode::kInvalidArgument && s.message().ends_with("wrong passphrase")) {
      return SendPage(res,
                      UnlockPage("That passphrase does not unlock this case. Nothing was "
                                 "changed; please try again."),
                      &st);
    }
    return SendPage(res, ProblemPage(s.message()), &st);
  }
  st.session.Hold(std::move(c).value());
  SeeOther(res, "/");
}

void CheckNowHandler(const httplib::Request&, httplib::Response& res, AppState& st) {
  if (!st.session.unlocked()) return SeeOther(res, "/");
  auto outcome = CheckNow(*st.session.unlocked());
  if (!outcome.ok()) return SendPage(res, ProblemPage(outcome.status().message()), &st);
  st.session.set_last_verify(std::move(outcome).value());
  SeeOther(res, "/");
}

void LockAndQuit(const httplib::Request&, httplib::Response& res, AppState& st) {
  st.session.Lock();
  SendPage(res, LockedPage(), nullptr);
  st.quit();
}

// The quick exit's POST (a form, or the script's beacon): the page has already been replaced by
// the neutral one; this forgets the key.
void QuickExit(const httplib::Request&, httplib::Response& res, AppState& st) {
  st.session.Lock();
  SeeOther(res, "/bye");
}

void Bye(const httplib::Request&, httplib::Response& res, AppState&) {
  SendPage(res, ByePage(), nullptr);
}

void ServeAsset(const httplib::Request& req, httplib::Response& res, AppState&) {
  const Asset* a =
      FindAsset(std::string_view(req.path).substr(std::string_view("/assets/").size()));
  if (a == nullptr || a->name.ends_with(".mustache")) return SendPage(res, NotFoundPage(), nullptr);
  res.status = 200;
  res.set_content(std::string(a->bytes), std::string(a->content_type).c_str());
}

}  // namespace

const std::vector<Route>& AppRoutes() {
  static const std::vector<Route> routes = {
      {"GET", "/", Access::kSession, Root},
      {"POST", "/create", Access::kSession, Create},
      {"POST", "/unlock", Access::kSession, Unlock},
      {"POST", "/check", Access::kSession, CheckNowHandler},
      {"POST", "/lock-and-quit", Access::kSession, LockAndQuit},
      {"POST", "/quick-exit", Access::kSession, QuickExit},
      {"GET", "/evidence", Access::kSession, ShowEvidence},
      {"GET", "/evidence/", Access::kSession, ShowItemOrFile},
      {"POST", "/evidence/", Access::kSession, DownloadOriginal},
      {"GET", "/custody", Access::kSession, ShowCustody},
      {"GET", "/diary", Access::kSession, DiaryList},
      {"GET", "/diary/new", Access::kSession, NewIncidentForm},
      {"POST", "/diary/new", Access::kSession, RecordIncidentPost},
      {"GET", "/diary/", Access::kSession, IncidentGet},
      {"POST", "/diary/", Access::kSession, AmendIncidentPost},
      {"GET", "/report", Access::kSession, ReportPage},
      {"GET", "/report/view", Access::kSession, ReportView},
      {"GET", "/report/download", Access::kSession, ReportDownload},
      {"GET", "/add", Access::kSession, AddEvidencePage},
      {"GET", "/handover", Access::kSession, HandoverForm},
      {"POST", "/handover", Access::kSession, HandoverPost},
      {"GET", "/handover/done/", Access::kSession, HandoverDone},
      {"POST", "/handover/download/", Access::kSession, HandoverDownload},
      {"GET", "/check-bundle", Access::kSession, CheckBundleForm},
      {"POST", "/check-bundle/receive", Access::kSession, CheckBundleReceive},
      {"POST", "/check-bundle/forget", Access::kSession, CheckBundleForget},
      {"GET", "/messages", Access::kSession, MessagesList},
      {"GET", "/messages/", Access::kSession, ConversationGet},
      {"POST", "/messages/", Access::kSession, LinkMessagesPost},
      {"POST", "/link", Access::kSession, LinkItemsPost},
      {"GET", "/bye", Access::kPublic, Bye},
      {"GET", "/assets/", Access::kPublic, ServeAsset},
  };
  return routes;
}

const Route* FindRoute(std::string_view method, std::string_view path) {
  for (const Route& r : AppRoutes()) {
    if (r.method != method) continue;
    const bool prefix = r.path.size() > 1 && r.path.back() == '/';
    if (prefix ? path.starts_with(r.path) : path == r.path) return &r;
  }
  return nullptr;
}

const std::vector<StreamRoute>& AppStreamRoutes() {
  static const std::vector<StreamRoute> routes = {
      {"/add/upload", UploadFile},
      {std::string(kCheckBundlePath), CheckBundleUpload, CsrfIn::kFormField},
  };
  return routes;
}

const StreamRoute* FindStreamRoute(std::string_view path) {
  for (const StreamRoute& r : AppStreamRoutes()) {
    if (path == r.path) return &r;
  }
  return nullptr;
}

void SendPage(httplib::Response& res, const Page& page, const AppState* state) {
  res.status = page.status;
  res.set_content(Render(page, state ? state->session.csrf() : std::string_view{},
                         state != nullptr && state->session.is_unlocked()),
                  "text/html; charset=utf-8");
}

void SeeOther(httplib::Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
}

void Drain(const httplib::Request& req, const httplib::ContentReader& reader) {
  if (req.is_multipart_form_data()) {
    reader([](const httplib::MultipartFormData&) { return true; },
           [](const char*, size_t) { return true; });
  } else {
    reader([](const char*, size_t) { return true; });
  }
}

}  // namespace evidence::app
