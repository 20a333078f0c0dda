// SPDX-License-Identifier: GPL-2.0-or-later
// Salesforce record ids for the fake org: 15/18-character forms, checksums, generation.
#include "ids.hpp"

#include <cctype>

namespace pushforce::fakeorg {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool IsAlnum(std::string_view text) {
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string Base62(std::uint64_t value, std::size_t width) {
  std::string out(width, '0');
  for (std::size_t i = width; i-- > 0;) {
    out[i] = kBase62[value % 62];
    value /= 62;
  }
  return out;
}

}  // namespace

std::string IdChecksum(std::string_view id15) {
  // Salesforce's algorithm: per 5-character chunk, bit k is set when character k is an
  // uppercase letter (first character = least significant bit); the value indexes A-Z0-5.
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  std::string out;
  for (int chunk = 0; chunk < 3; ++chunk) {
    int value = 0;
    for (int k = 0; k < 5; ++k) {
      char c = id15[static_cast<std::size_t>(chunk * 5 + k)];
      if (c >= 'A' && c <= 'Z') value |= 1 << k;
    }
    out.push_back(kAlphabet[static_cast<std::size_t>(value)]);
  }
  return out;
}

std::optional<std::string> NormalizeId(std::string_view text) {
  if ((text.size() != 15 && text.size() != 18) || !IsAlnum(text)) return std::nullopt;
  std::string id15(text.substr(0, 15));
  std::string sum = IdChecksum(id15);
  if (text.size() == 18) {
    for (int i = 0; i < 3; ++i) {
      if (std::toupper(static_cast<unsigned char>(text[15 + i])) != sum[i]) return std::nullopt;
    }
  }
  return id15 + sum;
}

std::string MakeId(std::string_view key_prefix, std::uint64_t counter) {
  std::string id15 = std::string(key_prefix) + "0F" + Base62(counter, 10);
  return id15 + IdChecksum(id15);
}

std::string MakeHashedId15(std::string_view key_prefix, std::uint64_t hash) {
  return std::string(key_prefix) + "0" + Base62(hash, 11);
}

}  // namespace pushforce::fakeorg
