// RFC 3161 requests and responses with OpenSSL's TS API (evidence/timestamp.hpp). The checks that
// decide what the user is told (status, imprint, nonce) are done here first, each with its own
// message; OpenSSL's TS_RESP_verify_response then checks the CMS signature, the ESS binding of the
// signing certificate and, against a store, the chain and the timeStamping key usage.
#include "evidence/timestamp.hpp"

#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <vector>

#include "openssl_util.hpp"
#include "status_macros.hpp"

namespace evidence {

namespace {

// sk_X509_free is a macro in OpenSSL 3.0, so it cannot be an ossl::Deleter argument. Frees the
// stack only: PKCS7_get0_signers does not take references on the certificates.
struct X509StackFree {
  void operator()(STACK_OF(X509) * sk) const { sk_X509_free(sk); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

std::string LowerHex(const ASN1_INTEGER* n) {
  if (n == nullptr) return "";
  ossl::BignumPtr bn(ASN1_INTEGER_to_BN(n, nullptr));
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return "";
  std::string out(hex);
  OPENSSL_free(hex);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // BN_bn2hex writes "0" for zero and pads to whole bytes otherwise; keep it as is.
  return out;
}

// A SHA-256 message imprint as a digest; nullopt when the algorithm is not SHA-256.
std::optional<Sha256Digest> Sha256Imprint(TS_MSG_IMPRINT* mi) {
  if (mi == nullptr) return std::nullopt;
  const ASN1_OBJECT* obj = nullptr;
  X509_ALGOR_get0(&obj, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(mi));
  const ASN1_OCTET_STRING* msg = TS_MSG_IMPRINT_get_msg(mi);
  Sha256Digest d{};
  if (obj == nullptr || OBJ_obj2nid(obj) != NID_sha256 || msg == nullptr ||
      ASN1_STRING_length(msg) != static_cast<int>(d.size())) {
    return std::nullopt;
  }
  std::copy_n(ASN1_STRING_get0_data(msg), d.size(), d.begin());
  return d;
}

std::string AlgorithmName(TS_MSG_IMPRINT* mi) {
  const ASN1_OBJECT* obj = nullptr;
  if (mi != nullptr) X509_ALGOR_get0(&obj, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(mi));
  if (obj == nullptr) return "no algorithm";
  int nid = OBJ_obj2nid(obj);
  if (nid != NID_undef) return OBJ_nid2sn(nid);
  char buf[80];
  OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return buf;
}

// GeneralizedTime "YYYYMMDDHHMMSS[.fff]Z" as RFC 3339; also the time for certificate checks.
bool GenTime(const ASN1_GENERALIZEDTIME* t, std::string* rfc3339, time_t* unix_time) {
  if (t == nullptr) return false;
  std::string s(reinterpret_cast<const char*>(ASN1_STRING_get0_data(t)),
                static_cast<std::size_t>(ASN1_STRING_length(t)));
  if (s.size() < 15 || s.back() != 'Z') return false;
  for (std::size_t i = 0; i < 14; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  std::string fraction = s.substr(14, s.size() - 15);  // "" or ".fff"
  if (!fraction.empty()) {
    if (fraction[0] != '.' || fraction.size() < 2) return false;
    for (std::size_t i = 1; i < fraction.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(fraction[i]))) return false;
    }
  }
  *rfc3339 = s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2) + "T" + s.substr(8, 2) +
             ":" + s.substr(10, 2) + ":" + s.substr(12, 2) + fraction + "Z";
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return false;
  *unix_time = timegm(&tm);
  return true;
}

std::string SubjectOf(X509* cert) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0) {
    return "(unreadable subject)";
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// RFC 3161 section 2.4.2 PKIStatus and PKIFailureInfo names.
std::string StatusName(long status) {
  static const char* kNames[] = {"granted", "grantedWithMods",   "rejection",
                                 "waiting", "revocationWarning", "revocationNotification"};
  if (status >= 0 && status < 6) return kNames[status];
  return "unknown status " + std::to_string(status);
}

std::string FailureReasons(const ASN1_BIT_STRING* bits) {
  static const std::pair<int, const char*> kBits[] = {
      {TS_INFO_BAD_ALG, "badAlg"},
      {TS_INFO_BAD_REQUEST, "badRequest"},
      {TS_INFO_BAD_DATA_FORMAT, "badDataFormat"},
      {TS_INFO_TIME_NOT_AVAILABLE, "timeNotAvailable"},
      {TS_INFO_UNACCEPTED_POLICY, "unacceptedPolicy"},
      {TS_INFO_UNACCEPTED_EXTENSION, "unacceptedExtension"},
      {TS_INFO_ADD_INFO_NOT_AVAILABLE, "addInfoNotAvailable"},
      {TS_INFO_SYSTEM_FAILURE, "systemFailure"}};
  std::string out;
  if (bits == nullptr) return out;
  for (const auto& [bit, name] : kBits) {
    if (ASN1_BIT_STRING_get_bit(bits, bit)) out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out;
}

// Like ossl::DrainErrors, but with the data OpenSSL attaches to an error: for a failed chain
// check that is the X509 verify error ("Verify error:unable to get local issuer certificate").
std::string DrainErrorsWithData() {
  std::string out;
  const char* data = nullptr;
  int flags = 0;
  unsigned long e;
  while ((e = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
    if (data != nullptr && (flags & ERR_TXT_STRING) && *data != '\0')
      out += std::string(" (") + data + ")";
  }
  return out.empty() ? std::string("no detail from OpenSSL") : out;
}

Status NotResponse(const std::string& why) {
  return Status::InvalidArgument("not an RFC 3161 time-stamp response (DER TimeStampResp): " + why);
}

// Loads every certificate of a PEM text into `store`; kInvalidArgument if there is none.
Status AddPemCertificates(const std::string& pem, X509_STORE* store) {
  ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Status::IoError("out of memory reading the CA certificates");
  int n = 0;
  for (;;) {
    ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    if (X509_STORE_add_cert(store, cert.get()) != 1) {
      return Status::InvalidArgument("cannot use a CA certificate: " + ossl::DrainErrors());
    }
    ++n;
  }
  ERR_clear_error();  // the loop ends on a "no start line" error
  if (n == 0) return Status::InvalidArgument("the TSA CA file holds no PEM certificate");
  return Status::Ok();
}

}  // namespace

Result<Bytes> BuildTimestampRequest(const Sha256Digest& digest) {
  ossl::TsReqPtr req(TS_REQ_new());
  ossl::TsMsgImprintPtr mi(TS_MSG_IMPRINT_new());
  ossl::X509AlgorPtr alg(X509_ALGOR_new());
  if (!req || !mi || !alg) return Status::IoError("time-stamp request: out of memory");
  std::array<unsigned char, 8> nonce_bytes{};
  if (RAND_bytes(nonce_bytes.data(), static_cast<int>(nonce_bytes.size())) != 1) {
    return Status::IoError("time-stamp request: no random bytes: " + ossl::DrainErrors());
  }
  nonce_bytes[0] &= 0x7f;  // a positive INTEGER of at most 8 bytes, as `openssl ts -query` makes
  nonce_bytes[0] |= 0x01;  // never zero, never shorter than the others
  ossl::BignumPtr bn(BN_bin2bn(nonce_bytes.data(), static_cast<int>(nonce_bytes.size()), nullptr));
  ossl::Asn1IntegerPtr nonce(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  // The setters copy their arguments, so every object stays owned here.
  if (!nonce || TS_REQ_set_version(req.get(), 1) != 1 ||
      X509_ALGOR_set0(alg.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr) != 1 ||
      TS_MSG_IMPRINT_set_algo(mi.get(), alg.get()) != 1 ||
      TS_MSG_IMPRINT_set_msg(mi.get(), const_cast<unsigned char*>(digest.data()),
                             static_cast<int>(digest.size())) != 1 ||
      TS_REQ_set_msg_imprint(req.get(), mi.get()) != 1 ||
      TS_REQ_set_nonce(req.get(), nonce.get()) != 1 || TS_REQ_set_cert_req(req.get(), 1) != 1) {
    return Status::IoError("time-stamp request: " + ossl::DrainErrors());
  }
  int len = i2d_TS_REQ(req.get(), nullptr);
  if (len <= 0) return Status::IoError("time-stamp request: " + ossl::DrainErrors());
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  if (i2d_TS_REQ(req.get(), &p) != len) {
    return Status::IoError("time-stamp request: " + ossl::DrainErrors());
  }
  return der;
}

Result<TimestampRequestInfo> ParseTimestampRequest(ByteView der) {
  const unsigned char* p = der.data();
  ossl::TsReqPtr req(d2i_TS_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!req || p != der.data() + der.size()) {
    ERR_clear_error();
    return Status::InvalidArgument("not an RFC 3161 time-stamp request (DER TimeStampReq)");
  }
  TimestampRequestInfo info;
  auto imprint = Sha256Imprint(TS_REQ_get_msg_imprint(req.get()));
  if (!imprint) {
    return Status::InvalidArgument("the time-stamp request's imprint is " +
                                   AlgorithmName(TS_REQ_get_msg_imprint(req.get())) +
                                   ", not SHA-256");
  }
  info.imprint = *imprint;
  info.nonce = LowerHex(TS_REQ_get_nonce(req.get()));
  info.cert_req = TS_REQ_get_cert_req(req.get()) != 0;
  return info;
}

namespace {

// The response in `der`, which must be one whole DER TimeStampResp that grants a token.
Result<ossl::TsRespPtr> ParseGrantedResponse(ByteView der) {
  if (der.empty()) return NotResponse("the file is empty");
  const unsigned char* p = der.data();
  ossl::TsRespPtr resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size())));
  if (!resp) {
    ERR_clear_error();
    return NotResponse("it does not parse (garbage or truncated)");
  }
  if (p != der.data() + der.size()) {
    return NotResponse(std::to_string(der.data() + der.size() - p) + " bytes follow the response");
  }

  TS_STATUS_INFO* si = TS_RESP_get_status_info(resp.get());
  long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si));
  if (status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS) {
    std::string msg = "the TSA did not grant a time-stamp: status " + StatusName(status);
    const STACK_OF(ASN1_UTF8STRING)* text = TS_STATUS_INFO_get0_text(si);
    for (int i = 0; text != nullptr && i < sk_ASN1_UTF8STRING_num(text); ++i) {
      const ASN1_UTF8STRING* line = sk_ASN1_UTF8STRING_value(text, i);
      msg += (i == 0 ? " \"" : " / \"") +
             std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(line)),
                         static_cast<std::size_t>(ASN1_STRING_length(line))) +
             "\"";
    }
    std::string reasons = FailureReasons(TS_STATUS_INFO_get0_failure_info(si));
    if (!reasons.empty()) msg += " (failure: " + reasons + ")";
    return Status::InvalidArgument(msg);
  }
  if (TS_RESP_get_token(resp.get()) == nullptr || TS_RESP_get_tst_info(resp.get()) == nullptr) {
    return NotResponse("status granted, but it carries no time-stamp token");
  }
  return resp;
}

// What the token says (time, serial, nonce, policy, imprint), and its time as time_t in *when.
Result<TimestampToken> ReadTokenInfo(TS_TST_INFO* tst, const TimestampCheck& check, time_t* when) {
  TimestampToken out;
  if (!GenTime(TS_TST_INFO_get_time(tst), &out.gen_time, when)) {
    return NotResponse("the token's genTime is malformed");
  }
  out.serial = LowerHex(TS_TST_INFO_get_serial(tst));
  out.nonce = LowerHex(TS_TST_INFO_get_nonce(tst));
  if (const ASN1_OBJECT* policy = TS_TST_INFO_get_policy_id(tst); policy != nullptr) {
    char buf[128];
    OBJ_obj2txt(buf, sizeof buf, policy, 1);
    out.policy = buf;
  }
  auto imprint = Sha256Imprint(TS_TST_INFO_get_msg_imprint(tst));
  if (!imprint) {
    return Status::VerificationFailed("message imprint check failed: the token time-stamps a " +
                                      AlgorithmName(TS_TST_INFO_get_msg_imprint(tst)) +
                                      " digest, not the SHA-256 " + DigestHex(check.imprint));
  }
  out.imprint = *imprint;
  return out;
}

// The checks a user acts on, each with its own message, before OpenSSL's all-in-one check.
Status CheckAnswersRequest(const TimestampToken& token, const TimestampCheck& check) {
  if (token.imprint != check.imprint) {
    return Status::VerificationFailed("message imprint check failed: the token time-stamps " +
                                      DigestHex(token.imprint) + ", not " +
                                      DigestHex(check.imprint) + " (it answers another request)");
  }
  if (check.nonce && token.nonce != *check.nonce) {
    return Status::VerificationFailed("nonce check failed: the token's nonce is " +
                                      (token.nonce.empty() ? "absent" : token.nonce) +
                                      ", the request's " + *check.nonce +
                                      " (it answers another request)");
  }
  return Status::Ok();
}

// The trust store the signer is judged by at `when`: the CA file of the check, or, without one,
// the token's own signer certificate.
Result<ossl::X509StorePtr> TrustStore(const TimestampCheck& check, X509* signer, time_t when) {
  ossl::X509StorePtr store(X509_STORE_new());
  if (!store) return Status::IoError("time-stamp check: out of memory");
  if (check.ca_pem) {
    if (Status s = AddPemCertificates(*check.ca_pem, store.get()); !s.ok()) return s;
  } else {
    // No CA: the token's own certificate is the trust anchor, so only the signature (and the
    // certificate's key usage) is checked, not who issued it.
    if (X509_STORE_add_cert(store.get(), signer) != 1) {
      return Status::IoError("time-stamp check: " + ossl::DrainErrors());
    }
    X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  }
  // Judge the certificates at the time the TSA signed, not today.
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), when);
  return store;
}

// OpenSSL's check of the signature (and, with a CA, the chain) over the whole response.
Status CheckSignature(TS_RESP* resp, PKCS7* token, ossl::X509StorePtr store,
                      const TimestampCheck& check) {
  ossl::TsVerifyCtxPtr ctx(TS_VERIFY_CTX_new());
  unsigned char* imprint_copy = static_cast<unsigned char*>(OPENSSL_malloc(check.imprint.size()));
  if (!ctx || imprint_copy == nullptr) {
    OPENSSL_free(imprint_copy);
    return Status::IoError("time-stamp check: out of memory");
  }
  std::copy(check.imprint.begin(), check.imprint.end(), imprint_copy);
  // Each setter hands ownership to the context.
  TS_VERIFY_CTX_set_imprint(ctx.get(), imprint_copy, static_cast<long>(check.imprint.size()));
  TS_VERIFY_CTX_set_store(ctx.get(), store.release());
  const STACK_OF(X509)* token_certs = token->d.sign != nullptr ? token->d.sign->cert : nullptr;
  if (token_certs != nullptr) {
    // Intermediate certificates the TSA sent, as untrusted helpers for the chain.
    TS_VERIFY_CTX_set_certs(ctx.get(), X509_chain_up_ref(const_cast<STACK_OF(X509)*>(token_certs)));
  }
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_IMPRINT);
  if (TS_RESP_verify_response(ctx.get(), resp) != 1) {
    std::string why = DrainErrorsWithData();
    std::string what =
        check.ca_pem ? "signature or certificate chain check failed" : "signature check failed";
    return Status::VerificationFailed(what + ": " + why);
  }
  return Status::Ok();
}

}  // namespace

Result<TimestampToken> VerifyTimestampResponse(ByteView der, const TimestampCheck& check) {
  EVIDENCE_ASSIGN_OR_RETURN(ossl::TsRespPtr resp, ParseGrantedResponse(der));
  PKCS7* token = TS_RESP_get_token(resp.get());
  time_t when = 0;
  EVIDENCE_ASSIGN_OR_RETURN(TimestampToken out,
                            ReadTokenInfo(TS_RESP_get_tst_info(resp.get()), check, &when));
  EVIDENCE_RETURN_IF_ERROR(CheckAnswersRequest(out, check));

  X509StackPtr signers(PKCS7_get0_signers(token, nullptr, 0));
  if (!signers || sk_X509_num(signers.get()) != 1) {
    ERR_clear_error();
    return Status::VerificationFailed(
        "signature check failed: the token does not carry the TSA certificate that signed it");
  }
  X509* signer = sk_X509_value(signers.get(), 0);
  out.tsa_name = SubjectOf(signer);
  EVIDENCE_ASSIGN_OR_RETURN(ossl::X509StorePtr store, TrustStore(check, signer, when));
  EVIDENCE_RETURN_IF_ERROR(CheckSignature(resp.get(), token, std::move(store), check));
  out.chain_checked = check.ca_pem.has_value();
  return out;
}

}  // namespace evidence
