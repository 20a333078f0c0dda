// SPDX-License-Identifier: GPL-2.0-or-later
// Test environment helpers.
#include "support/test_env.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace pushforce::test {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::optional<std::filesystem::path> ReferenceDir() {
  std::string dir = Env("PUSHFORCE_REFERENCE_DIR");
  if (dir.empty() || !std::filesystem::is_directory(dir)) return std::nullopt;
  return std::filesystem::path(dir);
}

std::filesystem::path SourceDir() {
  std::string dir = Env("PUSHFORCE_SOURCE_DIR");
  return dir.empty() ? std::filesystem::current_path() : std::filesystem::path(dir);
}

std::filesystem::path ScratchDir(const std::string& name) {
  std::string base = Env("PUSHFORCE_BINARY_DIR");
  std::filesystem::path root = base.empty() ? std::filesystem::temp_directory_path()
                                            : std::filesystem::path(base) / "test-scratch";
  std::filesystem::path dir = root / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

boost::test_tools::assertion_result NeedsReference::operator()(
    boost::unit_test::test_unit_id) const {
  if (ReferenceDir()) return true;
  std::cout << "skipped: ../shared/reference is absent" << std::endl;
  boost::test_tools::assertion_result result(false);
  result.message() << "skipped: ../shared/reference is absent";
  return result;
}

}  // namespace pushforce::test
