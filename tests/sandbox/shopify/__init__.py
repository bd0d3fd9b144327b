"""A small local Shopify: GraphQL Admin API, webhooks, faults, over HTTP.

Modelled on Shopify's published documentation (shopify.dev), not on our
client, so that tests of the client meet the behaviour of the real peer:

- ``POST /admin/api/{version}/graphql.json`` with the
  ``X-Shopify-Access-Token`` header (401 without the right token). The
  schema is a subset of the real Admin schema (``schema.graphql``,
  version 2025-01); documents are parsed and validated by graphql-core, so a
  misspelt field fails here as it would at Shopify.
- Calculated query cost, approximating Shopify's method: scalars and enums 0,
  objects 1, connections 2 + ``first`` × the cost of one node, mutations 10;
  a single query may not request more than 1000 points
  (``MAX_COST_EXCEEDED``). A leaky bucket per shop (standard plan: 2000
  points, restoring 100 points/s; both configurable) is charged the
  requested cost, then refunded down to the actual cost. When the bucket
  cannot cover a query the answer is HTTP 200 with
  ``errors: [{message: "Throttled", extensions: {code: "THROTTLED"}}]``.
  Every answer carries ``extensions.cost`` with ``requestedQueryCost``,
  ``actualQueryCost`` and ``throttleStatus``.
- Cursor pagination (``first``/``after``/``last``/``before``, ``pageInfo``,
  ``nodes`` and ``edges``; at most 250 per page) and the ``query:`` search
  syntax for ``updated_at``/``created_at``/``id``/``sku``/``title`` with
  ``:``, ``:>``, ``:>=``, ``:<``, ``:<=``.
- Mutations ``inventorySetQuantities`` (max 250 quantities per call, as for
  every input array), ``fulfillmentCreate`` (fulfillment-order based input
  of 2024-10+) and ``webhookSubscriptionCreate``.
- Bulk queries (shopify.dev, "Perform bulk operations with the GraphQL Admin
  API", 2025-01): ``bulkOperationRunQuery(query:)`` checks the document
  (valid against the schema, at least one connection, a nested
  connection's parent selects ``id``) and answers a ``CREATED`` operation;
  one query operation at a time per shop (``OPERATION_IN_PROGRESS``
  userError). ``currentBulkOperation`` and ``node(id:)`` are the polls: each
  one advances the operation, ``CREATED`` -> ``RUNNING`` for
  :attr:`ShopifySandbox.bulk_running_polls` polls -> ``COMPLETED``, when the
  query runs over the shop's data with unbounded connections and the result
  is flattened to JSONL: one object per line, nested connection nodes on
  their own lines with ``__parentId``, each parent before its children (the
  grouped output of 2025-01). The file is served at
  ``GET /bulk/<operation id>.jsonl`` without the access token (Shopify's
  URL is a signed storage link); ``url`` is null when the query found
  nothing. :meth:`ShopifySandbox.fail_next_bulk_operation` makes the next
  operation end ``FAILED`` with an ``errorCode``.
- Webhooks in the REST resource shape, signed ``X-Shopify-Hmac-Sha256`` =
  base64(HMAC-SHA256(raw body, client secret)), with the ``X-Shopify-Topic``,
  ``-Shop-Domain``, ``-Webhook-Id``, ``-Event-Id``, ``-Triggered-At`` and
  ``-API-Version`` headers; ``duplicate=True`` re-sends the same delivery
  (same ids) as Shopify's retries do; :meth:`deliver_out_of_order`.
- A fault plan for the next N API calls (429 with Retry-After, 5xx, delays),
  a random share of faulty calls (:meth:`ShopifySandbox.set_fault_rate`) and
  an outage window during which every call fails
  (:meth:`ShopifySandbox.start_outage`).
- Shopify Payments (:mod:`.payments`): every order's transactions
  (``Order.transactions``), the balance ledger they move (charges with
  their fee, refunds, disputes, reserves, adjustments) and the daily payout
  run (:meth:`ShopifySandbox.run_payouts`, deposits and withdrawals,
  failures), read through ``shopifyPaymentsAccount { payouts
  balanceTransactions }``; ``POST /_sandbox/payouts`` and ``POST
  /_sandbox/payments`` drive them; :func:`seed_payouts` plays a few days.
- A control API for demos and the Odoo-side tests: ``POST /_sandbox/orders``
  (creates an order, fires ``orders/create``; ``"webhook": false`` does
  not), ``POST /_sandbox/faults`` (``{"faults": [...], "count": n}``;
  ``{"bulk_fail": "TIMEOUT"}`` fails the next bulk operation;
  ``{"random": {"rate": 0.2, "faults": [...], "seed": 1}}`` disturbs each
  call with that probability, rate 0 stops it; ``{"outage": {"seconds":
  30, "status": 503}}`` takes the shop down; ``{"clear": true}`` first
  drops every fault), ``POST /_sandbox/webhooks``, ``POST /_sandbox/reset``,
  ``GET /_sandbox/state``; the demo shop adds ``/_sandbox/demo``
  (``{"paused": true}`` stops its order a minute).

Every API call is recorded in :attr:`ShopifySandbox.calls`.

Standalone (``--secret``/``--token`` default to random values, printed)::

    python3 tests/sandbox/shopify --port 8071 --webhook-url URL [--secret S] [--token T]
    cd tests && python3 -m sandbox.shopify --port 8071 ...

Demo shop (what ``scripts/run`` starts, see :func:`serve_demo`): Odoo's demo
products, location 1, an order every minute delivered to the demo backend,
with the demo backend's own webhook token and secrets, which are random per
database: ``scripts/demo_secrets.py`` reads them from the database into the
``SHOPIFY_DEMO_*`` environment variables::

    eval "$(scripts/demo_secrets.py --database DB --format shell)"
    cd tests && python3 -m sandbox.shopify --demo --odoo-url http://127.0.0.1:8069 --database DB

The package, by concern: :mod:`.server` (HTTP routing, control API),
:mod:`.store` and :mod:`.seed` (state), :mod:`.orders`, :mod:`.graphql`
(execution, cost, throttling), :mod:`.queries` (resolvers, pagination,
search), :mod:`.mutations`, :mod:`.bulk`, :mod:`.views` (GraphQL shapes
of stored records), :mod:`.webhooks`, :mod:`.demo`, :mod:`.cli`; all on
the shared peer base :mod:`sandbox.peer` (server, fault plan, leaky bucket,
webhook signer). :mod:`.sandbox` assembles :class:`ShopifySandbox`.
"""

from ..peer import DEFAULT_RANDOM_FAULTS
from .cli import main, run
from .common import (
    API_VERSION_RE,
    BULK_ACTIVE,
    BULK_ERROR_CODES,
    BULK_PATH_RE,
    CENT,
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_API_VERSION,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_SHOP_DOMAIN,
    GID,
    GRAPHQL_PATH_RE,
    INVENTORY_NAMES,
    INVENTORY_REASONS,
    MAX_INPUT_ARRAY,
    MAX_PAGE_SIZE,
    MAX_QUERY_COST,
    MUTATION_COST,
    SCHEMA_PATH,
    STANDARD_BUCKET_SIZE,
    STANDARD_RESTORE_RATE,
    ZERO,
)
from .demo import (
    DEMO_CUSTOMERS,
    DEMO_ENV_ACCESS_TOKEN,
    DEMO_ENV_CLIENT_SECRET,
    DEMO_ENV_WEBHOOK_TOKEN,
    DEMO_LOCATION_ID,
    DEMO_NOTES,
    DEMO_PAYOUT_DAYS,
    DEMO_PORT,
    DEMO_PRODUCTS,
    DEMO_SHOP_DOMAIN,
    DEMO_TAX_RATE,
    DemoShop,
    serve_demo,
)
from .graphql import CostBucket
from .payments import seed_payout_history, seed_payouts
from .sandbox import ShopifySandbox

LeakyBucket = CostBucket  # its name in this module before the split into a package
