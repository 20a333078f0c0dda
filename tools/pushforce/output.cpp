// SPDX-License-Identifier: GPL-2.0-or-later
// Output of the CLI: aligned tables, optional colour, the sf-style JSON envelope, exit codes.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include <pugixml.hpp>

#include "cli.hpp"

namespace pushforce::cli {
namespace {

// Display width: UTF-8 code points (good enough for names; no East Asian width table).
std::size_t Width(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

void PrintJson(const Json& json) {
  std::cout << json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

}  // namespace

int ExitCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return 0;
    case ErrorCode::kInvalidInput:
    case ErrorCode::kNotFound: return 2;
    case ErrorCode::kAuthentication: return 3;
    case ErrorCode::kTimeout: return 5;
    case ErrorCode::kApiFault:
    case ErrorCode::kTransport:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kBudgetExceeded:
    case ErrorCode::kInternal: return 4;
  }
  return 4;
}

Output::Output(const GlobalOptions& options)
    : json_(options.json), quiet_(options.quiet), verbose_(options.verbose) {
  stdout_tty_ = ::isatty(STDOUT_FILENO) == 1;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  color_ = stdout_tty_ && (no_color == nullptr || *no_color == '\0') &&
           !(term != nullptr && std::string(term) == "dumb");
}

void Output::Warn(const std::string& message) {
  warnings_.push_back(message);
  if (!json_) std::cerr << "pushforce: warning: " << message << "\n";
}

void Output::Line(const std::string& text) {
  if (!json_ && !quiet_) std::cout << text << "\n";
}

void Output::Verbose(const std::string& text) {
  if (verbose_ > 0) std::cerr << "pushforce: " << text << "\n";
}

std::string Output::Bold(const std::string& text) const { return Colored(text, 1); }

std::string Output::Colored(const std::string& text, int ansi) const {
  if (!color_) return text;
  return "\x1b[" + std::to_string(ansi) + "m" + text + "\x1b[0m";
}

void Output::Table(const std::vector<std::string>& headers,
                   const std::vector<std::vector<std::string>>& rows) {
  if (json_ || quiet_) return;
  std::vector<std::size_t> widths(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) widths[c] = Width(headers[c]);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], Width(row[c]));
    }
  }
  auto print = [&](const std::vector<std::string>& row, bool header) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::string cell = row[c];
      // One physical line per row: newlines inside a value are shown as a space.
      std::replace(cell.begin(), cell.end(), '\n', ' ');
      std::replace(cell.begin(), cell.end(), '\r', ' ');
      bool last = c + 1 == row.size();
      std::string padded = cell + (last ? "" : std::string(widths[c] - Width(cell) + 2, ' '));
      line += header ? Bold(padded) : padded;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  };
  print(headers, true);
  for (const auto& row : rows) print(row, false);
}

int Output::Finish(const Json& result, int exit_code) {
  if (json_) {
    Json envelope{{"status", exit_code}, {"result", result}, {"warnings", warnings_}};
    PrintJson(envelope);
  }
  std::cout.flush();
  return exit_code;
}

int Output::Fail(const Status& status) {
  std::string name = ErrorCodeName(status.code());
  std::string message = status.message();
  if (!status.salesforce_code().empty() && message.find(status.salesforce_code()) == std::string::npos) {
    message = status.salesforce_code() + ": " + message;
  }
  return Fail(ExitCodeFor(status.code()), name, message);
}

int Output::Fail(int exit_code, const std::string& name, const std::string& message) {
  if (json_) {
    PrintJson(Json{{"status", exit_code}, {"name", name}, {"message", message},
                   {"warnings", warnings_}});
  } else {
    std::cerr << "pushforce: error: " << message << "\n";
  }
  std::cout.flush();
  return exit_code;
}

std::string PrettyXml(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_declaration)) {
    return std::string(xml);
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace pushforce::cli
