# SPDX-License-Identifier: GPL-2.0-or-later
"""Peer for the query benchmark: python3-zeep reads every PackageSubscriber row of the fake org
through the Partner WSDL (query + queryMore) and prints one JSON line of figures."""
import json
import os
import sys
import time

import zeep

info = json.load(open(sys.argv[1]))
wsdl = sys.argv[2]
# requests lets REQUESTS_CA_BUNDLE override session.verify, so trust the fake org's CA there.
os.environ["REQUESTS_CA_BUNDLE"] = info["ca_file"]
client = zeep.Client(wsdl)
login_service = client.create_service(
    "{urn:partner.soap.sforce.com}SoapBinding", info["login_url"] + "/services/Soap/u/58.0")
result = login_service.login(info["username"], info["password"] + info["security_token"])
service = client.create_service("{urn:partner.soap.sforce.com}SoapBinding", result.serverUrl)
headers = {"SessionHeader": {"sessionId": result.sessionId}, "QueryOptions": {"batchSize": 2000}}


def result_of(response):
    # With a response header (LimitInfoHeader) zeep returns {body, header}.
    body = getattr(response, "body", None)
    return body.result if body is not None else response


start = time.monotonic()
page = result_of(service.query(
    "SELECT OrgKey, OrgName, OrgType, OrgStatus, InstanceName, MetadataPackageVersionId "
    "FROM PackageSubscriber", _soapheaders=headers))
rows = len(page.records or [])
while not page.done:
    page = result_of(service.queryMore(page.queryLocator, _soapheaders=headers))
    rows += len(page.records or [])
print(json.dumps({"mode": "zeep-query", "rows": rows,
                  "wall_ms": (time.monotonic() - start) * 1000.0}))
