// SPDX-License-Identifier: GPL-2.0-or-later
// Salesforce record ids for the fake org: 15/18-character forms, checksums, generation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pushforce::fakeorg {

// The three checksum characters that turn a 15-character id into its 18-character form.
std::string IdChecksum(std::string_view id15);

// The canonical 18-character form of a 15- or 18-character id, or nullopt when the text is not
// an id (wrong length, characters outside [A-Za-z0-9], or an 18-character id whose suffix does
// not match its first 15 characters). The 18-character form is case-insensitive in its suffix,
// so "001...IAU" and "001...iau" are the same id.
std::optional<std::string> NormalizeId(std::string_view text);

// A fresh 18-character id: key prefix (3 chars) + "0F" + counter in base 62 (10 chars).
std::string MakeId(std::string_view key_prefix, std::uint64_t counter);

// A 15-character id whose last 10 characters come from a hash, for seeded org keys.
std::string MakeHashedId15(std::string_view key_prefix, std::uint64_t hash);

}  // namespace pushforce::fakeorg
