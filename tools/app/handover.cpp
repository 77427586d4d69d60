#include "handover.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <memory>
#include <tuple>

#include "evidence/age.hpp"
#include "evidence/bundle.hpp"
#include "evidence/human_size.hpp"
#include "evidence/incident.hpp"
#include "evidence/ledger.hpp"
#include "evidence/report.hpp"
#include "evidence/time.hpp"
#include "original_file.hpp"
#include "pages.hpp"
#include "text_input.hpp"

namespace evidence::app {

namespace fs = std::filesystem;
namespace mustache = kainjow::mustache;

namespace {

// Where a bundle waits between the export and its download: inside the case folder, never in
// /tmp or the person's home (docs/app.md "Hand over", which says why). One bundle at a time.
fs::path StagingDir(const fs::path& case_dir) { return case_dir / "app-handover"; }

// Removes whatever an earlier hand-over left (a bundle made but never downloaded) and makes the
// folder afresh, readable by the owner only.
Status FreshStaging(const fs::path& case_dir) {
  const fs::path dir = StagingDir(case_dir);
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return Status::IoError(dir.string() + ": cannot remove: " + ec.message());
  if (mkdir(dir.c_str(), 0700) != 0) {
    return Status::IoError(dir.string() + ": cannot create the hand-over folder");
  }
  return Status::Ok();
}

// The staged bundle of the export whose top folder is `top`, if it is still there.
std::optional<fs::path> StagedBundle(const fs::path& case_dir, const std::string& top) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(StagingDir(case_dir), ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(top + ".") && it->is_regular_file(ec)) return it->path();
  }
  return std::nullopt;
}

// What the form sent, and shows again after a refusal (never the passphrase).
struct HandoverChoice {
  // Everything, the ticked entries, or what happened between two dates (`export --since/--until`).
  enum class What { kEverything, kChosen, kWindow };
  What what = What::kEverything;
  std::vector<std::string> items;
  std::vector<std::string> incidents;
  std::string from;   // the window's first day, as typed (YYYY-MM-DD)
  std::string until;  // its last day
  std::string recipient;
  // "passphrase", "age" or "zip". A bundle leaves the case's protection, so the form offers a
  // locked one first, and a form that names no way gets the passphrase's (which it must then give).
  std::string travel = "passphrase";
  std::string age_recipients;  // one age1... a line
};

HandoverChoice ReadChoice(const httplib::Request& req) {
  HandoverChoice c;
  const std::string what = Field(req, "what");
  if (what == "chosen") c.what = HandoverChoice::What::kChosen;
  if (what == "window") c.what = HandoverChoice::What::kWindow;
  c.from = Trim(Field(req, "from"));
  c.until = Trim(Field(req, "until"));
  c.items = Fields(req, "items");
  c.incidents = Fields(req, "incidents");
  c.recipient = Trim(Field(req, "recipient"));
  const std::string travel = Field(req, "travel");
  if (travel == "zip" || travel == "age") c.travel = travel;
  c.age_recipients = Field(req, "age_recipients");
  return c;
}

// The dates as `export --since/--until` reads them (a date alone as the end is the whole of
// that local day), refused in words if they are not dates, are the wrong way round, or hold
// nothing: an empty bundle would still be recorded as handed over.
Status WindowOf(const Case& c, const HandoverChoice& ch, ExportOptions* opt) {
  if (ch.from.empty() && ch.until.empty()) {
    return Status::InvalidArgument("Please give the first day, the last day, or both");
  }
  for (auto [text, bound, upper, name] :
       {std::tuple{&ch.from, &opt->since, false, "The first day"},
        std::tuple{&ch.until, &opt->until, true, "The last day"}}) {
    if (text->empty()) continue;
    auto ms = ParseTimeBound(*text, upper);
    if (!ms.ok()) return Status::InvalidArgument(std::string(name) + ": " + ms.status().message());
    *bound = FormatUtc(*ms);
  }
  if (opt->since && opt->until && *opt->since > *opt->until) {
    return Status::InvalidArgument("The first day is after the last day");
  }
  auto window = c.GatherReport(opt->since, opt->until);
  if (!window.ok()) return window.status();
  if (window->items.empty() && window->incidents.empty()) {
    return Status::InvalidArgument(
        "Nothing in the case happened between those dates (no diary entry, and no evidence "
        "captured or added then)");
  }
  return Status::Ok();
}

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The recipients box as typed, less any age secret key pasted by mistake: a refusal must not
// show the secret half again.
std::string WithoutSecretKeys(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(start, nl - start);
    if (Trim(line).find("AGE-SECRET-KEY-") == std::string::npos) out += line + "\n";
    start = nl + 1;
  }
  return out;
}

Page FormPage(const Case& c, const HandoverChoice& ch, const std::string& error) {
  Page p{"handover"};
  mustache::data items{mustache::data::type::list};
  if (auto all = c.Items(); all.ok()) {
    for (const Item& it : *all) {
      mustache::data row;
      row.set("exhibit", it.exhibit);
      row.set("name", it.name);
      row.set("checked", Has(ch.items, it.exhibit));
      items.push_back(row);
    }
    p.data.set("has_items", !all->empty());
  }
  mustache::data incidents{mustache::data::type::list};
  if (auto all = c.Incidents(); all.ok()) {
    for (const Incident& inc : *all) {
      mustache::data row;
      row.set("id", inc.id);
      row.set("at", inc.at.substr(0, 16));
      row.set("what", FirstLine(inc.what, 60));
      row.set("checked", Has(ch.incidents, inc.id));
      incidents.push_back(row);
    }
    p.data.set("has_incidents", !all->empty());
  }
  p.data.set("items", items);
  p.data.set("incidents", incidents);
  p.data.set("everything", ch.what == HandoverChoice::What::kEverything);
  p.data.set("chosen", ch.what == HandoverChoice::What::kChosen);
  p.data.set("window", ch.what == HandoverChoice::What::kWindow);
  p.data.set("from", ch.from);
  p.data.set("until", ch.until);
  p.data.set("recipient", ch.recipient);
  p.data.set("travel_zip", ch.travel == "zip");
  p.data.set("travel_passphrase", ch.travel == "passphrase");
  p.data.set("travel_age", ch.travel == "age");
  p.data.set("age_recipients", WithoutSecretKeys(ch.age_recipients));
  if (!error.empty()) {
    p.data.set("error", error);
    p.status = 400;
  }
  return p;
}

// The age recipients typed one a line, as `export --encrypt-to age1...` reads each.
Result<std::vector<AgeRecipient>> ParseRecipients(const std::string& text) {
  std::vector<AgeRecipient> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::string line =
        Trim(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (line.starts_with("AGE-SECRET-KEY-")) {
      // Never echo it: it is the secret half.
      return Status::InvalidArgument(
          "that is an age secret key, which must never leave its owner; give the officer's "
          "public key, which starts with age1");
    }
    if (!line.empty()) {
      auto r = AgeRecipient::Parse(line);
      if (!r.ok()) return r.status();
      out.push_back(*r);
    }
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  if (out.empty()) {
    return Status::InvalidArgument("please give the officer's age key (it starts with age1)");
  }
  return out;
}

// How the bundle travels, from the form; the passphrase is wiped once it is a recipient.
Result<std::vector<AgeRecipient>> TravelRecipients(const httplib::Request& req,
                                                   const HandoverChoice& ch) {
  if (ch.travel == "age") return ParseRecipients(ch.age_recipients);
  if (ch.travel != "passphrase") return std::vector<AgeRecipient>{};
  std::string pass = Field(req, "bundle_passphrase");
  std::string again = Field(req, "bundle_passphrase_again");
  Result<std::vector<AgeRecipient>> out = std::vector<AgeRecipient>{};
  if (pass.empty()) {
    out = Status::InvalidArgument("please choose a passphrase for the bundle");
  } else if (pass != again) {
    out = Status::InvalidArgument("the two passphrases for the bundle are not the same");
  } else if (auto r = AgeRecipient::Passphrase(pass); r.ok()) {
    out = std::vector<AgeRecipient>{*r};
  } else {
    out = r.status();
  }
  explicit_bzero(pass.data(), pass.size());
  explicit_bzero(again.data(), again.size());
  return out;
}

// A name that says what the file is and when it was made, in UTC: evidence-20261203-1542.zip.
std::string BundleName(bool encrypted) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  return std::string("evidence-") + stamp + (encrypted ? ".zip.age" : ".zip");
}

// The number at the end of /handover/done/<seq> or /handover/download/<seq>.
std::optional<std::uint64_t> SeqIn(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return std::nullopt;
  std::string_view digits = path.substr(prefix.size());
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  std::uint64_t seq = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return seq;
}

// The export.created entry `seq`, as the library read it from the signed ledger.
Result<LedgerEntry> ExportEntry(const Case& c, std::uint64_t seq) {
  LogFilter f;
  f.action = "export.created";
  auto log = c.Log(f);
  if (!log.ok()) return log.status();
  for (LedgerEntry& e : *log) {
    if (e.seq == seq) return std::move(e);
  }
  return Status::NotFound("no hand-over recorded as entry " + std::to_string(seq));
}

std::string JsonString(const nlohmann::json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::size_t JsonCount(const nlohmann::json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_array() ? it->size() : 0;
}

// "SHA256:3a7b..." as rows of four groups of four hex digits, to read aloud without losing
// one's place.
mustache::data FingerprintRows(const std::string& fingerprint) {
  std::string hex = fingerprint.substr(fingerprint.find(':') + 1);
  mustache::data rows{mustache::data::type::list};
  for (std::size_t row = 0; row < hex.size(); row += 16) {
    std::string line;
    for (std::size_t g = row; g < std::min(hex.size(), row + 16); g += 4) {
      line += (line.empty() ? "" : " ") + hex.substr(g, 4);
    }
    rows.push_back(mustache::data(line));
  }
  return rows;
}

Page DonePage(const Case& c, const fs::path& case_dir, const LedgerEntry& e) {
  Page p{"handover_done"};
  const std::string top = JsonString(e.data, "bundle");
  const std::string fingerprint = c.info().key_fingerprint;
  p.data.set("seq", std::to_string(e.seq));
  p.data.set("time", e.time);
  p.data.set("manifest_sha256", JsonString(e.data, "manifest_sha256"));
  p.data.set("items", std::to_string(JsonCount(e.data, "items")));
  p.data.set("incidents", std::to_string(JsonCount(e.data, "incidents")));
  if (auto r = JsonString(e.data, "recipient"); !r.empty()) p.data.set("recipient", r);
  p.data.set("fingerprint", fingerprint);
  p.data.set("fingerprint_rows", FingerprintRows(fingerprint));
  // Once downloaded, the app no longer knows the file's name (.zip or .zip.age): the commands
  // then say FILE.
  std::string file = "FILE";
  if (auto staged = StagedBundle(case_dir, top)) {
    std::error_code ec;
    file = staged->filename().string();
    p.data.set("waiting", true);
    p.data.set("size", HumanSize(fs::file_size(*staged, ec)));
    p.data.set("bytes", std::to_string(fs::file_size(*staged, ec)));
  }
  const bool age = file.ends_with(".age");
  p.data.set("file", file);
  p.data.set("encrypted", age);
  std::string check = "evidence verify-bundle " + file + " --fingerprint " + fingerprint;
  std::string receive = "evidence receive " + file + " --fingerprint " + fingerprint;
  p.data.set("verify_command", check);
  p.data.set("receive_command", receive);
  return p;
}

void SendProblem(httplib::Response& res, AppState& st, const Status& s) {
  if (s.code() == StatusCode::kNotFound) return SendPage(res, NotFoundPage(), &st);
  SendPage(res, ProblemPage(s.message()), &st);
}

}  // namespace

void HandoverForm(const httplib::Request&, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  SendPage(res, FormPage(*c, HandoverChoice{}, ""), &st);
}

void HandoverPost(const httplib::Request& req, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  const HandoverChoice ch = ReadChoice(req);
  auto refuse = [&](const std::string& why) {
    SendPage(res, FormPage(*c, ch, why + ". Nothing was handed over."), &st);
  };
  ExportOptions opt;
  // Handing over more than meant cannot be undone: ticks with "everything" or dates are a
  // question, not a choice.
  const bool ticked = !ch.items.empty() || !ch.incidents.empty();
  if (ch.what == HandoverChoice::What::kEverything && ticked) {
    return refuse(
        "You ticked some entries but chose \"Everything in the case\": please choose "
        "\"Only what I tick below\", or untick them");
  }
  if (ch.what == HandoverChoice::What::kChosen) {
    if (!ticked) {
      return refuse(
          "Please tick the evidence or the diary entries to hand over, or choose "
          "everything");
    }
    opt.items = ch.items;
    opt.incidents = ch.incidents;
  }
  if (ch.what == HandoverChoice::What::kWindow) {
    if (ticked) {
      return refuse(
          "You ticked some entries but chose the dates: please choose \"Only what I tick "
          "below\", or untick them");
    }
    if (Status s = WindowOf(*c, ch, &opt); !s.ok()) return refuse(s.message());
  }
  opt.recipient = ch.recipient;
  auto recipients = TravelRecipients(req, ch);
  if (!recipients.ok()) return refuse("How it travels: " + recipients.status().message());
  opt.encrypt_to = std::move(recipients).value();
  if (Status s = FreshStaging(st.case_dir); !s.ok()) return refuse(s.message());
  opt.out = StagingDir(st.case_dir) / BundleName(!opt.encrypt_to.empty());
  auto out = c->Export(opt);
  if (!out.ok()) {
    std::error_code ec;
    fs::remove_all(StagingDir(st.case_dir), ec);
    return refuse("The bundle could not be made: " + out.status().message());
  }
  SeeOther(res, "/handover/done/" + std::to_string(out->export_entry));
}

void HandoverDone(const httplib::Request& req, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  auto seq = SeqIn(req.path, "/handover/done/");
  if (!seq) return SendPage(res, NotFoundPage(), &st);
  auto entry = ExportEntry(*c, *seq);
  if (!entry.ok()) return SendProblem(res, st, entry.status());
  SendPage(res, DonePage(*c, st.case_dir, *entry), &st);
}

// The bundle leaves the case folder as its download starts: the open descriptor is all that
// holds it, so no copy stays behind whether the download completes or the browser goes away.
void HandoverDownload(const httplib::Request& req, httplib::Response& res, AppState& st) {
  Case* c = st.session.unlocked();
  if (c == nullptr) return SeeOther(res, "/");
  auto seq = SeqIn(req.path, "/handover/download/");
  if (!seq) return SendPage(res, NotFoundPage(), &st);
  auto entry = ExportEntry(*c, *seq);
  if (!entry.ok()) return SendProblem(res, st, entry.status());
  auto staged = StagedBundle(st.case_dir, JsonString(entry->data, "bundle"));
  if (!staged) return SeeOther(res, "/handover/done/" + std::to_string(*seq));
  const int fd = open(staged->c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  struct stat sb {};
  if (fd < 0 || fstat(fd, &sb) != 0) {
    if (fd >= 0) close(fd);
    return SendProblem(res, st, Status::IoError(staged->string() + ": cannot read the bundle"));
  }
  std::error_code ec;
  fs::remove_all(StagingDir(st.case_dir), ec);
  res.set_header("Content-Disposition",
                 "attachment; filename=\"" + staged->filename().string() + "\"");
  SendFile(req, res, std::make_shared<OriginalFile>(fd, static_cast<std::uint64_t>(sb.st_size)),
           "application/octet-stream");
}

}  // namespace evidence::app
