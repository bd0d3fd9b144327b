from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Failed and dead events from before root causes get theirs, from
    their message normalised (their errors' templates are gone), so the
    exception queue that exists shows up under Root causes at once."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    events = env["integration.event"].search(
        [
            ("state", "in", ("failed", "dead")),
            ("error_fingerprint", "=", False),
            ("error_message", "!=", False),
        ]
    )
    for event in events:
        values = event._error_cause_values(event.error_message)
        values["error_at"] = event.write_date
        event.write(values)
