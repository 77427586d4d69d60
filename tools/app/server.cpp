#include "server.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "bundle_check.hpp"
#include "guard.hpp"
#include "pages.hpp"
#include "routes.hpp"

namespace evidence::app {

namespace {

// How often the idle clock is looked at without a request: the key is forgotten at most this
// long after the limit.
constexpr auto kIdleTick = std::chrono::seconds(10);

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, SessionSecrets secrets)
      : options(std::move(o)),
        session(std::move(secrets), options.idle_limit, options.clock),
        state{session, options.case_dir, [this] { Quit(); }} {}

  void Quit() {
    quit_requested = true;
    http.stop();
  }

  // Every request goes through here: the guard's checks in order, then the route, under one
  // mutex for everything that touches the session or the case.
  void Handle(const httplib::Request& req, httplib::Response& res);
  // The bundle upload of "Check a bundle", whose body is streamed (bundle_check.hpp): the same
  // checks on its headers before a byte is read, the CSRF field as the form arrives.
  void HandleUpload(const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader& reader);
  // The token exchange of GET /?token=...; true when it answered.
  bool Redeem(const httplib::Request& req, httplib::Response& res);
  bool HasSession(const httplib::Request& req) const;
  bool PostAllowed(const httplib::Request& req) const;
  void IdleWatch();

  ServerOptions options;
  httplib::Server http;
  int port = 0;
  std::mutex mu;  // guards session and every Case call
  Session session;
  AppState state;
  std::atomic<bool> quit_requested{false};
  std::atomic<bool> stop_requested{false};
  std::mutex idle_mu;
  std::condition_variable idle_cv;
  bool stopping = false;
};

bool Server::Impl::HasSession(const httplib::Request& req) const {
  auto id = CookieValue(req.get_header_value("Cookie"), kSessionCookie);
  return id && session.Authenticates(*id);
}

bool Server::Impl::Redeem(const httplib::Request& req, httplib::Response& res) {
  if (req.method != "GET" || req.path != "/" || !req.has_param("token")) return false;
  if (HasSession(req)) {
    SeeOther(res, "/");
    return true;
  }
  auto id = session.Redeem(req.get_param_value("token"));
  if (!id) {
    SendPage(res, ForbiddenPage(), nullptr);
    return true;
  }
  res.set_header("Set-Cookie", SessionCookieHeader(*id));
  // The redirect takes the token out of the address bar and the browser's history.
  SeeOther(res, "/");
  return true;
}

bool Server::Impl::PostAllowed(const httplib::Request& req) const {
  if (!OriginAllowed(req.get_header_value("Origin"), req.get_header_value("Sec-Fetch-Site"),
                     port)) {
    return false;
  }
  std::string csrf = req.get_header_value("X-CSRF-Token");
  if (csrf.empty() && req.has_param("csrf")) csrf = req.get_param_value("csrf");
  return session.CsrfMatches(csrf);
}

void Server::Impl::Handle(const httplib::Request& req, httplib::Response& res) {
  if (!HostAllowed(req.get_header_value("Host"), port)) {
    return SendPage(res, RefusedPage(421), nullptr);
  }
  const Route* route = FindRoute(req.method, req.path);
  // Public routes touch nothing of the session, so they do not wait for the lock: the quick
  // exit's neutral page appears at once even while a long check holds the case.
  if (route != nullptr && route->access == Access::kPublic) return route->handle(req, res, state);
  std::lock_guard<std::mutex> lock(mu);
  if (Redeem(req, res)) return;
  if (route == nullptr) {
    return SendPage(res, HasSession(req) ? NotFoundPage() : ForbiddenPage(), nullptr);
  }
  if (route->access == Access::kSession) {
    if (!HasSession(req)) return SendPage(res, ForbiddenPage(), nullptr);
    if (req.method == "POST" && !PostAllowed(req)) {
      return SendPage(res, RefusedPage(403), nullptr);
    }
    session.Touch();
  }
  route->handle(req, res, state);
}

void Server::Impl::HandleUpload(const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& reader) {
  res.set_header("Connection", "close");  // a refused body is left unread
  if (!HostAllowed(req.get_header_value("Host"), port)) {
    return SendPage(res, RefusedPage(421), nullptr);
  }
  std::lock_guard<std::mutex> lock(mu);
  if (!HasSession(req)) return SendPage(res, ForbiddenPage(), nullptr);
  if (!OriginAllowed(req.get_header_value("Origin"), req.get_header_value("Sec-Fetch-Site"),
                     port)) {
    return SendPage(res, RefusedPage(403), nullptr);
  }
  session.Touch();
  CheckBundleUpload(req, res, reader, state,
                    [this](std::string_view csrf) { return session.CsrfMatches(csrf); });
}

// Also repeats a Stop() that came before httplib began listening (a Ctrl-C at once), which
// httplib alone would ignore.
void Server::Impl::IdleWatch() {
  std::unique_lock<std::mutex> lock(idle_mu);
  while (!stopping) {
    idle_cv.wait_for(lock, kIdleTick);
    if (stopping) break;
    if (stop_requested) http.stop();
    std::lock_guard<std::mutex> session_lock(mu);
    session.LockIfIdle();
  }
}

Result<std::unique_ptr<Server>> Server::Bind(ServerOptions options) {
  if (options.port < 0 || options.port > 65535) {
    return Status::InvalidArgument("port " + std::to_string(options.port) +
                                   " is not between 0 and 65535")
        .AboutArgument("port");
  }
  auto secrets = NewSessionSecrets();
  if (!secrets.ok()) return secrets.status();
  auto impl = std::make_unique<Impl>(std::move(options), std::move(secrets).value());
  Impl* p = impl.get();
  httplib::Headers headers;
  for (const auto& [name, value] : SecurityHeaders()) headers.emplace(name, value);
  p->http.set_default_headers(std::move(headers));
  // httplib's limit is one for all routes: it is the bundle upload's, and every other route is
  // held to the forms' limit before its body is read.
  p->http.set_payload_max_length(std::max<std::size_t>(p->options.max_body, kMaxBundleUpload));
  p->http.set_pre_routing_handler([p](const httplib::Request& req, httplib::Response& res) {
    if (req.path == kCheckBundlePath && req.method == "POST") {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    const std::string length = req.get_header_value("Content-Length");
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
    const bool malformed = ec != std::errc() || end != length.data() + length.size();
    const bool too_long = req.has_header("Transfer-Encoding") ||
                          (!length.empty() && (malformed || n > p->options.max_body));
    if (!too_long) return httplib::Server::HandlerResponse::Unhandled;
    res.set_header("Connection", "close");
    SendPage(res, RefusedPage(413), nullptr);
    return httplib::Server::HandlerResponse::Handled;
  });
  // Stopping waits for the worker threads, and a worker waits out an idle keep-alive connection:
  // a short one keeps "Lock and quit" and Ctrl-C prompt.
  p->http.set_keep_alive_timeout(1);
  auto handler = [p](const httplib::Request& req, httplib::Response& res) { p->Handle(req, res); };
  p->http.Post(std::string(kCheckBundlePath),
               [p](const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& reader) { p->HandleUpload(req, res, reader); });
  p->http.Get(".*", handler);
  p->http.Post(".*", handler);
  // What httplib answers itself (another method, a body over the limit, a malformed request)
  // still gets a page, and the default headers.
  p->http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    SendPage(res, res.status == 404 ? NotFoundPage() : RefusedPage(res.status), nullptr);
  });
  // Loopback only, never 0.0.0.0: nothing on the network can reach the app (docs/app.md).
  const int requested = p->options.port;
  if (requested == 0) {
    p->port = p->http.bind_to_any_port("127.0.0.1");
  } else {
    p->port = p->http.bind_to_port("127.0.0.1", requested) ? requested : -1;
  }
  if (p->port <= 0) {
    return Status::IoError("cannot listen on 127.0.0.1" +
                           (requested ? ":" + std::to_string(requested) : std::string()) +
                           ": the port is in use or not allowed")
        .AboutArgument("port");
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Stop();
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->session.Lock();
}

int Server::port() const { return impl_->port; }

std::string Server::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) +
         "/?token=" + impl_->session.url_token();
}

bool Server::Serve() {
  std::thread idle([this] { impl_->IdleWatch(); });
  impl_->http.listen_after_bind();
  {
    std::lock_guard<std::mutex> lock(impl_->idle_mu);
    impl_->stopping = true;
  }
  impl_->idle_cv.notify_all();
  idle.join();
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->session.Lock();
  return impl_->quit_requested;
}

void Server::Stop() {
  impl_->stop_requested = true;
  impl_->http.stop();
}

}  // namespace evidence::app
