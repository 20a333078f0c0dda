// SPDX-License-Identifier: GPL-2.0-or-later
// Plain option structs for the session layer, with documented defaults and units.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace pushforce {

// Connects through an HTTP(S) proxy with CONNECT; Basic authentication when user is set.
struct ProxyOptions {
  std::string host;  // empty = no proxy
  int port = 0;
  std::string user;
  std::string password;  // never logged
};

struct TransportOptions {
  std::chrono::seconds connect_timeout{30};
  std::chrono::seconds send_timeout{60};
  // Per read; a query over many rows may take long on Salesforce's side (Data Loader: 540 s).
  std::chrono::seconds receive_timeout{540};
  std::int64_t max_response_bytes = 512LL << 20;  // inflated size; larger answers are refused
  std::string ca_file;           // PEM bundle; empty = the system store
  bool verify_peer = true;       // certificate and host name checks; off only for tests
  bool gzip_requests = false;    // Content-Encoding: gzip on requests (responses always may be)
  ProxyOptions proxy;
  // Receives every request and response envelope, with session ids, passwords and tokens
  // already redacted. Empty = no trace. Called from the thread that makes the call.
  std::function<void(std::string_view direction, std::string_view xml)> trace;
};

// One retry loop (STYLE.md §7): bounded exponential backoff with jitter.
struct RetryOptions {
  int max_attempts = 5;  // first try included; 1 = no retry
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
  double multiplier = 2.0;
  bool jitter = true;  // full jitter in [backoff/2, backoff]
};

struct SessionOptions {
  std::string api_version = "64.0";  // login() exists up to 64.0
  int query_batch_size = 2000;       // QueryOptions.batchSize, 200..2000
  std::string client_name;           // CallOptions.client; default "pushforce/<version>"
  // AllOrNoneHeader on create/update/upsert/delete: false = partial success, one outcome per
  // record (Salesforce's default); true = the whole chunk of 200 rolls back on any failure.
  bool all_or_none = false;
  TransportOptions transport;
  RetryOptions retry;
  // Injectable for tests: how the retry loop waits. Default: std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleeper;
};

}  // namespace pushforce
