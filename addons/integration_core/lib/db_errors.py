"""What a PostgreSQL error says about the database, as opposed to the data.

One classification for the webhook endpoint (answer 5xx so the sender
delivers again, or keep the body as a failed event) and for the event
processor (retry, or fail the event):

============== ================================================ ==============================
kind           SQLSTATE / error                                 meaning
============== ================================================ ==============================
contention     40001, 40P01, 55P03 (and class 40)               another transaction got there
                                                                first: run again, fresh
timeout        57014 (statement_timeout)                        the database was slow
connection     no SQLSTATE, class 08, InterfaceError            the connection is gone
unavailable    classes 53, 57 (but 57014), 58                   out of resources, shutting down
None           anything else                                    about the data: not the
                                                                database's fault
============== ================================================ ==============================
"""

import psycopg2
import psycopg2.errors

CONTENTION = "contention"
TIMEOUT = "timeout"
CONNECTION = "connection"
UNAVAILABLE = "unavailable"

_CONTENTION_CODES = ("40001", "40P01", "55P03")
_QUERY_CANCELED = "57014"
# by class too: an error raised by hand (or by a driver shim) may carry no SQLSTATE
_CONTENTION_CLASSES = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
)


def database_trouble(exc):
    """The kind of database trouble ``exc`` is (see the table), or None."""
    if isinstance(exc, psycopg2.InterfaceError):
        return CONNECTION
    if not isinstance(exc, psycopg2.Error):
        return None
    code = exc.pgcode or ""
    if isinstance(exc, _CONTENTION_CLASSES) or code in _CONTENTION_CODES or code.startswith("40"):
        return CONTENTION
    if isinstance(exc, psycopg2.errors.QueryCanceled) or code == _QUERY_CANCELED:
        return TIMEOUT
    if code.startswith("08") or (not code and isinstance(exc, psycopg2.OperationalError)):
        return CONNECTION
    if code[:2] in ("53", "57", "58"):
        return UNAVAILABLE
    return None
