// BundleReportJson: the machine form of a verification report
// (schemas/verification-report.schema.json).
#include <string_view>

#include "evidence/bundle.hpp"
#include "evidence/canonical_json.hpp"

namespace evidence {

nlohmann::json BundleReportJson(const BundleReport& report) {
  // Every string may come from a hostile archive; nlohmann's dump() throws on invalid UTF-8.
  auto text = [](std::string_view s) { return LossyUtf8(s); };
  nlohmann::json signers = nlohmann::json::array();
  for (const auto& s : report.signers) {
    signers.push_back({{"role", text(s.role)},
                       {"key_name", text(s.key_name)},
                       {"fingerprint", text(s.fingerprint)},
                       {"case_uuid", text(s.case_uuid)},
                       {"tree_size", s.tree_size}});
  }
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : report.checks) {
    checks.push_back({{"check", text(c.check)},
                      {"subject", text(c.subject)},
                      {"ok", c.ok},
                      {"detail", text(c.detail)}});
  }
  nlohmann::json timestamps = nlohmann::json::array();
  for (const auto& t : report.timestamps) {
    timestamps.push_back({{"file", text(t.file)},
                          {"checkpoint_size", t.checkpoint_size},
                          {"gen_time", text(t.gen_time)},
                          {"tsa", text(t.tsa)},
                          {"serial", text(t.serial)},
                          {"policy", text(t.policy)},
                          {"chain_checked", t.chain_checked},
                          {"consistent", t.consistent},
                          {"ok", t.ok}});
  }
  bool ok = report.ok();
  return {{"file", text(report.file)},
          {"top_folder", text(report.top_folder)},
          {"case_uuid", text(report.case_uuid)},
          {"exported", text(report.exported)},
          {"verdict", ok ? "verified" : "not verified"},
          {"ok", ok},
          {"signer_confirmed", report.signer_confirmed},
          {"items", report.items},
          {"payload_bytes", report.payload_bytes},
          {"signers", std::move(signers)},
          {"timestamps", std::move(timestamps)},
          {"checks", std::move(checks)}};
}

}  // namespace evidence
