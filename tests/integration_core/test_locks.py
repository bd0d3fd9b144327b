"""Advisory lock keys: one helper for bindings and customer emails."""

from odoo.addons.integration_core.lib.locks import advisory_key


def test_same_name_same_key_and_a_signed_64_bit_integer():
    key = advisory_key(7, "sale.order", "1001")
    assert key == advisory_key("7:sale.order:1001")
    assert -(2**63) <= key < 2**63
    assert key != advisory_key(7, "sale.order", "1002")
