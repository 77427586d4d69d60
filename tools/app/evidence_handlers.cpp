#include "evidence_handlers.hpp"

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>

#include "evidence_pages.hpp"
#include "evidence_views.hpp"
#include "original_file.hpp"
#include "pages.hpp"

namespace evidence::app {

namespace {

// The filters are a few words; longer input is cut rather than refused.
constexpr std::size_t kMaxQuery = 200;

std::string Param(const httplib::Request& req, const char* name) {
  std::string v = req.has_param(name) ? req.get_param_value(name) : std::string();
  if (v.size() > kMaxQuery) v.resize(kMaxQuery);
  return v;
}

void SendProblem(httplib::Response& res, AppState& st, const Status& s) {
  if (s.code() == StatusCode::kNotFound) return SendPage(res, NotFoundPage(), &st);
  SendPage(res, ProblemPage(s.message()), &st);
}

// Streams the unlinked copy in chunks, so that a long video is never held whole by the server.
void SendOriginal(const httplib::Request& req, httplib::Response& res, const Item& item,
                  std::shared_ptr<OriginalFile> file, bool attachment) {
  if (attachment) {
    res.set_header("Content-Disposition", AttachmentDisposition(item.raw_name));
  }
  SendFile(req, res, std::move(file), ServedContentType(item.media_type));
}

// GET: an original the browser shows inertly (a picture, a voicemail), which records nothing.
// Every other type leaves the case only as a download, by POST (DownloadOriginal), because the
// library records that access and GET never changes the case.
void ShowFile(const httplib::Request& req, httplib::Response& res, AppState& st, const Item& item) {
  if (ServedAsAttachment(item.media_type)) return SeeOther(res, "/evidence/" + item.exhibit);
  auto file = OpenOriginal(*st.session.unlocked(), item, std::nullopt);
  if (!file.ok()) return SendProblem(res, st, file.status());
  SendOriginal(req, res, item, std::move(file).value(), /*attachment=*/false);
}

// The exhibit id of `/evidence/<id><suffix>`, checked for shape before the case is asked; nullopt
// for any other path.
std::optional<std::string_view> ExhibitIn(std::string_view path, std::string_view suffix) {
  std::string_view rest = path.substr(std::string_view("/evidence/").size());
  if (!rest.ends_with(suffix)) return std::nullopt;
  rest.remove_suffix(suffix.size());
  if (!LooksLikeExhibit(rest)) return std::nullopt;
  return rest;
}

// Where a download goes, as the custody log words it.
constexpr const char* kDownloadedTo = "a download from evidence app";

}  // namespace

void ShowEvidence(const httplib::Request& req, httplib::Response& res, AppState& st) {
  if (!st.session.unlocked()) return SeeOther(res, "/");
  auto list = GatherEvidence(*st.session.unlocked(), {Param(req, "q"), Param(req, "kind")});
  if (!list.ok()) return SendProblem(res, st, list.status());
  SendPage(res, EvidencePage(*list), &st);
}

void ShowItemOrFile(const httplib::Request& req, httplib::Response& res, AppState& st) {
  if (!st.session.unlocked()) return SeeOther(res, "/");
  if (auto id = ExhibitIn(req.path, "/file")) {
    auto item = st.session.unlocked()->GetItem(*id);
    if (!item.ok()) return SendProblem(res, st, item.status());
    return ShowFile(req, res, st, *item);
  }
  auto id = ExhibitIn(req.path, "");
  if (!id) return SendPage(res, NotFoundPage(), &st);
  auto view = GatherItem(*st.session.unlocked(), *id);
  if (!view.ok()) return SendProblem(res, st, view.status());
  SendPage(res, ItemPage(*view), &st);
}

void DownloadOriginal(const httplib::Request& req, httplib::Response& res, AppState& st) {
  if (!st.session.unlocked()) return SeeOther(res, "/");
  auto id = ExhibitIn(req.path, "/download");
  if (!id) return SendPage(res, NotFoundPage(), &st);
  auto item = st.session.unlocked()->GetItem(*id);
  if (!item.ok()) return SendProblem(res, st, item.status());
  auto file = OpenOriginal(*st.session.unlocked(), *item, std::string(kDownloadedTo));
  if (!file.ok()) return SendProblem(res, st, file.status());
  SendOriginal(req, res, *item, std::move(file).value(), /*attachment=*/true);
}

void ShowCustody(const httplib::Request& req, httplib::Response& res, AppState& st) {
  if (!st.session.unlocked()) return SeeOther(res, "/");
  const std::string q = Param(req, "q");
  auto lines = GatherCustody(*st.session.unlocked(), q);
  if (!lines.ok()) return SendProblem(res, st, lines.status());
  SendPage(res, CustodyPage(*lines, q), &st);
}

}  // namespace evidence::app
