#include "ledger_check.hpp"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "evidence/ledger.hpp"
#include "evidence/merkle.hpp"
#include "keyring.hpp"
#include "ledger_source.hpp"
#include "ledger_writer.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

std::string Num(std::uint64_t n) { return std::to_string(n); }

Status DoesNotVerify(std::string_view detail) {
  return Status::VerificationFailed("the case does not verify: " + std::string(detail) +
                                    "; nothing is shown from it (run `evidence verify`)");
}

// The guard's failures other than I/O become "does not verify".
Status AsDoesNotVerify(const Status& s) {
  if (s.code() != StatusCode::kCorruption && s.code() != StatusCode::kVerificationFailed) return s;
  return DoesNotVerify(s.message());
}

struct SignedRoot {
  std::int64_t id = 0;
  std::uint64_t size = 0;
  merkle::Hash root{};
  std::string Label() const {
    return "checkpoint " + std::to_string(id) + " (tree size " + Num(size) + ")";
  }
};

// Every checkpoint whose signature and origin verify, by tree size (the first of equal sizes).
Result<std::vector<SignedRoot>> SignedRoots(sql::Database& db, const KeyHistory& keys,
                                            std::string_view origin) {
  std::vector<SignedRoot> roots;
  EVIDENCE_RETURN_IF_ERROR(ForEachCheckpoint(db, [&](const CheckpointRow& cp) {
    auto verified = VerifyCaseCheckpoint(keys, cp.note);
    if (verified.ok() && verified->checkpoint.origin == origin) {
      roots.push_back({cp.id, verified->checkpoint.size, verified->checkpoint.root});
    }
    return Status::Ok();
  }));
  std::stable_sort(roots.begin(), roots.end(),
                   [](const SignedRoot& a, const SignedRoot& b) { return a.size < b.size; });
  roots.erase(
      std::unique(roots.begin(), roots.end(),
                  [](const SignedRoot& a, const SignedRoot& b) { return a.size == b.size; }),
      roots.end());
  return roots;
}

// The action a malformed entry's bytes claim, for naming it; the index column when the bytes do
// not say (a forged entry may not even be JSON). Only a plain action name is repeated.
std::string ActionOf(const Bytes& bytes, const std::optional<std::string>& column) {
  auto plain = [](const std::string& s) {
    return !s.empty() && s.size() <= 40 && std::all_of(s.begin(), s.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || c == '.' || c == '_';
    });
  };
  auto j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_object()) {
    auto it = j.find("action");
    if (it != j.end() && it->is_string() && plain(it->get<std::string>())) {
      return it->get<std::string>();
    }
  }
  if (column && plain(*column)) return *column;
  return "unknown action";
}

}  // namespace

Status CheckSignedLedger(sql::Database& db, const std::string& case_uuid, std::string_view origin) {
  EVIDENCE_ASSIGN_OR_RETURN(KeyHistory keys, LoadKeyHistory(db, case_uuid));
  if (!keys.problems.empty()) return DoesNotVerify("keys: " + keys.problems.front());
  if (keys.epochs.empty()) return DoesNotVerify("the ledger has no key.added entry");
  auto head = NewestSignedCheckpoint(db, keys.epochs, origin);
  if (!head.ok()) return AsDoesNotVerify(head.status());
  const Checkpoint& cp = head->checkpoint;
  const std::string label =
      "checkpoint " + std::to_string(head->id) + " (tree size " + Num(cp.size) + ")";

  EVIDENCE_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT seq, entry FROM entries ORDER BY seq"));
  NodeStack tree;
  auto no_nodes = [](std::uint64_t, unsigned, const merkle::Hash&) { return Status::Ok(); };
  for (;;) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const auto seq = static_cast<std::uint64_t>(st.ColumnInt(0));
    if (seq != tree.size()) {
      return DoesNotVerify("entry " + Num(tree.size()) + " is missing from the ledger");
    }
    if (seq >= cp.size) {
      return DoesNotVerify("the ledger holds entries after " + Num(cp.size - 1) +
                           ", the last its newest signed " + label + " covers");
    }
    EVIDENCE_RETURN_IF_ERROR(tree.Append(merkle::LeafHash(st.ColumnBlob(1)), no_nodes));
  }
  if (tree.size() != cp.size) {
    return DoesNotVerify("the ledger holds " + Num(tree.size()) +
                         " entries, but its newest signed " + label + " covers " + Num(cp.size));
  }
  if (RootOfPeaks(tree.peaks()) == cp.root) return Status::Ok();
  EVIDENCE_ASSIGN_OR_RETURN(auto found, LocateAlteredEntries(db, case_uuid, origin));
  if (!found.empty()) return DoesNotVerify(found.front());
  return DoesNotVerify("the entries no longer give the root " + label + " signed");
}

namespace {

// The first signed root the entries no longer give (nullopt when they give them all), and in
// `*good` the largest signed size whose root they still give.
Result<std::optional<SignedRoot>> FirstBrokenRoot(sql::Database& db,
                                                  const std::vector<SignedRoot>& roots,
                                                  std::uint64_t* good) {
  *good = 0;
  EVIDENCE_ASSIGN_OR_RETURN(auto st, db.Prepare("SELECT seq, entry FROM entries ORDER BY seq"));
  NodeStack tree;
  auto no_nodes = [](std::uint64_t, unsigned, const merkle::Hash&) { return Status::Ok(); };
  std::size_t next = 0;
  while (next < roots.size() && roots[next].size == 0) ++next;
  while (next < roots.size()) {
    EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || static_cast<std::uint64_t>(st.ColumnInt(0)) != tree.size()) break;
    EVIDENCE_RETURN_IF_ERROR(tree.Append(merkle::LeafHash(st.ColumnBlob(1)), no_nodes));
    for (; next < roots.size() && roots[next].size == tree.size(); ++next) {
      if (RootOfPeaks(tree.peaks()) != roots[next].root) return std::optional(roots[next]);
      *good = tree.size();
    }
  }
  return std::optional<SignedRoot>();
}

// The entries [first, last] as their bytes read now: leaf hashes, the action each claims, and why
// one no longer parses.
struct EntriesAround {
  std::uint64_t first = 0;
  std::vector<merkle::Hash> leaves;
  std::vector<std::string> actions;
  std::vector<std::optional<std::string>> unreadable;

  static Result<EntriesAround> Load(sql::Database& db, std::uint64_t first, std::uint64_t last) {
    EntriesAround e;
    e.first = first;
    EVIDENCE_ASSIGN_OR_RETURN(auto st,
                              db.Prepare("SELECT seq, entry, action FROM entries WHERE seq >= ?1 "
                                         "AND seq <= ?2 ORDER BY seq"));
    st.Bind(1, static_cast<std::int64_t>(first)).Bind(2, static_cast<std::int64_t>(last));
    for (;;) {
      EVIDENCE_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row || static_cast<std::uint64_t>(st.ColumnInt(0)) != first + e.leaves.size()) break;
      Bytes bytes = st.ColumnBlob(1);
      e.leaves.push_back(merkle::LeafHash(bytes));
      auto parsed = ParseLedgerEntry(AsChars(bytes));
      e.actions.push_back(parsed.ok() ? parsed->action : ActionOf(bytes, st.ColumnOptionalText(2)));
      e.unreadable.push_back(parsed.ok() ? std::nullopt
                                         : std::optional<std::string>(parsed.status().message()));
    }
    return e;
  }
  // "entry N (action)".
  std::string Name(std::uint64_t seq) const {
    const std::uint64_t i = seq - first;
    return "entry " + Num(seq) + (i < actions.size() ? " (" + actions[i] + ")" : std::string());
  }
  // Name(seq), with why it no longer parses when it does not.
  std::string Altered(std::uint64_t seq) const {
    const std::uint64_t i = seq - first;
    if (i >= unreadable.size() || !unreadable[i]) return Name(seq);
    const std::string& why = *unreadable[i];
    return why.rfind("entry " + Num(seq) + " ", 0) == 0 ? why : Name(seq) + ": " + why;
  }
};

}  // namespace

Result<std::vector<std::string>> LocateAlteredEntries(sql::Database& db,
                                                      const std::string& case_uuid,
                                                      std::string_view origin) {
  EVIDENCE_ASSIGN_OR_RETURN(KeyHistory keys, LoadKeyHistory(db, case_uuid));
  EVIDENCE_ASSIGN_OR_RETURN(std::vector<SignedRoot> roots, SignedRoots(db, keys, origin));
  std::uint64_t good = 0;
  EVIDENCE_ASSIGN_OR_RETURN(std::optional<SignedRoot> bad, FirstBrokenRoot(db, roots, &good));
  if (!bad) return std::vector<std::string>{};

  // The leaves around [good, bad->size), from the entries' bytes, each pair's against its cached
  // parent: a pair whose parent no longer matches holds an altered entry.
  const std::uint64_t first = good & ~std::uint64_t{1};
  EVIDENCE_ASSIGN_OR_RETURN(EntriesAround around, EntriesAround::Load(db, first, bad->size));
  const std::vector<merkle::Hash>& leaves = around.leaves;
  const std::vector<std::optional<std::string>>& unreadable = around.unreadable;
  auto name = [&](std::uint64_t seq) { return around.Name(seq); };
  auto Altered = [&](std::uint64_t seq) { return around.Altered(seq); };
  std::vector<std::string> found;
  EVIDENCE_ASSIGN_OR_RETURN(auto node,
                            db.Prepare("SELECT hash FROM nodes WHERE size = ?1 AND level = 1"));
  for (std::uint64_t p = first; p + 1 < first + leaves.size() && p < bad->size; p += 2) {
    node.Bind(1, static_cast<std::int64_t>(p + 2));
    EVIDENCE_ASSIGN_OR_RETURN(bool row, node.Step());
    const Bytes cached = row ? node.ColumnBlob(0) : Bytes{};
    EVIDENCE_RETURN_IF_ERROR(node.Reset());
    if (cached.size() != merkle::Hash{}.size()) continue;  // no hint from the cache here
    const merkle::Hash parent = merkle::NodeHash(leaves[p - first], leaves[p + 1 - first]);
    if (std::equal(parent.begin(), parent.end(), cached.begin())) continue;
    std::vector<std::uint64_t> suspects;
    for (std::uint64_t q : {p, p + 1}) {
      if (q >= good && q < bad->size) suspects.push_back(q);
    }
    // Every entry was checked when it was appended, so one that no longer parses was not signed
    // as it is: of a pair, it is the altered one.
    if (suspects.size() == 2 &&
        unreadable[p - first].has_value() != unreadable[p + 1 - first].has_value()) {
      suspects = {unreadable[p - first] ? p : p + 1};
    }
    if (suspects.size() == 1) {
      found.push_back(Altered(suspects[0]) + ": altered after " + bad->Label() +
                      " signed it (the checkpoints before it still match; its bytes no longer "
                      "give the stored tree's hash)");
    } else if (suspects.size() == 2) {
      found.push_back(name(suspects[0]) + " or " + name(suspects[1]) +
                      ": one of them was altered after " + bad->Label() +
                      " signed them (the stored tree cannot tell which)");
    }
  }
  if (found.empty()) {
    for (std::uint64_t q = good; q < bad->size && q - first < unreadable.size(); ++q) {
      if (unreadable[q - first]) {
        found.push_back(Altered(q) + ": altered after " + bad->Label() + " signed it");
      }
    }
  }
  if (found.empty()) {
    found.push_back((bad->size - good == 1 ? name(good)
                                           : "entries " + Num(good) + " to " + Num(bad->size - 1)) +
                    ": altered after " + bad->Label() +
                    " signed them (the checkpoints before still match)");
  }
  return found;
}

}  // namespace evidence
