#include "server.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "bundle_check.hpp"
#include "connection.hpp"
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
        state{session, options.case_dir, [this] { Quit(); }, options.max_upload} {}

  void Quit() {
    quit_requested = true;
    http.stop();
  }

  // Every request goes through here: the guard's checks in order, then the route, under one
  // mutex for everything that touches the session or the case.
  void Handle(const httplib::Request& req, httplib::Response& res);
  // Every POST comes here with its body still unread: a stream route gets it as it arrives, after
  // the checks; any other gets it read whole, up to options.max_body, then goes to Handle.
  void HandlePost(const httplib::Request& req, httplib::Response& res,
                  const httplib::ContentReader& reader);
  void HandleStream(const StreamRoute& route, const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader& reader);
  // The token exchange of GET /?token=...; true when it answered.
  bool Redeem(const httplib::Request& req, httplib::Response& res);
  bool HasSession(const httplib::Request& req) const;
  bool PostAllowed(const httplib::Request& req) const;
  void IdleWatch();

  ServerOptions options;
  HttpServer http;
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

void Server::Impl::HandlePost(const httplib::Request& req, httplib::Response& res,
                              const httplib::ContentReader& reader) {
  if (const StreamRoute* route = FindStreamRoute(req.path)) {
    return HandleStream(*route, req, res, reader);
  }
  const std::size_t limit = options.max_body;
  if (req.is_multipart_form_data() ||
      req.get_header_value<std::uint64_t>("Content-Length") > limit) {
    Drain(req, reader);
    return SendPage(res, RefusedPage(req.is_multipart_form_data() ? 415 : 413), nullptr);
  }
  httplib::Request form = req;
  bool too_big = false;
  bool whole = reader([&](const char* data, size_t n) {
    too_big = form.body.size() + n > limit;
    if (!too_big) form.body.append(data, n);
    return !too_big;
  });
  if (too_big) return SendPage(res, RefusedPage(413), nullptr);
  if (!whole) return SendPage(res, RefusedPage(400), nullptr);
  if (form.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded")) {
    httplib::detail::parse_query_text(form.body, form.params);
  }
  Handle(form, res);
}

void Server::Impl::HandleStream(const StreamRoute& route, const httplib::Request& req,
                                httplib::Response& res, const httplib::ContentReader& reader) {
  if (!HostAllowed(req.get_header_value("Host"), port)) {
    Drain(req, reader);
    return SendPage(res, RefusedPage(421), nullptr);
  }
  std::unique_lock<std::mutex> lock(mu);
  std::optional<Page> refused;
  if (!HasSession(req)) {
    refused = ForbiddenPage();
  } else if (!OriginAllowed(req.get_header_value("Origin"), req.get_header_value("Sec-Fetch-Site"),
                            port) ||
             (route.csrf == CsrfIn::kHeader &&
              !session.CsrfMatches(req.get_header_value("X-CSRF-Token")))) {
    refused = RefusedPage(403);
  }
  if (refused) {
    lock.unlock();  // a refused body is no reason to keep the session waiting
    Drain(req, reader);
    return SendPage(res, *refused, nullptr);
  }
  session.Touch();
  route.handle(req, res, reader, state);
  // A long upload is the person at work, not idle.
  session.Touch();
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
  // What httplib itself reads of a body: an upload streamed to its handler, which holds it to its
  // own limit (max_upload for evidence, kMaxBundleUpload for a bundle to check). Forms are bounded
  // by max_body in HandlePost.
  p->http.set_payload_max_length(
      std::max<std::uint64_t>({p->options.max_body, p->options.max_upload, kMaxBundleUpload}));
  // Stopping waits for the worker threads, and a worker waits out an idle keep-alive connection:
  // a short one keeps "Lock and quit" and Ctrl-C prompt.
  p->http.set_keep_alive_timeout(1);
  // httplib 0.11 cuts every response by the Range header it parsed, pages and error pages
  // included, answering 200 where a handler set that status and a length near 2^64 for a range
  // past the end. The app serves byte ranges itself, of a file only (SendFile), so httplib's
  // parsed copy is cleared before any handler runs. The Request is httplib's own non-const object
  // (only the handlers' view of it is const), so clearing it through const_cast is well defined.
  p->http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    const_cast<httplib::Request&>(req).ranges.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto handler = [p](const httplib::Request& req, httplib::Response& res) { p->Handle(req, res); };
  p->http.Get(".*", handler);
  p->http.Post(".*",
               [p](const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& reader) { p->HandlePost(req, res, reader); });
  // Other methods that carry a body would have it read whole before any check: refuse them
  // without keeping it.
  auto no_body = [](const httplib::Request& req, httplib::Response& res,
                    const httplib::ContentReader& reader) {
    Drain(req, reader);
    SendPage(res, RefusedPage(405), nullptr);
  };
  p->http.Put(".*", no_body);
  p->http.Patch(".*", no_body);
  p->http.Delete(".*", no_body);
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
