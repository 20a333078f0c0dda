// SPDX-License-Identifier: GPL-2.0-or-later
// A throwaway test PKI for the fake org: a CA and a server certificate for 127.0.0.1/localhost.
#pragma once

#include <string>

namespace pushforce::fakeorg {

struct TlsFiles {
  std::string ca_file;      // ca.pem: what clients trust
  std::string server_pem;   // server.pem: key + certificate, gSOAP's "keyfile"
};

// Creates DIR/ca.pem and DIR/server.pem with the openssl CLI unless both already exist.
// Throws std::runtime_error when openssl fails.
TlsFiles EnsureTestPki(const std::string& dir);

}  // namespace pushforce::fakeorg
