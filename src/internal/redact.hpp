// SPDX-License-Identifier: GPL-2.0-or-later
// Removes secrets (session ids, passwords, tokens, proxy credentials) from traced messages.
#pragma once

#include <string>
#include <string_view>

namespace pushforce::internal {

inline constexpr std::string_view kRedacted = "[redacted]";

// Replaces the text of every <sessionId> and <password> element (any prefix) with
// "[redacted]", and the value of Authorization / Proxy-Authorization HTTP header lines.
// Works on partial or malformed text too: an unterminated secret element is cut at its start.
std::string RedactSecrets(std::string_view message);

}  // namespace pushforce::internal
