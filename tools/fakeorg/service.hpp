// SPDX-License-Identifier: GPL-2.0-or-later
// The gSOAP adapter: decodes Partner API requests with the generated service class and hands
// them to the Org; answers are written as raw Salesforce-shaped envelopes.
#pragma once

struct soap;

namespace pushforce::fakeorg {

class Org;

// Serves one accepted connection (keep-alive loop) and returns when the client closes it.
// `soap` is the per-connection copy; the caller frees it.
void ServeConnection(struct soap* soap, Org& org, int latency_ms);

}  // namespace pushforce::fakeorg
