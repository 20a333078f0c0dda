// SPDX-License-Identifier: GPL-2.0-or-later
// Deterministic hashing for seeded data: the same (seed, key) always gives the same numbers.
#pragma once

#include <cstdint>
#include <string_view>

namespace pushforce::fakeorg {

inline std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A 64-bit hash of (seed, key), stable across platforms and runs.
inline std::uint64_t SeededHash(std::uint64_t seed, std::string_view key) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return SplitMix64(h ^ SplitMix64(seed));
}

// A small deterministic stream of numbers from one hash.
class SeededStream {
 public:
  explicit SeededStream(std::uint64_t state) : state_(state) {}
  std::uint64_t Next() { return state_ = SplitMix64(state_); }
  double Unit() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }  // [0,1)
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }

 private:
  std::uint64_t state_;
};

}  // namespace pushforce::fakeorg
