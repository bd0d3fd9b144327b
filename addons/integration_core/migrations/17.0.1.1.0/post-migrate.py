def migrate(cr, version):
    """Backends still on the old default of 6 attempts (which a 16-minute
    outage exhausted) get the new default of 10, with the backoff now
    growing to 4 hours; a value someone chose stays."""
    if not version:
        return
    cr.execute("UPDATE integration_backend SET max_attempts = 10 WHERE max_attempts = 6")
