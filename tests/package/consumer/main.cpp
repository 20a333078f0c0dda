// SPDX-License-Identifier: GPL-2.0-or-later
// Uses the installed headers and library: id checksums and SOQL literals.
#include <iostream>

#include "pushforce/ids.hpp"
#include "pushforce/push.hpp"
#include "pushforce/soql.hpp"

int main() {
  auto id = pushforce::To18("00DA0000000YpZ4");
  auto status = pushforce::ParsePushStatus("InProgress");
  if (!id || !status) return 1;
  std::cout << *id << " " << pushforce::soql::Quote("O'Brien") << " "
            << pushforce::PushStatusName(*status) << "\n";
  return 0;
}
