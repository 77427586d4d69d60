// A Time-Stamping Authority on this machine, made of the `openssl` command: a test root CA, a TSA
// certificate issued by it with the critical timeStamping extended key usage that RFC 3161 section
// 2.3 requires, and an `openssl ts -reply` configuration. Every file lives in a TempDir.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing.hpp"

namespace evidence::testing {

class LocalTsa {
 public:
  // `name` goes into the certificates' subjects, so that two TSAs (two CAs) differ.
  explicit LocalTsa(const std::string& name = "Test") {
    const fs::path d = dir_.path();
    WriteFile(d / "tsaserial", "01\n");
    WriteFile(d / "openssl.cnf",
              "[ req ]\n"
              "distinguished_name = dn\n"
              "prompt = no\n"
              "[ dn ]\n"
              "CN = unused\n"
              "[ v3_ca ]\n"
              "basicConstraints = critical, CA:true\n"
              "keyUsage = critical, keyCertSign, cRLSign\n"
              "subjectKeyIdentifier = hash\n"
              "[ v3_tsa ]\n"
              "basicConstraints = critical, CA:false\n"
              "keyUsage = critical, digitalSignature, nonRepudiation\n"
              "extendedKeyUsage = critical, timeStamping\n"
              "subjectKeyIdentifier = hash\n"
              "authorityKeyIdentifier = keyid\n"
              "[ tsa ]\n"
              "default_tsa = tsa_config\n"
              "[ tsa_config ]\n"
              "dir = " +
                  d.string() +
                  "\n"
                  "serial = $dir/tsaserial\n"
                  "crypto_device = builtin\n"
                  "signer_cert = $dir/tsa.pem\n"
                  "certs = $dir/tsa.pem\n"
                  "signer_key = $dir/tsa.key\n"
                  "signer_digest = sha256\n"
                  "default_policy = 1.3.6.1.4.1.4146.2.3\n"
                  "other_policies = 1.2.3.4.5\n"
                  "digests = sha256, sha384, sha512\n"
                  "accuracy = secs:1\n"
                  "ordering = yes\n"
                  "tsa_name = yes\n"
                  "ess_cert_id_chain = no\n"
                  "ess_cert_id_alg = sha256\n");
    Openssl({"req",
             "-x509",
             "-new",
             "-newkey",
             "ec",
             "-pkeyopt",
             "ec_paramgen_curve:prime256v1",
             "-nodes",
             "-keyout",
             Path("ca.key"),
             "-out",
             Path("ca.pem"),
             "-days",
             "3650",
             "-subj",
             "/O=libevidence tests/CN=" + name + " Root CA",
             "-config",
             Path("openssl.cnf"),
             "-extensions",
             "v3_ca"});
    Openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", Path("tsa.key"), "-out", Path("tsa.csr"), "-subj",
             "/O=libevidence tests/CN=" + name + " TSA", "-config", Path("openssl.cnf")});
    Openssl({"x509", "-req", "-in", Path("tsa.csr"), "-CA", Path("ca.pem"), "-CAkey",
             Path("ca.key"), "-set_serial", "2", "-days", "3650", "-extfile", Path("openssl.cnf"),
             "-extensions", "v3_tsa", "-out", Path("tsa.pem")});
  }

  fs::path ca_pem() const { return dir_.path() / "ca.pem"; }
  fs::path tsa_pem() const { return dir_.path() / "tsa.pem"; }

  // `openssl ts -reply`: the TSA's answer to the request in `query`, written to `out`.
  void Reply(const fs::path& query, const fs::path& out) const {
    Openssl({"ts", "-reply", "-queryfile", query.string(), "-config", Path("openssl.cnf"),
             "-section", "tsa_config", "-out", out.string()});
  }

  // `openssl ts -query` over a digest (hex), with a nonce and certReq, like any client makes.
  void Query(const std::string& sha256_hex, const fs::path& out,
             const std::string& digest_option = "-sha256") const {
    Openssl({"ts", "-query", "-digest", sha256_hex, digest_option, "-cert", "-out", out.string()});
  }

  static void Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    RunResult r = RunProgram(args);
    ASSERT_EQ(r.exit_code, 0) << "openssl " << args[1] << ": " << r.err << r.out;
  }

 private:
  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }
  TempDir dir_;
};

}  // namespace evidence::testing
