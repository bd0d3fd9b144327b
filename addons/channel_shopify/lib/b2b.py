"""B2B companies, the plain part: an Odoo company partner (as a plain
snapshot dict) -> Shopify's company, location and contact inputs, the
payment terms template for net-N days, and what changed since the last push.

The snapshot the exporter builds (models/shopify_b2b_exporter.py)::

    {"id": 7, "name": "Wholesale Desks Inc.", "ref": "C-0042", "comment": "...",
     "payment_days": 30,                      # None: no net terms (pay at checkout)
     "addresses": [{"id": 7, "name": "Oakland depot", "street": "1 Broadway",
                    "street2": None, "city": "Oakland", "zip": "94607",
                    "state_code": "CA", "country_code": "US", "phone": None}],
     "contacts": [{"id": 9, "name": "Grace Hopper", "email": "grace@...",
                   "phone": None, "function": "Purchasing"}]}

Addresses are the partner's delivery addresses (the partner itself when it
has none): each becomes a company location, keyed by ``externalId``
``odoo-partner-<id>``. Contacts are its child contacts with an email (a
Shopify contact is a customer, found by email).
"""

import hashlib
import json

from odoo.addons.integration_core.lib.exceptions import MappingError

from .client import connection_nodes

LOCATION_EXTERNAL_PREFIX = "odoo-partner-"


def location_external_id(address):
    return f"{LOCATION_EXTERNAL_PREFIX}{address['id']}"


def split_name(name):
    """``"Grace Brewster Hopper"`` -> ``("Grace Brewster", "Hopper")``."""
    parts = (name or "").strip().rsplit(" ", 1)
    if len(parts) == 1:
        return None, parts[0] or None
    return parts[0], parts[1]


def payment_terms_template(templates, days):
    """The id of Shopify's template for ``days`` (``paymentTermsTemplates``
    nodes): ``NET`` with that ``dueInDays``; 0 days is due on receipt; None
    (no terms) is None. MappingError when Shopify has no such template
    (it offers net 7, 15, 30, 45, 60 and 90)."""
    if days is None:
        return None
    if days == 0:
        wanted = [t for t in templates if t.get("paymentTermsType") == "RECEIPT"]
    else:
        wanted = [t for t in templates if t.get("paymentTermsType") == "NET" and t.get("dueInDays") == days]
    if not wanted:
        offered = sorted(t["dueInDays"] for t in templates if t.get("paymentTermsType") == "NET")
        raise MappingError(
            template="Shopify has no payment terms of net %(days)s days (it offers net %(offered)s).",
            params={"days": days, "offered": ", ".join(map(str, offered))},
            code="shopify.payment_terms_unknown",
        )
    return wanted[0]["id"]


def company_input(snapshot):
    """``CompanyInput``: name, externalId (the partner's reference, else its id), note."""
    return {
        "name": snapshot["name"],
        "externalId": snapshot.get("ref") or f"odoo-{snapshot['id']}",
        "note": snapshot.get("comment") or None,
    }


def address_input(address, company_name):
    """``CompanyAddressInput`` of one Odoo address."""
    return {
        "address1": address.get("street") or None,
        "address2": address.get("street2") or None,
        "city": address.get("city") or None,
        "zip": address.get("zip") or None,
        "recipient": address.get("name") or company_name,
        "phone": address.get("phone") or None,
        "zoneCode": address.get("state_code") or None,
        "countryCode": address.get("country_code") or None,
    }


def buyer_experience(template_id):
    """``BuyerExperienceConfigurationInput``: net terms when given (orders
    then go to draft for review, as Shopify does for terms buyers)."""
    return {"paymentTermsTemplateId": template_id, "checkoutToDraft": bool(template_id)}


def location_input(address, snapshot, template_id):
    """``CompanyLocationInput`` of one address: its name, external id,
    shipping address (billing the same) and payment terms."""
    return {
        "name": address.get("name") or snapshot["name"],
        "externalId": location_external_id(address),
        "phone": address.get("phone") or None,
        "shippingAddress": address_input(address, snapshot["name"]),
        "billingSameAsShipping": True,
        "buyerExperienceConfiguration": buyer_experience(template_id),
    }


def contact_input(contact):
    """``CompanyContactInput`` of a child contact (e-mail lower-cased: Shopify finds customers by it)."""
    first, last = split_name(contact.get("name"))
    return {
        "firstName": first,
        "lastName": last,
        "email": (contact.get("email") or "").strip().lower() or None,
        "phone": contact.get("phone") or None,
        "title": contact.get("function") or None,
    }


def snapshot_hash(snapshot, price_list=None):
    """What a company looks like in Odoo (its snapshot and its price list):
    pushed again only when this changes."""
    text = json.dumps([snapshot, price_list], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan(snapshot, remote, templates):
    """What to do to bring Shopify's company ``remote`` (a ``Company`` node,
    or None when it does not exist yet) in step with ``snapshot``.

    Returns ``{"create": CompanyCreateInput | None, "update": CompanyInput |
    None, "locations_create": [CompanyLocationInput], "locations_update":
    [(location id, CompanyLocationUpdateInput, CompanyAddressInput)],
    "contacts_create": [CompanyContactInput]}``. The first address and the
    first contact go with the company when it is created."""
    template_id = payment_terms_template(templates, snapshot.get("payment_days"))
    addresses = snapshot.get("addresses") or []
    contacts = [c for c in snapshot.get("contacts") or [] if (c.get("email") or "").strip()]
    result = {
        "create": None,
        "update": None,
        "locations_create": [],
        "locations_update": [],
        "contacts_create": [],
    }
    if remote is None:
        create = {"company": company_input(snapshot)}
        if addresses:
            create["companyLocation"] = location_input(addresses[0], snapshot, template_id)
        if contacts:
            create["companyContact"] = contact_input(contacts[0])
        result["create"] = create
        result["locations_create"] = [location_input(a, snapshot, template_id) for a in addresses[1:]]
        result["contacts_create"] = [contact_input(c) for c in contacts[1:]]
        return result
    result["update"] = company_input(snapshot)
    known_locations = {loc.get("externalId"): loc for loc in connection_nodes(remote.get("locations"))}
    for address in addresses:
        location = known_locations.get(location_external_id(address))
        if location is None:
            result["locations_create"].append(location_input(address, snapshot, template_id))
            continue
        update = {
            "name": address.get("name") or snapshot["name"],
            "phone": address.get("phone") or None,
            "buyerExperienceConfiguration": buyer_experience(template_id),
        }
        result["locations_update"].append((location["id"], update, address_input(address, snapshot["name"])))
    known_emails = {
        ((contact.get("customer") or {}).get("email") or "").lower()
        for contact in connection_nodes(remote.get("contacts"))
    }
    for contact in contacts:
        values = contact_input(contact)
        if values["email"] not in known_emails:
            result["contacts_create"].append(values)
    return result
