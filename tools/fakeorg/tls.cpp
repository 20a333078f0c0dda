// SPDX-License-Identifier: GPL-2.0-or-later
// A throwaway test PKI for the fake org, made with the openssl command-line tool.
#include "tls.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace pushforce::fakeorg {
namespace {

void RunOpenssl(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string program = "openssl";
    argv.push_back(program.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    // openssl chats on stderr; keep the fake org's own output clean.
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    execvp("openssl", argv.data());
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("openssl " + args.at(0) + " failed");
  }
}

}  // namespace

TlsFiles EnsureTestPki(const std::string& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  TlsFiles files{(fs::path(dir) / "ca.pem").string(), (fs::path(dir) / "server.pem").string()};
  if (fs::exists(files.ca_file) && fs::exists(files.server_pem)) return files;
  std::string d = dir + "/";
  RunOpenssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", d + "ca.key", "-out",
              d + "ca.tmp", "-days", "30", "-subj", "/CN=pushforce-fakeorg test CA", "-addext",
              "basicConstraints=critical,CA:TRUE", "-addext",
              "keyUsage=critical,keyCertSign,cRLSign"});
  RunOpenssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", d + "server.key", "-out",
              d + "server.csr", "-subj", "/CN=localhost"});
  {
    std::ofstream ext(d + "server.ext");
    ext << "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
           "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n";
  }
  RunOpenssl({"x509", "-req", "-in", d + "server.csr", "-CA", d + "ca.tmp", "-CAkey",
              d + "ca.key", "-CAcreateserial", "-out", d + "server.crt", "-days", "30",
              "-extfile", d + "server.ext"});
  {
    std::ofstream pem(d + "server.pem.tmp");
    std::ifstream key(d + "server.key"), crt(d + "server.crt");
    pem << key.rdbuf() << crt.rdbuf();
  }
  // Publish atomically, CA last, so a concurrent reader never sees half a PKI.
  fs::rename(d + "server.pem.tmp", files.server_pem);
  fs::rename(d + "ca.tmp", files.ca_file);
  return files;
}

}  // namespace pushforce::fakeorg
