"""One classification of PostgreSQL errors for the webhook and the event processor."""

import psycopg2
import pytest

from odoo.addons.integration_core.lib import db_errors


class _Coded(psycopg2.OperationalError):
    def __init__(self, code):
        super().__init__("x")
        self._code = code

    @property
    def pgcode(self):
        return self._code


@pytest.mark.parametrize(
    "code,kind",
    [
        ("40001", "contention"),
        ("40P01", "contention"),
        ("55P03", "contention"),
        ("57014", "timeout"),
        ("08006", "connection"),
        (None, "connection"),
        ("53200", "unavailable"),
        ("57P01", "unavailable"),
        ("23505", None),
        ("22003", None),
    ],
)
def test_database_trouble(code, kind):
    assert db_errors.database_trouble(_Coded(code)) == kind


def test_lost_connection_and_other_errors():
    assert db_errors.database_trouble(psycopg2.InterfaceError("closed")) == "connection"
    assert db_errors.database_trouble(ValueError("not the database")) is None


def test_errors_raised_by_hand_are_classified_by_their_class():
    assert db_errors.database_trouble(psycopg2.errors.SerializationFailure("x")) == "contention"
    assert db_errors.database_trouble(psycopg2.errors.LockNotAvailable("x")) == "contention"
    assert db_errors.database_trouble(psycopg2.errors.QueryCanceled("x")) == "timeout"
