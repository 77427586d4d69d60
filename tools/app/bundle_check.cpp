#include "bundle_check.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <map>

#include "evidence/age.hpp"
#include "evidence/bundle.hpp"
#include "evidence/human_size.hpp"
#include "pages.hpp"
#include "text_input.hpp"

namespace evidence::app {

namespace fs = std::filesystem;
namespace mustache = kainjow::mustache;

namespace {

// The form's text fields are a token, a passphrase, a fingerprint and a note.
constexpr std::size_t kMaxField = 4096;

// Where an uploaded bundle waits between its check and its receipt: inside the case folder,
// never in /tmp (docs/app.md "Check a bundle" says why). One at a time.
fs::path CheckDir(const fs::path& case_dir) { return case_dir / "app-check"; }
fs::path Uploaded(const fs::path& case_dir) { return CheckDir(case_dir) / "bundle"; }

void Forget(const fs::path& case_dir) {
  std::error_code ec;
  fs::remove_all(CheckDir(case_dir), ec);
}

// A descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&& o) noexcept {
    Close();
    fd_ = o.fd_;
    o.fd_ = -1;
    return *this;
  }
  int get() const { return fd_; }
  bool Close() {
    const bool ok = fd_ < 0 || close(fd_) == 0;
    fd_ = -1;
    return ok;
  }

 private:
  int fd_;
};

bool WriteAll(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = write(fd, data, n);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// What a report line's detail calls an option ("options.fingerprint") is a box on this page.
std::string InPageWords(std::string text) {
  static const std::pair<std::string_view, std::string_view> kBoxes[] = {
      {"options.fingerprint", "the fingerprint box"},
      {"options.age_identities", "the passphrase box"}};
  for (const auto& [token, words] : kBoxes) {
    for (auto at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
      text.replace(at, token.size(), words);
    }
  }
  return text;
}

// What the passphrase box holds for a locked bundle: an age secret key ("AGE-SECRET-KEY-1...",
// alone or pasted with the rest of its identity file, whose lines a one-line box runs together),
// as `verify-bundle -i FILE` takes it, or else the passphrase, as `--bundle-passphrase`.
Result<AgeIdentity> IdentityFrom(const std::string& text) {
  constexpr std::string_view kKey = "AGE-SECRET-KEY-1";
  const auto at = text.find(kKey);
  if (at == std::string::npos) return AgeIdentity::Passphrase(text);
  auto end = at + kKey.size();
  while (end < text.size() && std::isalnum(static_cast<unsigned char>(text[end]))) ++end;
  std::string key = text.substr(at, end - at);
  auto id = AgeIdentity::Parse(key);
  explicit_bzero(key.data(), key.size());
  return id;
}

// The options of `verify-bundle --fingerprint F` with `--bundle-passphrase` or `-i`, from the
// form. The passphrase box is wiped.
Result<VerifyBundleOptions> OptionsFrom(const std::string& fingerprint, std::string* passphrase) {
  VerifyBundleOptions opt;
  if (!fingerprint.empty()) opt.fingerprint = fingerprint;
  if (!passphrase->empty()) {
    auto id = IdentityFrom(*passphrase);
    explicit_bzero(passphrase->data(), passphrase->size());
    if (!id.ok()) return id.status();
    opt.age_identities.push_back(*id);
  }
  return opt;
}

Page FormPage(const std::string& error, const std::string& fingerprint, int status = 200) {
  Page p{"check_bundle"};
  p.data.set("fingerprint", fingerprint);
  p.data.set("limit", HumanSize(kMaxBundleUpload));
  if (!error.empty()) p.data.set("error", error);
  p.status = error.empty() ? 200 : status;
  return p;
}

std::string ExporterFingerprint(const BundleReport& r) {
  for (const auto& s : r.signers) {
    if (s.role == "exporter") return s.fingerprint;
  }
  return "";
}

mustache::data SignerRows(const BundleReport& r) {
  mustache::data rows{mustache::data::type::list};
  for (const BundleSigner& s : r.signers) {
    mustache::data row;
    row.set("role", s.role);
    row.set("key_name", s.key_name);
    row.set("fingerprint", s.fingerprint);
    row.set("case_uuid", s.case_uuid);
    rows.push_back(row);
  }
  return rows;
}

// The report as a checklist: the verdict first, then the signers, then every check with the
// failures at the top. Every string came out of the bundle and is escaped by the template.
Page ReportPage(const BundleReport& r, const std::string& name, std::uint64_t size,
                const std::string& fingerprint, bool age) {
  Page p{"check_result"};
  std::size_t failed = 0;
  mustache::data lines{mustache::data::type::list};
  for (int pass = 0; pass < 2; ++pass) {
    for (const BundleCheck& c : r.checks) {
      if (c.ok != (pass == 1)) continue;
      mustache::data row;
      row.set("ok", c.ok);
      row.set("check", c.check);
      row.set("subject", c.subject);
      row.set("detail", InPageWords(c.detail));
      lines.push_back(row);
      if (!c.ok) ++failed;
    }
  }
  p.data.set("name", name);
  p.data.set("size", HumanSize(size));
  p.data.set("checks", lines);
  p.data.set("passed", std::to_string(r.checks.size() - failed));
  p.data.set("failed", std::to_string(failed));
  p.data.set("items", std::to_string(r.items));
  p.data.set("exported", r.exported);
  p.data.set("signers", SignerRows(r));
  p.data.set("exporter", ExporterFingerprint(r));
  p.data.set("fingerprint", fingerprint);
  p.data.set("age", age);
  p.data.set("verified", r.ok() && r.signer_confirmed);
  p.data.set("unconfirmed", r.ok() && !r.signer_confirmed);
  p.data.set("not_verified", !r.ok());
  p.data.set("can_receive", r.ok());
  return p;
}

// What the multipart form streamed in: its small fields, and the bundle in a file.
struct Upload {
  std::map<std::string, std::string> fields;
  std::string part;  // the name of the part being read
  std::string filename;
  std::uint64_t bytes = 0;
  bool has_file = false;
  bool refused = false;  // the file came before a matching CSRF field
  std::string error;
  Fd fd;
};

// Reads the form, storing the "bundle" part in `path` as it arrives; false when it stopped early.
bool ReadUpload(const httplib::ContentReader& reader, const fs::path& path, const Session& session,
                Upload* u) {
  return reader(
      [&](const httplib::MultipartFormData& part) {
        u->part = part.name;
        if (part.name != "bundle") return true;
        if (u->has_file) {
          u->error = "Please check one bundle at a time.";
          return false;
        }
        if (!session.CsrfMatches(u->fields["csrf"])) {
          u->refused = true;
          return false;
        }
        u->has_file = true;
        u->filename = part.filename;
        u->fd = Fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (u->fd.get() < 0) u->error = path.string() + ": cannot store the upload.";
        return u->fd.get() >= 0;
      },
      [&](const char* data, std::size_t n) {
        if (u->part == "bundle") {
          u->bytes += n;
          if (u->bytes > kMaxBundleUpload) {
            u->error = "This file is larger than " + HumanSize(kMaxBundleUpload) +
                       ", the most this page takes; check it with evidence verify-bundle.";
            return false;
          }
          if (!WriteAll(u->fd.get(), data, n)) {
            u->error = path.string() + ": cannot store the upload (is the disk full?).";
            return false;
          }
          return true;
        }
        std::string& f = u->fields[u->part];
        if (f.size() + n > kMaxField) {
          u->error = "A field of the form is too long.";
          return false;
        }
        f.append(data, n);
        return true;
      });
}

// The body's declared length, or 0 when there is none (chunked: counted as it arrives).
std::uint64_t DeclaredLength(const httplib::Request& req) {
  const std::string v = req.get_header_value("Content-Length");
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec == std::errc::result_out_of_range) return UINT64_MAX;
  return ec == std::errc() && end == v.data() + v.size() ? n : 0;
}

}  // namespace

void CheckBundleForm(const httplib::Request&, httplib::Response& res, AppState& st) {
  if (st.session.unlocked() == nullptr) return SeeOther(res, "/");
  SendPage(res, FormPage("", ""), &st);
}

// Whatever goes wrong, the half-stored upload is removed before the answer is sent: a failed
// upload leaves nothing in the case.
void CheckBundleUpload(const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& reader, AppState& st) {
  // The body may be left unread: the connection cannot be used again.
  res.set_header("Connection", "close");
  if (st.session.unlocked() == nullptr) return SeeOther(res, "/");
  if (!req.is_multipart_form_data()) return SendPage(res, RefusedPage(400), nullptr);
  if (DeclaredLength(req) > kMaxBundleUpload + kMaxField * 8) {
    return SendPage(res,
                    FormPage("This file is larger than " + HumanSize(kMaxBundleUpload) +
                                 ", the most this page takes; check it with evidence "
                                 "verify-bundle. Nothing was stored.",
                             "", 413),
                    &st);
  }
  Forget(st.case_dir);
  if (mkdir(CheckDir(st.case_dir).c_str(), 0700) != 0) {
    return SendPage(res, ProblemPage(CheckDir(st.case_dir).string() + ": cannot create"), &st);
  }
  const fs::path part = CheckDir(st.case_dir) / "bundle.part";
  Upload u;
  const bool read = ReadUpload(reader, part, st.session, &u);
  const bool closed = u.fd.Close();
  std::string pass = u.fields["bundle_passphrase"];
  explicit_bzero(u.fields["bundle_passphrase"].data(), u.fields["bundle_passphrase"].size());
  const std::string fingerprint = Trim(u.fields["fingerprint"]);
  auto fail = [&](const std::string& why, int status) {
    explicit_bzero(pass.data(), pass.size());
    Forget(st.case_dir);
    SendPage(res, FormPage(why + " Nothing was stored.", fingerprint, status), &st);
  };
  if (u.refused) {
    explicit_bzero(pass.data(), pass.size());
    Forget(st.case_dir);
    return SendPage(res, RefusedPage(403), nullptr);
  }
  if (!u.error.empty()) return fail(u.error, 400);
  if (!read || !closed) return fail("The upload did not arrive whole; please try again.", 400);
  if (!u.has_file || u.bytes == 0) return fail("Please choose a bundle to check.", 400);
  std::error_code ec;
  fs::rename(part, Uploaded(st.case_dir), ec);
  if (ec) return fail(Uploaded(st.case_dir).string() + ": " + ec.message(), 500);
  auto opt = OptionsFrom(fingerprint, &pass);
  if (!opt.ok()) return fail("Passphrase: " + opt.status().message() + ".", 400);
  auto report = VerifyBundle(Uploaded(st.case_dir), *opt);
  if (!report.ok()) {
    // A copy: status() of a failed Result is a temporary, and argument() a part of it.
    const std::string arg = report.status().argument();
    std::string box = arg == "fingerprint"      ? "Fingerprint: "
                      : arg == "age_identities" ? "Passphrase: "
                                                : u.filename + ": ";
    return fail(box + InPageWords(report.status().message()) + ".", 400);
  }
  // A .age bundle needs its passphrase again to be received; the server does not keep it.
  const bool age = !opt->age_identities.empty();
  SendPage(res, ReportPage(*report, u.filename, u.bytes, fingerprint, age), &st);
}

void CheckBundleReceive(const httplib::Request& req, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  auto field = [&](const char* name) {
    return req.has_param(name) ? req.get_param_value(name) : std::string();
  };
  std::error_code ec;
  if (!fs::is_regular_file(Uploaded(st.case_dir), ec)) {
    return SendPage(res, FormPage("No bundle is waiting to be received: check it first.", "", 400),
                    &st);
  }
  const std::string fingerprint = Trim(field("fingerprint"));
  std::string pass = field("bundle_passphrase");
  auto opt = OptionsFrom(fingerprint, &pass);
  if (!opt.ok())
    return SendPage(res, FormPage("Passphrase: " + opt.status().message(), "", 400), &st);
  auto out = c->Receive(Uploaded(st.case_dir), field("note"), *opt);
  if (!out.ok()) {
    return SendPage(
        res,
        ProblemPage("The bundle was not received: " + InPageWords(out.status().message()) +
                    ". Nothing was added to this case."),
        &st);
  }
  Forget(st.case_dir);
  Page p{"check_received"};
  mustache::data imported{mustache::data::type::list};
  for (const auto& x : out->imported) imported.push_back(mustache::data(x));
  mustache::data already{mustache::data::type::list};
  for (const auto& x : out->already) already.push_back(mustache::data(x));
  p.data.set("imported", imported);
  p.data.set("already", already);
  p.data.set("none_new", out->imported.empty());
  p.data.set("entry", std::to_string(out->entry));
  p.data.set("custody", std::to_string(out->custody));
  p.data.set("exporter", ExporterFingerprint(out->report));
  p.data.set("unconfirmed", !out->report.signer_confirmed);
  SendPage(res, p, &st);
}

void CheckBundleForget(const httplib::Request&, httplib::Response& res, AppState& st) {
  Forget(st.case_dir);
  SeeOther(res, std::string(kCheckBundlePath));
}

}  // namespace evidence::app
