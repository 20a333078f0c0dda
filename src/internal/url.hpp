// SPDX-License-Identifier: GPL-2.0-or-later
// Login and SOAP endpoint URLs: validation, the /services/Soap/u/NN.0 path, the instance URL.
#pragma once

#include <string>
#include <string_view>

#include "pushforce/status.hpp"

namespace pushforce::internal {

// "64.0" style: digits, a dot, digits.
bool IsApiVersion(std::string_view version);

// The login() endpoint for a login URL: a bare https://host[:port] gets
// /services/Soap/u/<version>; a URL that already carries /services/Soap/u/NN.0 (WSC's
// authEndpoint, Data Loader) is used as given. http:// is accepted for loopback hosts only
// (the fake org's --plain-http); kInvalidInput otherwise, and for any other path.
Result<std::string> LoginEndpoint(std::string_view login_url, std::string_view api_version);

// The SOAP endpoint for an existing session: https://host[:port] gets
// /services/Soap/u/<version>; a full …/services/Soap/u/NN.0[/orgid] endpoint is kept.
Result<std::string> SessionEndpoint(std::string_view instance_url, std::string_view api_version);

// https://host[:port] of a serverUrl: everything before "/services/" (or the URL itself).
std::string InstanceUrl(std::string_view server_url);

}  // namespace pushforce::internal
