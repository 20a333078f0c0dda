// SPDX-License-Identifier: GPL-2.0-or-later
// Building SOQL safely: every value that reaches a query goes through a literal builder.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pushforce::soql {

// A quoted SOQL string literal: 'O\'Brien'. Escapes \ ' " and control characters
// (\n \r \t \b \f) as SOQL requires.
std::string Quote(std::string_view value);

// ('a','b','c') for IN / NOT IN; values are quoted. Precondition: values is not empty.
std::string QuotedList(const std::vector<std::string>& values);

// An integer literal for version fields; the value is formatted, never spliced as text.
std::string Number(long long value);

}  // namespace pushforce::soql
