// SPDX-License-Identifier: GPL-2.0-or-later
// Where tests find the reference folder, the fake org binary and scratch space.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <boost/test/unit_test.hpp>

namespace pushforce::test {

// ../shared/reference beside the checkout, when it exists.
std::optional<std::filesystem::path> ReferenceDir();
// The source tree (for wsdl/ and test data).
std::filesystem::path SourceDir();
// An environment variable's value, or "".
std::string Env(const char* name);
// A fresh, empty scratch directory under the build tree, removed by the OS later.
std::filesystem::path ScratchDir(const std::string& name);
// Reads a whole file; fails the test if it cannot.
std::string ReadFile(const std::filesystem::path& path);

// Boost.Test precondition: the test is reported as skipped, with the reason printed,
// when ../shared/reference is absent.
struct NeedsReference {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const;
};

}  // namespace pushforce::test
