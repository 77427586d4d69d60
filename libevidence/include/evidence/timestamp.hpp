// RFC 3161 time-stamps: proof from a third party (a Time-Stamping Authority) that a checkpoint,
// and so every ledger entry under it, existed at a given time. Pure functions over DER bytes: no
// I/O, no network. The case side (requesting, attaching, storing tokens) is in case.hpp; the format
// of what is stored is in docs/case-format.md and docs/bundle.md.
#pragma once

#include <optional>
#include <string>

#include "evidence/bytes.hpp"
#include "evidence/export.hpp"
#include "evidence/hash.hpp"
#include "evidence/status.hpp"

EVIDENCE_PUBLIC_BEGIN
namespace evidence {

// What a TimeStampReq asks for.
struct TimestampRequestInfo {
  Sha256Digest imprint{};  // the SHA-256 the TSA is asked to time-stamp
  std::string nonce;       // lower-case hex of the nonce ("" when the request has none)
  bool cert_req = false;   // the TSA was asked to include its certificate
};

// Builds a DER TimeStampReq (RFC 3161 section 2.4.1): version 1, SHA-256 message imprint `digest`,
// a fresh random 64-bit nonce, certReq true (so the token carries the TSA certificate and can be
// checked without fetching anything), no policy.
Result<Bytes> BuildTimestampRequest(const Sha256Digest& digest);

// Parses a DER TimeStampReq. kInvalidArgument if it is not one, or if its imprint is not SHA-256.
Result<TimestampRequestInfo> ParseTimestampRequest(ByteView der);

// What a verified token proves.
struct TimestampToken {
  std::string gen_time;        // RFC 3339 UTC, as precise as the TSA wrote it (e.g.
                               // 2026-03-14T18:20:05Z or ...05.123Z)
  std::string serial;          // the TSA's serial number of the token, lower-case hex
  std::string tsa_name;        // the signing certificate's subject, RFC 2253 (CN=...,O=...)
  std::string policy;          // the TSA policy OID, dotted
  std::string nonce;           // lower-case hex, "" if none
  Sha256Digest imprint{};      // what was time-stamped
  bool chain_checked = false;  // the TSA certificate chains to the given CA (see below)
};

// Which checks to run on a response.
struct TimestampCheck {
  // What the token must time-stamp.
  Sha256Digest imprint{};
  // The nonce of the request the response must answer (hex); nullopt skips the nonce check (a
  // token in a bundle, whose request is not at hand).
  std::optional<std::string> nonce;
  // PEM text of the CA certificate(s) the TSA certificate must chain to. The TSA certificate must
  // then also carry the critical timeStamping extended key usage (RFC 3161 section 2.3). nullopt:
  // the signature is checked against the certificate inside the token only, and
  // TimestampToken::chain_checked is false; who the TSA is remains unconfirmed.
  std::optional<std::string> ca_pem;
};

// Parses a DER TimeStampResp (the .tsr a TSA answers with) and checks it: status granted (or
// granted with modifications), a SHA-256 imprint equal to check.imprint, the nonce, and the CMS
// signature by the TSA certificate carried in the token (with its ESS signing-certificate binding);
// with check.ca_pem also the chain and the timeStamping key usage. Certificates are judged at the
// token's own time, so a token stays checkable after the TSA certificate expires.
//
// Errors: kInvalidArgument when `der` is not a TimeStampResp (garbage, truncated, trailing bytes),
// when the TSA refused (the message carries the status, its text and failure reasons), or when a
// CA PEM holds no certificate; kVerificationFailed, naming the failed check, when the response is
// well-formed but does not prove what was asked (another imprint or nonce, a broken signature, a
// certificate not chaining to the CA).
Result<TimestampToken> VerifyTimestampResponse(ByteView der, const TimestampCheck& check);

}  // namespace evidence
EVIDENCE_PUBLIC_END
