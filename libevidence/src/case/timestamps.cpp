// Case::RequestTimestamp and Case::AttachTimestamp, and the stored tokens' part in verify and
// export (timestamp_store.hpp). The format is in docs/case-format.md "Time-stamps".
#include <algorithm>
#include <fstream>

#include "bundle_format.hpp"
#include "case_state.hpp"
#include "evidence/canonical_json.hpp"
#include "evidence/checkpoint.hpp"
#include "evidence/ledger.hpp"
#include "evidence/timestamp.hpp"
#include "ledger_payloads.hpp"
#include "ledger_writer.hpp"
#include "small_file.hpp"
#include "status_macros.hpp"
#include "timestamp_store.hpp"
#include "tsa_ca.hpp"

namespace evidence {

namespace {

namespace ts = timestamp_store;

// A .tsr is a few KiB; anything far larger is not one, and is not read into memory.
constexpr std::size_t kMaxTimestampFile = 1 << 20;

Result<std::string> ReadLimited(const fs::path& path) {
  return ReadSmallFile(path, kMaxTimestampFile);
}

// A request kept under timestamps/pending/, named <size>-<nonce>.tsq.
struct Pending {
  fs::path path;
  std::uint64_t size = 0;
  Bytes der;
  TimestampRequestInfo info;
};

Result<std::vector<Pending>> PendingRequests(const fs::path& case_dir) {
  std::vector<Pending> out;
  std::error_code ec;
  fs::path dir = ts::PendingDir(case_dir);
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || e.path().extension() != ".tsq") continue;
    std::string stem = e.path().stem().string();
    auto dash = stem.find('-');
    if (dash == std::string::npos) continue;
    Pending p;
    p.path = e.path();
    try {
      p.size = std::stoull(stem.substr(0, dash));
    } catch (const std::exception&) {
      continue;
    }
    EVIDENCE_ASSIGN_OR_RETURN(std::string der, ReadLimited(p.path));
    p.der.assign(der.begin(), der.end());
    auto info = ParseTimestampRequest(p.der);
    if (!info.ok()) continue;  // not ours; left alone
    p.info = *info;
    out.push_back(std::move(p));
  }
  if (ec) return ErrnoStatus(ec.value(), dir, "cannot list");
  // Newest checkpoint first: with no better clue, a response most likely answers the last request.
  std::sort(out.begin(), out.end(), [](const Pending& a, const Pending& b) {
    return a.size != b.size ? a.size > b.size : a.path > b.path;
  });
  return out;
}

// The signed checkpoint note of tree size `size` whose body hashes to `imprint`.
Result<std::optional<std::string>> CheckpointFor(sql::Database& db, std::uint64_t size,
                                                 const Sha256Digest& imprint) {
  std::optional<std::string> found;
  EVIDENCE_RETURN_IF_ERROR(ForEachCheckpoint(db, [&](const CheckpointRow& cp) {
    if (found || cp.size != size) return Status::Ok();
    auto parsed = ParseCheckpointNote(cp.note);
    if (parsed.ok() && Sha256::Of(std::string_view(parsed->body)) == imprint) found = cp.note;
    return Status::Ok();
  }));
  return found;
}

}  // namespace

Result<TimestampRequestOutcome> Case::RequestTimestamp() {
  EVIDENCE_ASSIGN_OR_RETURN(std::string note, LatestCheckpoint());
  EVIDENCE_ASSIGN_OR_RETURN(SignedCheckpoint cp, ParseCheckpointNote(note));
  TimestampRequestOutcome out;
  out.tree_size = cp.checkpoint.size;
  out.imprint = Sha256::Of(std::string_view(cp.body));
  EVIDENCE_ASSIGN_OR_RETURN(out.request, BuildTimestampRequest(out.imprint));
  EVIDENCE_ASSIGN_OR_RETURN(TimestampRequestInfo info, ParseTimestampRequest(out.request));
  out.nonce = info.nonce;
  EVIDENCE_RETURN_IF_ERROR(s_->fs->CreateDir(ts::Dir(s_->dir), 0700));
  EVIDENCE_RETURN_IF_ERROR(s_->fs->CreateDir(ts::PendingDir(s_->dir), 0700));
  out.pending =
      ts::PendingDir(s_->dir) / (std::to_string(out.tree_size) + "-" + out.nonce + ".tsq");
  EVIDENCE_RETURN_IF_ERROR(WriteFileAtomically(*s_->fs, out.pending, AsChars(out.request), 0600));
  return out;
}

namespace {

struct Answered {
  const Pending* request = nullptr;
  TimestampToken token;
};

// The pending request the response `der` (of file `name`) answers, and its checked token. The
// response answers the request whose nonce it carries; each is tried, and if none fits the error
// is what the newest request found wrong.
Result<Answered> FindAnsweredRequest(const std::string& name, const std::string& der,
                                     const std::vector<Pending>& pending,
                                     const std::optional<std::string>& ca) {
  std::optional<Status> first_failure;
  for (const Pending& p : pending) {
    TimestampCheck check{p.info.imprint, p.info.nonce, ca};
    auto t = VerifyTimestampResponse(AsBytes(der), check);
    if (t.ok()) return Answered{&p, std::move(t).value()};
    // Garbage, a refused request, an unusable CA: the same whichever request it was meant for.
    if (t.status().code() != StatusCode::kVerificationFailed) {
      return t.status().WithContext(name);
    }
    // A nonce or imprint mismatch only says "not this request"; anything else (a broken
    // signature) is about the response itself and is the more useful message.
    auto about_request = [](const Status& st) {
      return st.message().rfind("nonce check", 0) == 0 ||
             st.message().rfind("message imprint check", 0) == 0;
    };
    if (!first_failure || (about_request(*first_failure) && !about_request(t.status()))) {
      first_failure = t.status();
    }
  }
  std::string which = pending.size() == 1 ? "the pending request (checkpoint " +
                                                std::to_string(pending.front().size) + ")"
                                          : "any of the " + std::to_string(pending.size()) +
                                                " pending requests (newest: checkpoint " +
                                                std::to_string(pending.front().size) + ")";
  return Status::VerificationFailed(name + ": does not verify against " + which + ": " +
                                    first_failure->message());
}

using TokenFiles = std::vector<std::pair<fs::path, std::string>>;

void RemoveTokenFiles(FileSystem& fs, const TokenFiles& files) {
  for (const auto& f : files) (void)fs.Remove(f.first);
}

// Writes the files of one token (read-only), replacing leftovers of an attach that did not
// commit; on failure none of them stays.
Status WriteTokenFiles(FileSystem& fs, const TokenFiles& files) {
  for (const auto& [path, content] : files) {
    std::error_code ec;
    if (fs::exists(path, ec)) (void)fs.Remove(path);
    if (Status s = WriteFileAtomically(fs, path, content, 0444); !s.ok()) {
      RemoveTokenFiles(fs, files);
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<TimestampAttachOutcome> Case::AttachTimestamp(const fs::path& response,
                                                     const std::optional<fs::path>& tsa_ca_pem) {
  const std::string name = response.string();
  EVIDENCE_ASSIGN_OR_RETURN(std::string der, ReadLimited(response));
  std::optional<std::string> ca;
  if (tsa_ca_pem) {
    EVIDENCE_ASSIGN_OR_RETURN(ca, ReadTsaCa(*tsa_ca_pem, "tsa_ca_pem"));
  }
  EVIDENCE_ASSIGN_OR_RETURN(std::vector<ts::Attached> attached, ts::AttachedTokens(s_->db));
  const std::string der_sha256 = DigestHex(Sha256::Of(std::string_view(der)));
  for (const auto& a : attached) {
    if (a.token_sha256 == der_sha256) {
      return Status::AlreadyExists(name + ": already attached, as timestamps/" +
                                   std::to_string(a.size) + ".tsr (entry " + std::to_string(a.seq) +
                                   ")");
    }
  }
  EVIDENCE_ASSIGN_OR_RETURN(std::vector<Pending> pending, PendingRequests(s_->dir));
  if (pending.empty()) {
    return Status::InvalidArgument(name +
                                   ": this case has no pending time-stamp request (make one with "
                                   "`evidence timestamp request` and send that to the TSA)");
  }
  EVIDENCE_ASSIGN_OR_RETURN(Answered answered, FindAnsweredRequest(name, der, pending, ca));
  const Pending* match = answered.request;

  const std::uint64_t size = match->size;
  EVIDENCE_ASSIGN_OR_RETURN(std::optional<std::string> note,
                            CheckpointFor(s_->db, size, match->info.imprint));
  if (!note) {
    return Status::VerificationFailed(name + ": the request it answers (" +
                                      match->path.filename().string() +
                                      ") names no signed checkpoint of this case");
  }
  for (const auto& a : attached) {
    if (a.size == size) {
      return Status::AlreadyExists(name + ": checkpoint " + std::to_string(size) +
                                   " already has a time-stamp (timestamps/" + std::to_string(size) +
                                   ".tsr); request a new one for the latest checkpoint");
    }
  }
  EVIDENCE_ASSIGN_OR_RETURN(SignedCheckpoint cp, ParseCheckpointNote(*note));

  TimestampAttachOutcome out;
  out.token = std::move(answered.token);
  out.tree_size = size;
  out.token_sha256 = der_sha256;
  out.stored = ts::TokenPath(s_->dir, size);

  EVIDENCE_ASSIGN_OR_RETURN(auto txn, sql::Transaction::Begin(s_->db));
  nlohmann::json data = {{"checkpoint_size", size},
                         {"checkpoint_sha256", DigestHex(Sha256::Of(std::string_view(*note)))},
                         {"imprint", DigestHex(match->info.imprint)},
                         {"root", HexEncode(cp.checkpoint.root)},
                         {"gen_time", out.token.gen_time},
                         {"tsa", out.token.tsa_name},
                         {"serial", out.token.serial},
                         {"policy", out.token.policy},
                         {"nonce", out.token.nonce},
                         {"chain_checked", out.token.chain_checked},
                         {"token", "timestamps/" + std::to_string(size) + ".tsr"},
                         {"token_sha256", out.token_sha256}};
  EVIDENCE_ASSIGN_OR_RETURN(
      out.entry, s_->AppendEntry("timestamp.attached", data, std::nullopt, std::nullopt));
  // The files are written before the commit and removed if it fails; a crash in between leaves
  // files no entry names, which the next attach of the same checkpoint replaces.
  TokenFiles files = {{ts::TokenPath(s_->dir, size), der},
                      {ts::RequestPath(s_->dir, size), std::string(AsChars(match->der))},
                      {ts::CheckpointPath(s_->dir, size), *note}};
  EVIDENCE_RETURN_IF_ERROR(WriteTokenFiles(*s_->fs, files));
  if (Status s = s_->SealLocked(); !s.ok()) {
    RemoveTokenFiles(*s_->fs, files);
    return s;
  }
  // A COMMIT that reports an error may still have reached the disk (SQLite recovers a written
  // commit frame whose fsync failed), so the files it names stay; if it did not commit, the next
  // attach of the same checkpoint replaces them.
  EVIDENCE_RETURN_IF_ERROR(txn.Commit());
  (void)s_->fs->Remove(match->path);
  return out;
}

namespace timestamp_store {

Result<std::vector<Attached>> AttachedTokens(sql::Database& db) {
  EVIDENCE_ASSIGN_OR_RETURN(
      auto st,
      db.Prepare(
          "SELECT seq, entry FROM entries WHERE action = 'timestamp.attached' ORDER BY seq"));
  std::vector<Attached> out;
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Attached a;
    a.seq = static_cast<std::uint64_t>(st.ColumnInt(0));
    Bytes b = st.ColumnBlob(1);
    auto e = ParseLedgerEntry(AsChars(b));
    std::string bad = "entry " + std::to_string(a.seq) + " (timestamp.attached): ";
    if (!e.ok()) return Status::Corruption(bad + e.status().message());
    auto stamp = payload::ParseAs<payload::TimestampAttached>(*e);
    if (!stamp.ok()) return stamp.status();
    auto digest = DigestFromHex(stamp->imprint);
    if (!digest.ok()) return Status::Corruption(bad + "imprint is not a SHA-256");
    a.size = stamp->checkpoint_size;
    a.imprint = *digest;
    a.token_sha256 = stamp->token_sha256;
    out.push_back(std::move(a));
  }
  return out;
}

Status CheckStoredTokens(sql::Database& db, const fs::path& case_dir,
                         std::vector<std::string>* failures) {
  auto attached = AttachedTokens(db);
  if (!attached.ok()) {
    failures->push_back(attached.status().message());
    return Status::Ok();
  }
  for (const Attached& a : *attached) {
    std::string label =
        "timestamps/" + std::to_string(a.size) + ".tsr (entry " + std::to_string(a.seq) + ")";
    auto der = ReadLimited(TokenPath(case_dir, a.size));
    if (!der.ok()) {
      if (der.status().code() == StatusCode::kIoError) return der.status();
      failures->push_back(label + ": " + der.status().message());
      continue;
    }
    std::string sha = DigestHex(Sha256::Of(std::string_view(*der)));
    if (sha != a.token_sha256) {
      failures->push_back(label + ": now hashes to " + sha + ", not the recorded " +
                          a.token_sha256 + " (the token was changed)");
      continue;
    }
    auto note = CheckpointFor(db, a.size, a.imprint);
    if (!note.ok()) return note.status();
    if (!*note) {
      failures->push_back(label + ": no signed checkpoint of size " + std::to_string(a.size) +
                          " has the body it time-stamps");
      continue;
    }
    auto token = VerifyTimestampResponse(AsBytes(*der), TimestampCheck{a.imprint, {}, {}});
    if (!token.ok()) failures->push_back(label + ": " + token.status().message());
  }
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, std::string>>> BundleFiles(sql::Database& db,
                                                                     const fs::path& case_dir) {
  EVIDENCE_ASSIGN_OR_RETURN(std::vector<Attached> attached, AttachedTokens(db));
  std::vector<std::pair<std::string, std::string>> out;
  for (const Attached& a : attached) {
    std::string n = std::to_string(a.size);
    EVIDENCE_ASSIGN_OR_RETURN(std::string der, ReadLimited(TokenPath(case_dir, a.size)));
    if (DigestHex(Sha256::Of(std::string_view(der))) != a.token_sha256) {
      return Status::Corruption("timestamps/" + n +
                                ".tsr: not the token its timestamp.attached entry recorded "
                                "(run `evidence verify`)");
    }
    EVIDENCE_ASSIGN_OR_RETURN(std::optional<std::string> note,
                              CheckpointFor(db, a.size, a.imprint));
    if (!note) {
      return Status::Corruption("timestamps/" + n + ".tsr: the checkpoint it covers is missing");
    }
    out.emplace_back(bundle_format::TimestampToken(a.size), std::move(der));
    out.emplace_back(bundle_format::TimestampCheckpoint(a.size), std::move(*note));
  }
  return out;
}

}  // namespace timestamp_store

}  // namespace evidence
