// Fault sweeps over the commands that write into a case: add (a photo; a WhatsApp zip export with
// media children), incident add, export, receive and encrypt. See sweep.hpp and
// docs/reliability.md.
#include <gtest/gtest.h>

#include <set>

#include "../timestamp/local_tsa.hpp"
#include "evidence/bundle.hpp"
#include "evidence/case.hpp"
#include "evidence/incident.hpp"
#include "evidence/ledger.hpp"
#include "fixtures.hpp"
#include "sweep.hpp"

namespace evidence::testing {
namespace {

CaseOptions Options(const std::string& owner = "Test Owner") {
  CaseOptions o;
  o.name = "Fault sweep";
  o.owner = owner;
  return o;
}

std::size_t CountEntries(Case& c, const std::string& action) {
  LogFilter f;
  f.action = action;
  auto log = c.Log(f);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return log.ok() ? log->size() : 0;
}

class FaultSweep : public ::testing::Test {
 protected:
  // A new case at tmp/template with `fill` run on it, then closed.
  void MakeTemplate(const std::function<void(Case&)>& fill = {}) {
    CaseOptions o = Options();
    if (passphrase_) {
      o.passphrase = passphrase_;
      o.scrypt.n = 1 << 10;  // the sweep opens the case hundreds of times
    }
    auto c = Case::Create(template_dir(), o);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    if (fill) fill(*c);
  }
  fs::path template_dir() const { return tmp_ / "template"; }
  fs::path work() const {
    fs::create_directories(tmp_ / "work");
    return tmp_ / "work";
  }
  fs::path Input(const std::string& name) const {
    fs::create_directories(tmp_ / "input");
    return tmp_ / "input" / name;
  }
  // The sweep of `cmd` over the template, which is encrypted when passphrase_ is set.
  void SweepAndExpect(SweepCommand cmd) {
    if (passphrase_) cmd.name = "encrypted case: " + cmd.name;
    Expect(Sweep(template_dir(), work(), cmd, passphrase_));
  }
  void SweepWhatsAppZipWithMedia();
  void SweepReceive();
  void SweepExport();
  void MakeEncryptTemplate(const std::function<void(Case&)>& then);

  void Expect(const SweepStats& s) {
    EXPECT_GT(s.tried, 0u);
    EXPECT_EQ(s.recovered, s.tried);
    EXPECT_GT(s.errors_reported, 0u);
  }

  TempDir tmp_{SweepScratchBase()};
  std::optional<std::string> passphrase_;  // set: the template case is encrypted
};

Status IngestAndSeal(Case& c, const fs::path& file) {
  auto r = c.Ingest(file, IngestOptions{});
  if (!r.ok()) return r.status();
  return c.Seal();
}

TEST_F(FaultSweep, AddPhoto) {
  MakeTemplate();
  fs::path photo = Input("IMG_0042.jpg");
  WriteJpegWithExif(photo);
  const std::string sha = Sha256OfFile(photo);
  SweepCommand cmd{"add (photo)", [&](Case& c, int) { return IngestAndSeal(c, photo); },
                   [&](Case& c, bool reported_ok) {
                     auto items = c.Items();
                     ASSERT_TRUE(items.ok());
                     ASSERT_LE(items->size(), 1u);
                     if (reported_ok) {
                       ASSERT_EQ(items->size(), 1u);
                     }
                     if (!items->empty()) {
                       EXPECT_EQ(DigestHex((*items)[0].sha256), sha);
                       EXPECT_EQ(CountEntries(c, "item.ingested"), 1u);
                     } else {
                       EXPECT_EQ(CountEntries(c, "item.ingested"), 0u);
                     }
                   }};
  Expect(Sweep(template_dir(), work(), cmd));
}

// `add -r`: the files of one batch are synced with one syncfs before their renames and one after
// (ObjectStore::CommitBatch) and recorded in one transaction. A fault while a file is staged
// stops the command there with the files before it recorded; a fault in the commit leaves none
// of the batch. Either way the items are the first files, in order. The fourth file repeats the
// first one's bytes.
TEST_F(FaultSweep, AddFourFilesInOneBatch) {
  MakeTemplate();
  std::vector<fs::path> files;
  for (int i = 0; i < 3; ++i) {
    files.push_back(Input("note-" + std::to_string(i) + ".txt"));
    WriteFile(files.back(), "a note about the car outside, number " + std::to_string(i) + "\n");
  }
  files.push_back(Input("note-0 copy.txt"));
  WriteFile(files.back(), "a note about the car outside, number 0\n");
  SweepCommand cmd{"add -r (4 files, one batch)",
                   [&](Case& c, int) {
                     Status s = c.IngestFiles(files, IngestOptions{}, [](const IngestOutcome&) {});
                     return s.ok() ? c.Seal() : s;
                   },
                   [&](Case& c, bool reported_ok) {
                     auto items = c.Items();
                     ASSERT_TRUE(items.ok());
                     if (reported_ok) {
                       ASSERT_EQ(items->size(), 3u);
                     }
                     ASSERT_LE(items->size(), 3u);
                     for (std::size_t i = 0; i < items->size(); ++i) {
                       EXPECT_EQ((*items)[i].name, files[i].filename().string());
                     }
                     EXPECT_EQ(CountEntries(c, "item.ingested"), items->size());
                   }};
  Expect(Sweep(template_dir(), work(), cmd));
}

void FaultSweep::SweepWhatsAppZipWithMedia() {
  MakeTemplate();
  fs::path zip = Input("WhatsApp Chat - Loris.zip");
  const char chat[] =
      "[20.06.19, 15:58:47] Messages to this group are now secured with end-to-end encryption.\r\n"
      "[20.06.19, 16:00:10] Loris: Let me show you:\r\n"
      "[20.06.19, 16:00:15] Loris: <attached: 00000001-PHOTO-2019-06-20-16-00-15.jpg>\r\n"
      "[20.06.19, 16:01:00] Loris: <attached: 00000002-AUDIO-2019-06-20-16-01-00.opus>\r\n"
      "[20.06.19, 16:02:00] Emily: Stop it\r\n";
  WriteZip(zip, {{"00000001-PHOTO-2019-06-20-16-00-15.jpg", RandomBytes(70000, 1)},
                 {"00000002-AUDIO-2019-06-20-16-01-00.opus", RandomBytes(30000, 2)},
                 {"_chat.txt", chat}});
  SweepCommand cmd{"add (WhatsApp zip with 2 media)",
                   [&](Case& c, int) { return IngestAndSeal(c, zip); },
                   [&](Case& c, bool reported_ok) {
                     auto items = c.Items();
                     ASSERT_TRUE(items.ok());
                     // The export and its two media, or nothing at all.
                     ASSERT_TRUE(items->empty() || items->size() == 3u) << items->size();
                     if (reported_ok) {
                       ASSERT_EQ(items->size(), 3u);
                     }
                     auto msgs = c.Messages(MessageFilter{});
                     ASSERT_TRUE(msgs.ok());
                     EXPECT_EQ(msgs->size(), items->empty() ? 0u : 5u);
                     for (const auto& it : *items) {
                       if (it.parent) {
                         EXPECT_EQ(*it.parent, (*items)[0].exhibit);
                       }
                     }
                   }};
  SweepAndExpect(cmd);
}

TEST_F(FaultSweep, AddWhatsAppZipWithMedia) { SweepWhatsAppZipWithMedia(); }

// The same on an encrypted case: objects, ledger columns (and custody records) sealed.
TEST_F(FaultSweep, EncryptedCaseAddWhatsAppZipWithMedia) {
  passphrase_ = "sweep passphrase";
  SweepWhatsAppZipWithMedia();
}

TEST_F(FaultSweep, IncidentAdd) {
  fs::path photo = Input("photo.jpg");
  WriteJpegWithExif(photo);
  MakeTemplate([&](Case& c) { ASSERT_TRUE(IngestAndSeal(c, photo).ok()); });
  IncidentInput in;
  in.at = "2026-03-14T18:20:00+00:00";
  in.behaviours = {"following", "watching"};
  in.what = "He followed me from the station to my door";
  in.where = "High Street";
  in.witnesses = {"Ana (neighbour)"};
  in.items = {"EX-0001"};
  SweepCommand cmd{"incident add",
                   [&](Case& c, int) -> Status {
                     auto id = c.RecordIncident(in);
                     if (!id.ok()) return id.status();
                     return c.Seal();
                   },
                   [&](Case& c, bool reported_ok) {
                     auto incidents = c.Incidents();
                     ASSERT_TRUE(incidents.ok());
                     if (reported_ok) {
                       ASSERT_GE(incidents->size(), 1u);
                     }
                     for (const auto& i : *incidents) {
                       EXPECT_EQ(i.what, in.what);
                       EXPECT_EQ(i.items, in.items);
                       EXPECT_EQ(i.behaviours, in.behaviours);
                     }
                     EXPECT_EQ(CountEntries(c, "incident.recorded"), incidents->size());
                     EXPECT_EQ(CountEntries(c, "item.linked"), incidents->size());
                   }};
  Expect(Sweep(template_dir(), work(), cmd));
}

void FaultSweep::SweepExport() {
  fs::path photo = Input("photo.jpg");
  WriteJpegWithExif(photo);
  fs::path chat = Input("WhatsApp Chat with Daniel Marsh.txt");
  WriteWhatsAppExport(chat);
  MakeTemplate([&](Case& c) {
    ASSERT_TRUE(IngestAndSeal(c, photo).ok());
    ASSERT_TRUE(IngestAndSeal(c, chat).ok());
  });
  fs::create_directories(tmp_ / "out");
  int counter = 0;
  std::vector<fs::path> outs;
  SweepCommand cmd{"export",
                   [&](Case& c, int) -> Status {
                     ExportOptions o;
                     o.out = tmp_ / "out" / ("bundle-" + std::to_string(++counter) + ".zip");
                     outs.push_back(o.out);
                     return c.Export(o).status();
                   },
                   [&](Case& c, bool reported_ok) {
                     ASSERT_FALSE(outs.empty());
                     const fs::path& out = outs.back();
                     if (reported_ok) {
                       ASSERT_TRUE(fs::exists(out));
                     }
                     // A bundle that appeared is a whole bundle that verifies.
                     if (fs::exists(out)) {
                       auto r = VerifyBundle(out, VerifyBundleOptions{});
                       ASSERT_TRUE(r.ok()) << r.status().ToString();
                       EXPECT_TRUE(r->ok());
                       EXPECT_GE(CountEntries(c, "export.created"), 1u);
                     }
                     EXPECT_EQ(c.Items()->size(), 2u);
                   }};
  SweepAndExpect(cmd);
}

TEST_F(FaultSweep, Export) { SweepExport(); }

// The same on an encrypted case: objects, ledger columns (and custody records) sealed.
TEST_F(FaultSweep, EncryptedCaseExport) {
  passphrase_ = "sweep passphrase";
  SweepExport();
}

void FaultSweep::SweepReceive() {
  // The sender's case and its bundle.
  fs::path photo = Input("photo.jpg");
  WriteJpegWithExif(photo);
  fs::path wav = Input("voicemail.wav");
  WriteWav(wav, 0.5);
  fs::path bundle = tmp_ / "victim.zip";
  {
    auto sender = Case::Create(tmp_ / "sender", Options("Victim"));
    ASSERT_TRUE(sender.ok());
    ASSERT_TRUE(IngestAndSeal(*sender, photo).ok());
    ASSERT_TRUE(IngestAndSeal(*sender, wav).ok());
    ExportOptions o;
    o.out = bundle;
    ASSERT_TRUE(sender->Export(o).ok());
  }
  MakeTemplate();
  const std::set<std::string> shas = {Sha256OfFile(photo), Sha256OfFile(wav)};
  SweepCommand cmd{"receive",
                   [&](Case& c, int) {
                     return c.Receive(bundle, "from the victim", VerifyBundleOptions{}).status();
                   },
                   [&](Case& c, bool reported_ok) {
                     auto items = c.Items();
                     ASSERT_TRUE(items.ok());
                     ASSERT_TRUE(items->empty() || items->size() == 2u) << items->size();
                     if (reported_ok) {
                       ASSERT_EQ(items->size(), 2u);
                     }
                     for (const auto& it : *items) EXPECT_TRUE(shas.count(DigestHex(it.sha256)));
                     std::size_t received = CountEntries(c, "bundle.received");
                     EXPECT_EQ(received == 0, items->empty());
                     if (!items->empty()) {
                       EXPECT_TRUE(fs::is_directory(c.dir() / "custody" / "1"));
                     }
                   }};
  SweepAndExpect(cmd);
}

TEST_F(FaultSweep, Receive) { SweepReceive(); }

// The same on an encrypted case: objects, ledger columns (and custody records) sealed.
TEST_F(FaultSweep, EncryptedCaseReceive) {
  passphrase_ = "sweep passphrase";
  SweepReceive();
}

TEST_F(FaultSweep, TimestampAttach) {
  LocalTsa tsa;
  fs::path photo = Input("photo.jpg");
  WriteJpegWithExif(photo);
  fs::path request;
  MakeTemplate([&](Case& c) {
    ASSERT_TRUE(IngestAndSeal(c, photo).ok());
    auto r = c.RequestTimestamp();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    request = r->pending;
  });
  ASSERT_FALSE(request.empty());
  fs::path response = tmp_ / "response.tsr";
  tsa.Reply(request, response);
  SweepCommand cmd{"timestamp attach",
                   [&](Case& c, int attempt) -> Status {
                     // Run again after a failure that did commit, `attach` rightly says the
                     // checkpoint already has its time-stamp.
                     if (attempt == 1 && CountEntries(c, "timestamp.attached") == 1) {
                       return Status::Ok();
                     }
                     return c.AttachTimestamp(response, tsa.ca_pem()).status();
                   },
                   [&](Case& c, bool reported_ok) {
                     std::size_t n = CountEntries(c, "timestamp.attached");
                     ASSERT_LE(n, 1u);
                     if (reported_ok) {
                       ASSERT_EQ(n, 1u);
                     }
                     // Verify checked the stored token against its entry.
                     EXPECT_EQ(c.Items()->size(), 1u);
                   }};
  Expect(Sweep(template_dir(), work(), cmd));
}

// `evidence encrypt` (Case::Encrypt): the conversion commits with one rename, so after a fault at
// any operation, and the restart that opens the case again, the case is either the plaintext one
// (opens without a passphrase, verifies, holds what it held) or the encrypted one (opens with the
// passphrase, verifies, holds the same plus its case.encrypted entry, and no plaintext object, no
// evidence in clear, no tmp/encrypt.* folder is left). A harness of its own: Encrypt opens the
// case itself, and which passphrase the case opens with is what the sweep checks.
constexpr const char* kEncryptPassphrase = "sweep passphrase";
// Strings that are in the evidence and nowhere else: none may be on disk once encrypted.
constexpr const char* kNoteText = "Quokkaline: he waited outside the school again";
constexpr const char* kIncidentText = "Xylophone parcel left on the doorstep";

class EncryptSweeper {
 public:
  explicit EncryptSweeper(fs::path template_dir) : template_dir_(std::move(template_dir)) {}

  // What the conversion must carry over.
  struct Content {
    std::vector<std::string> items;    // exhibit, name, size, parent, note of each
    std::vector<std::string> entries;  // canonical bytes of each ledger entry
    std::size_t messages = 0;
    std::size_t incidents = 0;
  };

  static ScryptParams Cheap() {
    ScryptParams p;
    p.n = 1 << 10;  // the sweep opens the encrypted case hundreds of times
    return p;
  }

  // What the template holds, read before it is closed.
  void ReadTemplate(Case& c) { Read(c, &before_); }
  // Once the template is closed.
  void ListTemplateObjects() { plaintext_objects_ = FilesOf(template_dir_ / "objects"); }

  bool RunEncryptOnce(const fs::path& dir, const FaultPlan& plan, std::uint64_t* operations,
                      bool* reported_error);

 private:
  static void Read(Case& c, Content* out) {
    auto items = c.Items();
    ASSERT_TRUE(items.ok()) << items.status().ToString();
    for (const Item& it : *items) {
      out->items.push_back(it.exhibit + " " + it.name + " " + std::to_string(it.size) + " " +
                           it.parent.value_or("-") + " " + it.note);
    }
    auto log = c.Log(LogFilter{});
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (const LedgerEntry& e : *log) {
      auto bytes = e.Encode();
      ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
      out->entries.push_back(*bytes);
    }
    auto msgs = c.Messages(MessageFilter{});
    ASSERT_TRUE(msgs.ok()) << msgs.status().ToString();
    out->messages = msgs->size();
    auto incidents = c.Incidents();
    ASSERT_TRUE(incidents.ok()) << incidents.status().ToString();
    out->incidents = incidents->size();
  }

  // Every regular file below `dir`, relative to it.
  static std::set<std::string> FilesOf(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file()) out.insert(e.path().lexically_relative(dir).generic_string());
    }
    return out;
  }

  // The state of `dir` after a restart: plaintext or encrypted, whole; `encrypted` says which.
  // Adds a gtest failure naming `where` otherwise.
  void ExpectWholeCase(const fs::path& dir, const std::string& where, bool* encrypted) {
    SCOPED_TRACE(where);
    std::string without;
    {
      auto plain = Case::Open(dir);
      if (plain.ok() && !plain->info().encrypted) {
        *encrypted = false;
        ExpectContent(*plain, false);
        return;
      }
      without = plain.ok() ? "opens as encrypted" : plain.status().ToString();
    }
    *encrypted = true;
    auto c = OpenForSweep(dir, std::string(kEncryptPassphrase));
    ASSERT_TRUE(c.ok()) << "the case opens neither without the passphrase (" << without
                        << ") nor with it: " << c.status().ToString();
    ASSERT_TRUE(c->info().encrypted) << "it opens with the passphrase only, yet says plaintext";
    ExpectContent(*c, true);
  }

  void ExpectContent(Case& c, bool encrypted) {
    const std::string failures = VerifyFailures(c);
    ASSERT_EQ(failures, "") << "verify of the " << (encrypted ? "encrypted" : "plaintext")
                            << " case:\n"
                            << failures;
    Content now;
    Read(c, &now);
    EXPECT_EQ(now.items, before_.items);
    EXPECT_EQ(now.messages, before_.messages);
    EXPECT_EQ(now.incidents, before_.incidents);
    std::error_code ec;
    for (const char* left : {"encrypt.staging", "encrypt.ready"}) {
      EXPECT_FALSE(fs::exists(c.dir() / "tmp" / left, ec)) << "tmp/" << left << " is left";
    }
    const std::set<std::string> objects = FilesOf(c.dir() / "objects");
    if (!encrypted) {
      EXPECT_EQ(now.entries, before_.entries);
      EXPECT_EQ(objects, plaintext_objects_);
      return;
    }
    ASSERT_EQ(now.entries.size(), before_.entries.size() + 1);
    EXPECT_TRUE(std::equal(before_.entries.begin(), before_.entries.end(), now.entries.begin()));
    EXPECT_NE(now.entries.back().find("\"action\":\"case.encrypted\""), std::string::npos)
        << now.entries.back();
    for (const std::string& o : plaintext_objects_) {
      EXPECT_EQ(objects.count(o), 0u) << "plaintext object objects/" << o << " is left";
    }
    for (const std::string& f : FilesOf(c.dir())) {
      const std::string bytes = ReadFile(c.dir() / f);
      for (const char* text : {kNoteText, kIncidentText}) {
        EXPECT_EQ(bytes.find(text), std::string::npos) << f << " holds \"" << text << "\"";
      }
    }
  }

  fs::path template_dir_;
  Content before_;
  std::set<std::string> plaintext_objects_;  // relative to objects/
};

// One conversion with `plan` on a fresh copy of the template, the restart, and the retry if the
// case is still plaintext. Returns whether all held; `*reported_error` whether Encrypt said so.
bool EncryptSweeper::RunEncryptOnce(const fs::path& dir, const FaultPlan& plan,
                                    std::uint64_t* operations, bool* reported_error) {
  CopyCase(template_dir_, dir);
  Status st;
  std::string what;
  {
    FaultInjector inj(plan);
    st = Case::Encrypt(dir, kEncryptPassphrase, Cheap());
    what = inj.injected_operation();
    if (operations) *operations = inj.operations();
    if (plan.mode == FaultMode::kCrash) inj.DropUnsyncedData();
  }
  *reported_error = !st.ok();
  const std::string where = std::string("encrypt: fault ") + FaultModeName(plan.mode) + " (" +
                            std::strerror(plan.error) + ") at operation " +
                            std::to_string(plan.at) + " [" + what +
                            "], command said: " + st.ToString();
  bool encrypted = false;
  ExpectWholeCase(dir, where + " (after the restart)", &encrypted);
  if (::testing::Test::HasFailure()) return false;
  if (st.ok() && !encrypted) {
    ADD_FAILURE() << where << "\nEncrypt said ok, but the case is still plaintext";
    return false;
  }
  if (!encrypted) {
    Status again = Case::Encrypt(dir, kEncryptPassphrase, Cheap());
    if (!again.ok()) {
      ADD_FAILURE() << where << "\nthe retry failed: " << again.ToString();
      return false;
    }
    ExpectWholeCase(dir, where + " (after the retry)", &encrypted);
    if (!encrypted) ADD_FAILURE() << where << "\nthe retry said ok, but the case is plaintext";
  }
  return !::testing::Test::HasFailure();
}

// A plaintext case holding a photo, a WhatsApp zip with a photo, a text file with a note, an
// incident and an item received with its custody record: every stage of the conversion (keys,
// objects, ledger columns, messages, custody) has work to do. `then` runs on it last.
void FaultSweep::MakeEncryptTemplate(const std::function<void(Case&)>& then) {
  fs::path photo = Input("photo.jpg");
  WriteJpegWithExif(photo);
  fs::path note = Input("note.txt");
  WriteFile(note, std::string(kNoteText) + "\n");
  fs::path zip = Input("WhatsApp Chat - Loris.zip");
  WriteZip(
      zip,
      {{"00000001-PHOTO-2019-06-20-16-00-15.jpg", RandomBytes(20000, 1)},
       {"_chat.txt",
        "[20.06.19, 16:00:10] Loris: Let me show you:\r\n"
        "[20.06.19, 16:00:15] Loris: <attached: 00000001-PHOTO-2019-06-20-16-00-15.jpg>\r\n"}});
  fs::path bundle = tmp_ / "sender.zip";
  {
    auto sender = Case::Create(tmp_ / "sender", Options("Sender"));
    ASSERT_TRUE(sender.ok()) << sender.status().ToString();
    fs::path wav = Input("voicemail.wav");
    WriteWav(wav, 0.1);
    ASSERT_TRUE(IngestAndSeal(*sender, wav).ok());
    ExportOptions o;
    o.out = bundle;
    ASSERT_TRUE(sender->Export(o).ok());
  }
  MakeTemplate([&](Case& c) {
    // First: received items keep their exhibit numbers.
    auto received = c.Receive(bundle, "from the sender", VerifyBundleOptions{});
    ASSERT_TRUE(received.ok()) << received.status().ToString();
    ASSERT_TRUE(IngestAndSeal(c, photo).ok());
    ASSERT_TRUE(IngestAndSeal(c, zip).ok());
    IngestOptions with_note;
    with_note.note = kNoteText;
    auto r = c.Ingest(note, with_note);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    IncidentInput in;
    in.at = "2026-03-14T18:20:00+00:00";
    in.behaviours = {"gift"};
    in.what = kIncidentText;
    in.items = {"EX-0001"};
    ASSERT_TRUE(c.RecordIncident(in).ok());
    ASSERT_TRUE(c.Seal().ok());
    then(c);
  });
}

TEST_F(FaultSweep, Encrypt) {
  EncryptSweeper sweeper(template_dir());
  MakeEncryptTemplate([&](Case& c) { sweeper.ReadTemplate(c); });
  ASSERT_FALSE(HasFatalFailure());
  sweeper.ListTemplateObjects();
  ASSERT_TRUE(fs::is_directory(template_dir() / "custody" / "1"));
  SweepStats stats;
  bool error = false;
  if (!sweeper.RunEncryptOnce(work() / "clean", FaultPlan{}, &stats.operations, &error)) return;
  ASSERT_FALSE(error);
  ASSERT_GT(stats.operations, 0u);
  const FaultPlan kinds[] = {
      {0, FaultMode::kOnce, EIO}, {0, FaultMode::kFromThenOn, ENOSPC}, {0, FaultMode::kCrash, EIO}};
  for (int mode = 0; mode < 3; ++mode) {
    FaultPlan plan = kinds[mode];
    for (std::uint64_t n = 1; n <= stats.operations; ++n) {
      if (!SweepTries(mode, n)) continue;
      plan.at = n;
      const fs::path dir =
          work() / ("run-" + std::to_string(static_cast<int>(plan.mode)) + "-" + std::to_string(n));
      stats.tried++;
      const bool ok = sweeper.RunEncryptOnce(dir, plan, nullptr, &error);
      if (error) stats.errors_reported++;
      if (ok) stats.recovered++;
      std::error_code ec;
      fs::remove_all(dir, ec);
      if (!ok) break;  // one detailed failure per mode is enough to act on
    }
  }
  std::cout << "[faults] encrypt: " << stats.operations << " operations in a clean run; "
            << stats.tried << " injected faults tried (" << stats.errors_reported
            << " reported as errors), " << stats.recovered << " recovered\n";
  Expect(stats);
}

// Regressions found by the sweeps above.

// The trace position (1-based) of the `nth` operation starting with `prefix` and containing `part`.
std::uint64_t FindOperation(const std::vector<std::string>& trace, const std::string& prefix,
                            const std::string& part, int nth = 1) {
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (trace[i].rfind(prefix, 0) == 0 && trace[i].find(part) != std::string::npos && --nth == 0) {
      return i + 1;
    }
  }
  return 0;
}

// A disk error while storing a media member of a WhatsApp zip was taken for damage in the export:
// the export was recorded, "complete: false", without the media it holds, and `add` said ok.
TEST_F(FaultSweep, RegressionDiskErrorStoringZipMediaRecordedTheExportWithoutIt) {
  MakeTemplate();
  fs::path zip = Input("WhatsApp Chat - Loris.zip");
  WriteZip(
      zip,
      {{"00000001-PHOTO-2019-06-20-16-00-15.jpg", RandomBytes(70000, 1)},
       {"_chat.txt",
        "[20.06.19, 16:00:15] Loris: <attached: 00000001-PHOTO-2019-06-20-16-00-15.jpg>\r\n"}});
  std::vector<std::string> trace;
  {
    CopyCase(template_dir(), work() / "count");
    FaultInjector count;
    auto c = Case::Open(work() / "count");
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(IngestAndSeal(*c, zip).ok());
    trace = count.trace();
  }
  // The second staged copy is the media member's.
  std::uint64_t at = FindOperation(trace, "append ", "/tmp/ingest-", 2);
  ASSERT_NE(at, 0u);
  CopyCase(template_dir(), work() / "case");
  Status st;
  {
    FaultInjector inj({at, FaultMode::kOnce, EIO});
    auto c = Case::Open(work() / "case");
    ASSERT_TRUE(c.ok());
    st = c->Ingest(zip, IngestOptions{}).status();
  }
  EXPECT_EQ(st.code(), StatusCode::kIoError) << st.ToString();
  auto c = Case::Open(work() / "case");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->Items()->empty());
}

// `export` ignored a failed fsync of the output folder and said ok, though a power cut could then
// lose the bundle's name.
TEST_F(FaultSweep, RegressionExportSaidOkWhenItsBundleWasNotDurable) {
  fs::path photo = Input("photo.jpg");
  WriteJpegWithExif(photo);
  MakeTemplate([&](Case& c) { ASSERT_TRUE(IngestAndSeal(c, photo).ok()); });
  fs::create_directories(tmp_ / "out");
  std::vector<std::string> trace;
  {
    CopyCase(template_dir(), work() / "count");
    FaultInjector count;
    auto c = Case::Open(work() / "count");
    ASSERT_TRUE(c.ok());
    ExportOptions o;
    o.out = tmp_ / "out" / "a.zip";
    ASSERT_TRUE(c->Export(o).ok());
    trace = count.trace();
  }
  std::uint64_t at = FindOperation(trace, "fsync folder ", (tmp_ / "out").string());
  ASSERT_NE(at, 0u);
  CopyCase(template_dir(), work() / "case");
  Status st;
  {
    FaultInjector inj({at, FaultMode::kCrash, EIO});
    {
      auto c = Case::Open(work() / "case");
      ASSERT_TRUE(c.ok());
      ExportOptions o;
      o.out = tmp_ / "out" / "b.zip";
      st = c->Export(o).status();
    }
    inj.DropUnsyncedData();
  }
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(fs::exists(tmp_ / "out" / "b.zip"));
}

}  // namespace
}  // namespace evidence::testing
