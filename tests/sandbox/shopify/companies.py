"""B2B: companies, their locations and contacts, payment terms, and the
orders a company's buyer places.

Modelled on shopify.dev (Admin GraphQL 2025-01, "B2B" and the REST Order
resource):

- ``companyCreate(input: {company, companyContact, companyLocation})``,
  ``companyUpdate``, ``companyLocationCreate``, ``companyLocationUpdate``,
  ``companyLocationAssignAddress``, ``companyContactCreate``; refusals are
  ``BusinessCustomerUserError`` (``BLANK``, ``TAKEN``, ``RESOURCE_NOT_FOUND``,
  ``INVALID_INPUT``) with a field path. ``externalId`` is unique per shop
  (``TAKEN``), as on Shopify.
- A location's ``buyerExperienceConfiguration.paymentTermsTemplate``: one of
  ``paymentTermsTemplates`` (Shopify's fixed list: due on receipt, on
  fulfilment, net 7/15/30/45/60/90, fixed date).
- ``company``, ``companies``, ``companyLocation``; a location's ``catalogs``
  (see :mod:`.prices`: ``catalogCreate`` with a company location context).
- Orders: :meth:`CompaniesMixin.create_order` with
  ``company_location_id`` (and ``po_number``) makes a B2B order, the REST
  shape carrying ``company: {id, location_id}``, ``po_number`` and
  ``payment_terms`` (name, type, due_in_days, payment schedule), the
  GraphQL ``Order`` its ``purchasingEntity`` (a ``PurchasingCompany``),
  ``poNumber`` and ``paymentTerms``.
"""

import copy
from datetime import timedelta

from .common import gid, legacy, utc_text

# Shopify's payment terms templates (id, name, type, days).
PAYMENT_TERMS_TEMPLATES = [
    (1, "Due on receipt", "RECEIPT", None),
    (2, "Due on fulfillment", "FULFILLMENT", None),
    (3, "Net 7", "NET", 7),
    (4, "Net 15", "NET", 15),
    (5, "Net 30", "NET", 30),
    (6, "Net 45", "NET", 45),
    (7, "Net 60", "NET", 60),
    (8, "Net 90", "NET", 90),
    (9, "Fixed", "FIXED", None),
]


def _error(code, field, message):
    return {"code": code, "field": [str(part) for part in field], "message": message}


class CompaniesMixin:
    """State: :attr:`companies`, :attr:`company_locations`,
    :attr:`company_contacts` (dicts by id); filled by :meth:`reset_companies`."""

    def reset_companies(self):
        self.companies = {}
        self.company_locations = {}
        self.company_contacts = {}

    def _install_resolvers(self):
        super()._install_resolvers()
        query = self.schema.query_type.fields
        query["company"].resolve = lambda root, info, id: self._v_company_by_id(legacy(id, "Company"))
        query["companies"].resolve = self._resolve_companies
        query["companyLocation"].resolve = lambda root, info, id: self._v_company_location_by_id(
            legacy(id, "CompanyLocation")
        )
        query["paymentTermsTemplates"].resolve = lambda root, info, paymentTermsType=None: [
            self._v_payment_terms_template(row)
            for row in PAYMENT_TERMS_TEMPLATES
            if paymentTermsType in (None, row[2])
        ]
        mutation = self.schema.mutation_type.fields
        mutation["companyCreate"].resolve = self._mutate_company_create
        mutation["companyUpdate"].resolve = self._mutate_company_update
        mutation["companyLocationCreate"].resolve = self._mutate_company_location_create
        mutation["companyLocationUpdate"].resolve = self._mutate_company_location_update
        mutation["companyLocationAssignAddress"].resolve = self._mutate_company_location_assign_address
        mutation["companyContactCreate"].resolve = self._mutate_company_contact_create

    # -- store ---------------------------------------------------------------------

    def add_company(self, name, *, external_id=None, note=None, location=None, contact=None):
        """A company (``location``/``contact``: the inputs of companyCreate,
        snake_case or camelCase alike); returns it."""
        with self._lock:
            company_id = self._next_id()
            stamp = utc_text(self.now())
            self.companies[company_id] = {
                "id": company_id,
                "name": name,
                "external_id": external_id,
                "note": note,
                "created_at": stamp,
                "updated_at": stamp,
                "location_ids": [],
                "contact_ids": [],
                "main_contact_id": None,
            }
            if contact:
                self._add_contact(company_id, contact, main=True)
            if location:
                self._add_company_location(company_id, location)
            return self.companies[company_id]

    def _add_company_location(self, company_id, spec):
        location_id = self._next_id()
        shipping = spec.get("shippingAddress")
        billing = shipping if spec.get("billingSameAsShipping") else spec.get("billingAddress")
        buyer = spec.get("buyerExperienceConfiguration") or {}
        self.company_locations[location_id] = {
            "id": location_id,
            "company_id": company_id,
            "name": spec.get("name") or self.companies[company_id]["name"],
            "external_id": spec.get("externalId"),
            "note": spec.get("note"),
            "phone": spec.get("phone"),
            "shipping_address": self._company_address(shipping),
            "billing_address": self._company_address(billing),
            "payment_terms_template_id": legacy(buyer.get("paymentTermsTemplateId"), "PaymentTermsTemplate"),
            "checkout_to_draft": bool(buyer.get("checkoutToDraft")),
            "catalog_ids": [],
        }
        self.companies[company_id]["location_ids"].append(location_id)
        return self.company_locations[location_id]

    def _company_address(self, spec):
        if not spec:
            return None
        return {"id": self._next_id(), **{key: spec.get(key) for key in spec}}

    def _add_contact(self, company_id, spec, main=False):
        customer = self._customer(
            {
                "email": spec.get("email"),
                "first_name": spec.get("firstName"),
                "last_name": spec.get("lastName"),
                "phone": spec.get("phone"),
            }
        )
        contact_id = self._next_id()
        self.company_contacts[contact_id] = {
            "id": contact_id,
            "company_id": company_id,
            "customer_id": customer["id"],
            "customer_email": customer["email"],
            "title": spec.get("title"),
            "locale": spec.get("locale"),
        }
        company = self.companies[company_id]
        company["contact_ids"].append(contact_id)
        if main or not company["main_contact_id"]:
            company["main_contact_id"] = contact_id
        return self.company_contacts[contact_id]

    def _external_id_taken(self, table, external_id, own_id=None):
        return bool(external_id) and any(
            row.get("external_id") == external_id and row["id"] != own_id for row in table.values()
        )

    def company_by_external_id(self, external_id):
        with self._lock:
            return next((c for c in self.companies.values() if c.get("external_id") == external_id), None)

    # -- views ---------------------------------------------------------------------

    def _v_payment_terms_template(self, row):
        template_id, name, kind, days = row
        description = f"Within {days} days" if days else name
        return {
            "id": gid("PaymentTermsTemplate", template_id),
            "name": name,
            "description": description,
            "dueInDays": days,
            "paymentTermsType": kind,
            "translatedName": name,
        }

    def _template(self, template_id):
        return next((row for row in PAYMENT_TERMS_TEMPLATES if row[0] == template_id), None)

    def _v_company_by_id(self, company_id):
        company = self.companies.get(company_id)
        return self._v_company(company) if company else None

    def _v_company(self, company):
        return {
            "id": gid("Company", company["id"]),
            "name": company["name"],
            "externalId": company.get("external_id"),
            "note": company.get("note"),
            "createdAt": company["created_at"],
            "updatedAt": company["updated_at"],
            "mainContact": lambda info, **_: self._v_company_contact_by_id(company.get("main_contact_id")),
            "contacts": lambda info, **args: self._list_connection(
                [self.company_contacts[i] for i in company["contact_ids"]], args, self._v_company_contact
            ),
            "locations": lambda info, query=None, **args: self._list_connection(
                [self.company_locations[i] for i in company["location_ids"]], args, self._v_company_location
            ),
        }

    def _v_company_contact_by_id(self, contact_id):
        contact = self.company_contacts.get(contact_id)
        return self._v_company_contact(contact) if contact else None

    def _v_company_contact(self, contact):
        company = self.companies[contact["company_id"]]
        return {
            "id": gid("CompanyContact", contact["id"]),
            "customer": self._v_customer(self.customers.get(contact["customer_email"])),
            "company": lambda info, **_: self._v_company(company),
            "isMainContact": company.get("main_contact_id") == contact["id"],
            "title": contact.get("title"),
            "locale": contact.get("locale"),
        }

    def _v_company_location_by_id(self, location_id):
        location = self.company_locations.get(location_id)
        return self._v_company_location(location) if location else None

    def _v_company_address(self, address, company):
        if not address:
            return None
        return {
            "id": gid("CompanyAddress", address["id"]),
            "address1": address.get("address1"),
            "address2": address.get("address2"),
            "city": address.get("city"),
            "zip": address.get("zip"),
            "recipient": address.get("recipient"),
            "firstName": address.get("firstName"),
            "lastName": address.get("lastName"),
            "phone": address.get("phone"),
            "zoneCode": address.get("zoneCode"),
            "countryCode": address.get("countryCode") or "DE",
            "companyName": company["name"],
        }

    def _v_company_location(self, location):
        company = self.companies[location["company_id"]]
        template = self._template(location.get("payment_terms_template_id"))
        return {
            "id": gid("CompanyLocation", location["id"]),
            "name": location["name"],
            "externalId": location.get("external_id"),
            "note": location.get("note"),
            "phone": location.get("phone"),
            "company": lambda info, **_: self._v_company(company),
            "billingAddress": self._v_company_address(location.get("billing_address"), company),
            "shippingAddress": self._v_company_address(location.get("shipping_address"), company),
            "buyerExperienceConfiguration": {
                "checkoutToDraft": location.get("checkout_to_draft", False),
                "editableShippingAddress": False,
                "payNowOnly": template is None,
                "paymentTermsTemplate": self._v_payment_terms_template(template) if template else None,
            },
            "catalogs": lambda info, **args: self._list_connection(
                [self.catalogs[i] for i in location["catalog_ids"] if i in self.catalogs],
                args,
                self._v_catalog,
            ),
        }

    def _resolve_companies(self, root, info, query=None, **args):
        matches = self._search(
            query,
            {
                "external_id": lambda c: c.get("external_id"),
                "name": lambda c: c.get("name"),
                "id": lambda c: c["id"],
            },
        )
        entries = [((c["id"],), c) for c in self.companies.values() if matches(c)]
        return self._connection(entries, args, self._v_company)

    # -- mutations -------------------------------------------------------------------

    def _check_location_input(self, spec, field):
        errors = []
        buyer = spec.get("buyerExperienceConfiguration") or {}
        template_gid = buyer.get("paymentTermsTemplateId")
        if template_gid and self._template(legacy(template_gid, "PaymentTermsTemplate")) is None:
            errors.append(
                _error(
                    "RESOURCE_NOT_FOUND",
                    field + ["buyerExperienceConfiguration", "paymentTermsTemplateId"],
                    "Payment terms template not found.",
                )
            )
        if self._external_id_taken(self.company_locations, spec.get("externalId"), spec.get("_own_id")):
            errors.append(_error("TAKEN", field + ["externalId"], "External Id has already been taken"))
        return errors

    def _mutate_company_create(self, root, info, input):
        company_spec = input["company"]
        errors = []
        if not (company_spec.get("name") or "").strip():
            errors.append(_error("BLANK", ["input", "company", "name"], "Name can't be blank"))
        if self._external_id_taken(self.companies, company_spec.get("externalId")):
            errors.append(
                _error("TAKEN", ["input", "company", "externalId"], "External Id has already been taken")
            )
        if input.get("companyLocation"):
            errors += self._check_location_input(input["companyLocation"], ["input", "companyLocation"])
        if errors:
            return {"company": None, "userErrors": errors}
        company = self.add_company(
            company_spec["name"],
            external_id=company_spec.get("externalId"),
            note=company_spec.get("note"),
            location=input.get("companyLocation") or {"name": company_spec["name"]},
            contact=input.get("companyContact"),
        )
        return {"company": self._v_company(company), "userErrors": []}

    def _mutate_company_update(self, root, info, companyId, input):
        company = self.companies.get(legacy(companyId, "Company"))
        if company is None:
            return {
                "company": None,
                "userErrors": [_error("RESOURCE_NOT_FOUND", ["companyId"], "Company not found.")],
            }
        if self._external_id_taken(self.companies, input.get("externalId"), company["id"]):
            return {
                "company": None,
                "userErrors": [
                    _error("TAKEN", ["input", "externalId"], "External Id has already been taken")
                ],
            }
        for key, field in (("name", "name"), ("externalId", "external_id"), ("note", "note")):
            if key in input:
                company[field] = input[key]
        company["updated_at"] = utc_text(self.now())
        return {"company": self._v_company(company), "userErrors": []}

    def _mutate_company_location_create(self, root, info, companyId, input):
        company = self.companies.get(legacy(companyId, "Company"))
        if company is None:
            return {
                "companyLocation": None,
                "userErrors": [_error("RESOURCE_NOT_FOUND", ["companyId"], "Company not found.")],
            }
        errors = self._check_location_input(input, ["input"])
        if errors:
            return {"companyLocation": None, "userErrors": errors}
        location = self._add_company_location(company["id"], input)
        return {"companyLocation": self._v_company_location(location), "userErrors": []}

    def _mutate_company_location_update(self, root, info, companyLocationId, input):
        location = self.company_locations.get(legacy(companyLocationId, "CompanyLocation"))
        if location is None:
            return {
                "companyLocation": None,
                "userErrors": [
                    _error("RESOURCE_NOT_FOUND", ["companyLocationId"], "Company location not found.")
                ],
            }
        errors = self._check_location_input(dict(input, _own_id=location["id"]), ["input"])
        if errors:
            return {"companyLocation": None, "userErrors": errors}
        for key, field in (
            ("name", "name"),
            ("externalId", "external_id"),
            ("note", "note"),
            ("phone", "phone"),
        ):
            if key in input:
                location[field] = input[key]
        buyer = input.get("buyerExperienceConfiguration")
        if buyer is not None:
            location["payment_terms_template_id"] = legacy(
                buyer.get("paymentTermsTemplateId"), "PaymentTermsTemplate"
            )
            location["checkout_to_draft"] = bool(buyer.get("checkoutToDraft"))
        return {"companyLocation": self._v_company_location(location), "userErrors": []}

    def _mutate_company_location_assign_address(self, root, info, locationId, address, addressTypes):
        location = self.company_locations.get(legacy(locationId, "CompanyLocation"))
        if location is None:
            return {
                "addresses": None,
                "userErrors": [_error("RESOURCE_NOT_FOUND", ["locationId"], "Company location not found.")],
            }
        company = self.companies[location["company_id"]]
        stored = self._company_address(address)
        for kind in addressTypes:
            location["billing_address" if kind == "BILLING" else "shipping_address"] = stored
        return {"addresses": [self._v_company_address(stored, company)], "userErrors": []}

    def _mutate_company_contact_create(self, root, info, companyId, input):
        company = self.companies.get(legacy(companyId, "Company"))
        if company is None:
            return {
                "companyContact": None,
                "userErrors": [_error("RESOURCE_NOT_FOUND", ["companyId"], "Company not found.")],
            }
        email = (input.get("email") or "").strip().lower()
        if not email:
            return {
                "companyContact": None,
                "userErrors": [_error("BLANK", ["input", "email"], "Email can't be blank")],
            }
        if any(self.company_contacts[i]["customer_email"] == email for i in company["contact_ids"]):
            return {
                "companyContact": None,
                "userErrors": [_error("TAKEN", ["input", "email"], "Email has already been taken")],
            }
        contact = self._add_contact(company["id"], dict(input, email=email))
        return {"companyContact": self._v_company_contact(contact), "userErrors": []}

    # -- B2B orders ----------------------------------------------------------------

    def _build_order(self, spec):
        """An order of a company location's buyer when the spec names
        ``company_location_id``: the buyer is the company's main contact
        unless ``customer`` says otherwise; ``po_number``; the location's
        payment terms with one payment schedule."""
        location = self.company_locations.get(spec.get("company_location_id"))
        if location is not None and not spec.get("customer"):
            company = self.companies[location["company_id"]]
            contact = self.company_contacts.get(company.get("main_contact_id"))
            if contact:
                customer = self.customers[contact["customer_email"]]
                spec = dict(
                    spec,
                    customer={
                        "email": customer["email"],
                        "first_name": customer["first_name"],
                        "last_name": customer["last_name"],
                    },
                )
        if location is not None:
            # the location's addresses, unless the spec names others
            for key, stored in (
                ("shipping_address", location.get("shipping_address")),
                ("billing_address", location.get("billing_address")),
            ):
                if stored and key not in spec:
                    spec = dict(spec, **{key: self._order_address(stored, location)})
        order = super()._build_order(spec)
        if location is None:
            return order
        order["company"] = {"id": location["company_id"], "location_id": location["id"]}
        order["po_number"] = spec.get("po_number")
        template = self._template(location.get("payment_terms_template_id"))
        if template:
            template_id, name, kind, days = template
            issued = order["created_at"]
            due = (self.now() + timedelta(days=days)) if days else None
            order["payment_terms"] = {
                "id": self._next_id(),
                "payment_terms_name": name,
                "payment_terms_type": kind.lower(),
                "due_in_days": days,
                "payment_schedules": [
                    {
                        "amount": order["total_price"],
                        "currency": order["currency"],
                        "issued_at": issued,
                        "due_at": self._rest_time(due) if due else None,
                        "completed_at": None,
                        "expected_payment_method": "",
                    }
                ],
            }
            order["financial_status"] = "pending"
        return order

    def _order_address(self, stored, location):
        """A company address as an order's address spec (REST keys)."""
        company = self.companies[location["company_id"]]
        return {
            "first_name": stored.get("firstName") or "",
            "last_name": stored.get("lastName") or stored.get("recipient") or location["name"],
            "company": company["name"],
            "address1": stored.get("address1") or "",
            "address2": stored.get("address2") or "",
            "city": stored.get("city") or "",
            "zip": stored.get("zip") or "",
            "province_code": stored.get("zoneCode"),
            "country_code": stored.get("countryCode") or "DE",
            "country": stored.get("countryCode") or "DE",
            "phone": stored.get("phone"),
        }

    def _v_order(self, order):
        view = super()._v_order(order)
        view["poNumber"] = order.get("po_number")
        terms = order.get("payment_terms")
        view["paymentTerms"] = (
            {
                "id": gid("PaymentTerms", terms["id"]),
                "dueInDays": terms.get("due_in_days"),
                "overdue": False,
                "paymentTermsName": terms["payment_terms_name"],
                "paymentTermsType": terms["payment_terms_type"].upper(),
                "translatedName": terms["payment_terms_name"],
                "paymentSchedules": lambda info, **args: self._list_connection(
                    [
                        dict(s, id=terms["id"] * 10 + i)
                        for i, s in enumerate(terms.get("payment_schedules") or [])
                    ],
                    args,
                    lambda s: {
                        "id": gid("PaymentSchedule", s["id"]),
                        "issuedAt": utc_text(s.get("issued_at")),
                        "dueAt": utc_text(s.get("due_at")),
                        "completedAt": utc_text(s.get("completed_at")),
                    },
                ),
            }
            if terms
            else None
        )
        company_ref = order.get("company")
        if company_ref and company_ref.get("location_id") in self.company_locations:
            company = self.companies[company_ref["id"]]
            location = self.company_locations[company_ref["location_id"]]
            contact = next(
                (
                    self.company_contacts[i]
                    for i in company["contact_ids"]
                    if self.company_contacts[i]["customer_email"]
                    == (order.get("customer") or {}).get("email")
                ),
                None,
            )
            view["purchasingEntity"] = {
                "__typename": "PurchasingCompany",
                "company": self._v_company(company),
                "contact": self._v_company_contact(contact) if contact else None,
                "location": self._v_company_location(location),
            }
        else:
            customer = view.get("customer")
            view["purchasingEntity"] = dict(customer, __typename="Customer") if customer else None
        return view

    def companies_state(self):
        with self._lock:
            return copy.deepcopy(
                {
                    "companies": self.companies,
                    "locations": self.company_locations,
                    "contacts": self.company_contacts,
                }
            )
