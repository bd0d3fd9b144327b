"""ORM-free building blocks of integration_core (no ``odoo`` imports here).

- ``exceptions``: the suite's error hierarchy (retryable vs permanent) and backoff;
- ``http_client``: the outbound HTTP client base every channel client subclasses;
- ``rate_limit`` and ``circuit_breaker``: what the HTTP client consults per call;
- ``signature``: webhook HMAC signatures; ``crypto``: encrypted credentials;
- ``locks``: advisory lock keys (one per external object, one per customer email);
- ``masking``: secrets and personal data hidden from logs and non-managers;
- ``canonical``: the registry of canonical JSON Schemas (the core kinds in
  ``../schemas``, and each addon's own through ``register_schema_dir``), their
  validation, and exact JSON (``loads``/``dumps``: money as Decimal);
- ``money``: amounts as Decimals, rounded and compared with a currency's rounding;
- ``reader``: typed, bounded reads of untrusted payloads for mappers, each bad
  value a ValidationFailed naming its path (``line_items[2].quantity``).

Import the modules directly (``from ..lib.exceptions import MappingError``).
"""
