// SPDX-License-Identifier: GPL-2.0-or-later
// Record field access: case-insensitive names, parent paths, children, typed Id.
#define BOOST_TEST_MODULE record
#include <boost/test/unit_test.hpp>

#include "pushforce/record.hpp"

using pushforce::Field;
using pushforce::Record;

BOOST_AUTO_TEST_CASE(fields_by_name_and_parent_path) {
  Record package("MetadataPackage");
  package.Set("Name", "Acme Tools");
  Record version("MetadataPackageVersion");
  version.set_id("04t000000000001AAA");
  version.Set("MajorVersion", "2");
  version.AddField(Field{"MetadataPackage", Field::Kind::kParent, {}, {package}, true});
  Record request("PackagePushRequest");
  request.AddField(Field{"PackageVersion", Field::Kind::kParent, {}, {version}, true});
  request.SetNull("ScheduledStartTime");

  BOOST_TEST(request.GetOr("packageversion.metadatapackage.name", "") == "Acme Tools");
  BOOST_TEST(*request.GetInt("PackageVersion.MajorVersion") == 2);
  BOOST_TEST(request.GetOr("PackageVersion.Id", "") == "04t000000000001AAA");
  BOOST_TEST(!request.Get("ScheduledStartTime").has_value());
  BOOST_TEST((request.Find("ScheduledStartTime")->kind == Field::Kind::kNull));
  BOOST_TEST(!request.Get("PackageVersion.Nope").has_value());
  BOOST_TEST(request.Children("PackagePushErrors").empty());
}

BOOST_AUTO_TEST_CASE(set_replaces_and_int_parses_aggregates) {
  Record r("AggregateResult");
  r.Set("expr0", "12");
  r.Set("EXPR0", "13");
  BOOST_TEST(r.fields().size() == 1u);
  BOOST_TEST(*r.GetInt("expr0") == 13);
  r.Set("x", "7.0");
  BOOST_TEST(*r.GetInt("x") == 7);
  r.Set("y", "abc");
  BOOST_TEST(!r.GetInt("y").has_value());
}
