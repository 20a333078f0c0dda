// SPDX-License-Identifier: GPL-2.0-or-later
// Seeds the fake org: the packaging org, users, two packages with their versions, and
// subscribers, either generated deterministically from --seed or loaded from --data JSON.
#pragma once

#include <cstdint>
#include <string>

#include "options.hpp"
#include "sim_clock.hpp"
#include "store.hpp"

namespace pushforce::fakeorg {

// Inserts the generated org into an empty store. Same (seed, subscribers) → same records.
void GenerateOrg(Store& store, const ServerOptions& options, EpochMs now);

// Inserts records from a JSON file: {"ObjectName": [{"Field": value, ...}, ...], ...}. Records
// without an Id get one; Organization and User are generated when the file has none.
void LoadDataFile(Store& store, const ServerOptions& options, const std::string& path,
                  EpochMs now);

}  // namespace pushforce::fakeorg
