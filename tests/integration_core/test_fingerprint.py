"""Root-cause fingerprints: one cause whatever the values."""

import json
import pickle
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.addons.integration_core.lib import exceptions as exc
from odoo.addons.integration_core.lib import fingerprint as fp

SETTINGS = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
TAX = "Unmapped tax '%(title)s' at %(rate)s%% (%(incl)s): add a tax mapping, then replay."


@pytest.mark.parametrize(
    "message,template,variables",
    [
        (
            "Unmapped tax 'State Tax' at 6.0% (taxes excluded)",
            "Unmapped tax '{str}' at {num}% (taxes excluded)",
            ["State Tax", "6.0"],
        ),
        (
            'The currency "EUR" is not active',
            'The currency "{str}" is not active',
            ["EUR"],
        ),
        (
            "Another import was creating the customer ada.l+1@example.co.uk at the same time",
            "Another import was creating the customer {email} at the same time",
            ["ada.l+1@example.co.uk"],
        ),
        (
            "Order #1001: Odoo computes a total of 148.00 but the channel says -150,25.",
            "Order #{num}: Odoo computes a total of {num} but the channel says {num}.",
            ["1001", "148.00", "-150,25"],
        ),
        (
            "Bulk 3f2a9c1e-1111-2222-3333-444455556666 created 2024-05-01T10:00:00+00:00, done 2024-05-02",
            "Bulk {uuid} created {date}, done {date}",
            ["3f2a9c1e-1111-2222-3333-444455556666", "2024-05-01T10:00:00+00:00", "2024-05-02"],
        ),
        (
            "The remote system refused the request (HTTP 422) on POST https://x.example/a/55.json: nope",
            "The remote system refused the request (HTTP 422) on POST {url}: nope",
            ["https://x.example/a/55.json"],
        ),
        (
            "Unknown product(s) SKU123, ABC-9: no binding matches token deadbeef12345678",
            "Unknown product(s) {id}, ABC-{num}: no binding matches token {hex}",
            ["SKU123", "9", "deadbeef12345678"],
        ),
        # words that look like versions or formats stay: they are part of the cause
        ("Invalid canonical order.v1 in X12 v2", "Invalid canonical order.v1 in X12 v2", []),
        ("  many   spaces\nand lines ", "many spaces and lines", []),
    ],
)
def test_normalise_table(message, template, variables):
    assert fp.normalise(message) == (template, variables)


def test_http_status_stays_in_the_cause():
    a = fp.compute("The remote system failed (HTTP 503) on GET https://a/1")
    b = fp.compute("The remote system failed (HTTP 503) on GET https://b/2")
    c = fp.compute("The remote system failed (HTTP 502) on GET https://a/1")
    assert a.digest == b.digest != c.digest


def test_template_gives_the_cause_and_the_named_variables():
    one = fp.compute("ignored", template=TAX, params={"title": "State Tax", "rate": 6.0, "incl": "x"})
    two = fp.compute("ignored", template=TAX, params={"title": "City Tax", "rate": 2.5, "incl": "y"})
    assert one.digest == two.digest
    assert one.template == "Unmapped tax '{title}' at {rate}% ({incl}): add a tax mapping, then replay."
    assert one.variables == {"title": "State Tax", "rate": 6.0, "incl": "x"}


def test_code_wins_over_the_template_text():
    """A translated template (another user's language) is still the same cause."""
    english = fp.compute("m", template=TAX, params={}, code="tax.unmapped")
    french = fp.compute("m", template="Taxe '%(title)s' non liée", params={}, code="tax.unmapped")
    other = fp.compute("m", template=TAX, params={}, code="currency.inactive")
    assert english.digest == french.digest != other.digest
    assert french.template == "Taxe '{title}' non liée"


def test_readable_template_positional_and_escapes():
    assert fp.readable_template("a %s b %d%% c %(x).2f %r") == "a {1} b {2}% c {x} {3}"


def test_digest_is_short_hex_and_deterministic():
    first = fp.compute("Unknown currency XYZ.")
    assert first == fp.compute("Unknown currency XYZ.")
    assert len(first.digest) == fp.DIGEST_LENGTH and set(first.digest) <= set(string.hexdigits.lower())


def test_long_messages_are_bounded():
    result = fp.compute("Remote said: " + "'x' 1 " * 10_000)
    assert len(result.template) <= fp.TEMPLATE_LIMIT
    assert len(result.variables) <= fp.VARIABLES_LIMIT


def test_variables_are_json():
    result = fp.compute(
        "m", template=TAX, params={"title": object(), "rate": (1, 2), "nested": {"a": {1, 2}}}
    )
    json.loads(fp.dumps(result.variables))


# --- the errors carry their template --------------------------------------------------


def test_error_made_from_a_template():
    error = exc.MappingError(
        template=TAX, params={"title": "T", "rate": 6.0, "incl": "i"}, code="tax.unmapped"
    )
    assert error.message == "Unmapped tax 'T' at 6.0% (i): add a tax mapping, then replay."
    assert (error.template, error.code, error.params["rate"]) == (TAX, "tax.unmapped", 6.0)


@pytest.mark.parametrize(
    "cls",
    [exc.MappingError, exc.RemoteRejected, exc.ValidationFailed, exc.RateLimited, exc.BusinessRuleError],
)
def test_every_error_takes_a_template_and_pickles(cls):
    error = cls(template="Unknown currency %s.", params=("XYZ",))
    assert error.message == "Unknown currency XYZ."
    again = pickle.loads(pickle.dumps(error))
    assert (again.message, again.template, again.params) == (error.message, error.template, ("XYZ",))


def test_a_template_that_does_not_fit_its_params_still_gives_a_message():
    assert exc.MappingError(template="Unknown %(x)s", params={}).message == "Unknown %(x)s"
    assert exc.ValidationFailed(errors=["a: b"]).message == "Invalid payload: a: b"
    assert exc.MappingError("plain").template is None


# --- properties ---------------------------------------------------------------------------

_words = st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=20).filter(str.strip)
_quoted_value = st.text(
    alphabet=st.characters(blacklist_characters="'\n\r\x00", blacklist_categories=("Cs",)), max_size=40
)
_numbers = st.one_of(
    st.integers(min_value=0, max_value=10**9), st.decimals(min_value=0, max_value=10**6, places=2)
)


@SETTINGS
@given(title=_quoted_value, rate=_numbers, order=st.integers(min_value=1, max_value=10**7))
def test_same_message_other_values_same_cause(title, rate, order):
    """Whatever the quoted text and the numbers, the normalised cause is one."""
    base = fp.compute("Order #7: unmapped tax 'VAT' at 5%")
    other = fp.compute(f"Order #{order}: unmapped tax '{title}' at {rate}%")
    assert other.digest == base.digest
    assert other.template == "Order #{num}: unmapped tax '{str}' at {num}%"
    # whitespace is collapsed before anything else
    assert other.variables == [str(order), re.sub(r"\s+", " ", title), str(rate)]


@SETTINGS
@given(message=st.text(max_size=300))
def test_normalising_is_total_and_idempotent(message):
    """Never raises, and a normalised template normalises to itself."""
    template, _variables = fp.normalise(message)
    assert fp.normalise(template)[0] == template
    assert fp.compute(message).digest == fp.compute(message).digest


@SETTINGS
@given(first=_words, second=_words)
def test_different_words_are_different_causes(first, second):
    if " ".join(first.split()) != " ".join(second.split()):
        assert fp.compute(first).digest != fp.compute(second).digest
