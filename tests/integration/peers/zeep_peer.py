#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A second, independent Partner API client (zeep + Salesforce's own WSDL) against the fake org:
# login, a query and a create; prints one JSON object with what it saw.
import argparse
import json
import sys

import zeep
from lxml import etree

SOBJECT_NS = "urn:sobject.partner.soap.sforce.com"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wsdl", required=True)
    parser.add_argument("--login-url", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--version-id", required=True)
    args = parser.parse_args()

    client = zeep.Client(args.wsdl)
    binding = "{urn:partner.soap.sforce.com}SoapBinding"
    login_service = client.create_service(binding, args.login_url + "/services/Soap/u/58.0")
    login = login_service.login(username=args.username, password=args.password)
    service = client.create_service(binding, login.serverUrl)
    headers = {"SessionHeader": {"sessionId": login.sessionId}}

    result = service.query(queryString="SELECT Id, Name, NamespacePrefix FROM MetadataPackage "
                                       "ORDER BY Name", _soapheaders=headers)
    records = []
    for record in result.body.result.records:
        fields = {etree.QName(e).localname: e.text for e in record._value_1}
        records.append({"type": record.type, "Id": record.Id, "fields": fields})

    field = etree.Element("{%s}PackageVersionId" % SOBJECT_NS)
    field.text = args.version_id
    sobject = client.get_type("{%s}sObject" % SOBJECT_NS)(type="PackagePushRequest",
                                                          _value_1=[field])
    created = service.create(sObjects=[sobject], _soapheaders=headers)
    save = created.body.result[0]

    bad = None
    try:
        service.query(queryString="SELECT Nope FROM MetadataPackage", _soapheaders=headers)
    except zeep.exceptions.Fault as fault:
        bad = fault.code

    json.dump({"organizationId": login.userInfo.organizationId,
               "size": result.body.result.size,
               "records": records,
               "create_success": save.success,
               "create_id": save.id,
               "fault_code": bad,
               "limit_info": result.header.LimitInfoHeader is not None if result.header else False},
              sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
