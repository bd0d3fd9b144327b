"""GraphQL Admin API documents used by :class:`.client.ShopifyClient`.

One greppable place for every query and mutation we send. Field names follow
the Admin API 2025-01 schema (``fulfillmentCreate`` with ``FulfillmentInput``
exists since 2024-10; ``Order.retailLocation`` since 2024-07). An order
carries its payment transactions (``Order.transactions``: kind, status,
gateway, amount, parent) so that partial captures and refunds are
unambiguous when the Shopify Payments balance lines name them
(``sourceOrderTransactionId``).

Query cost: Shopify charges objects 1 point, connections 2 plus ``first`` ×
the cost of one node, mutations 10, and refuses a single query whose
*requested* cost exceeds 1000 points. The ``*_NODE_COST`` constants are our
estimate of one node of each paged query under that rule; the client sizes
pages with them so a page never exceeds the single-query limit, and the
test-suite checks them against the sandbox's calculation.
"""

MAX_QUERY_COST = 1000

# Items per nested connection inside one order node; longer orders are
# completed with ORDER_LINE_ITEMS_QUERY pages of ORDER_LINE_ITEMS_PAGE.
ORDER_LINE_ITEMS_FIRST = 10
ORDER_SHIPPING_LINES_FIRST = 5
ORDER_LINE_ITEMS_PAGE = 50
PRODUCT_VARIANTS_FIRST = 25
# An order's payment transactions (Order.transactions is a list, not a
# connection): sale, authorization, captures, refunds, voids. 50 is far more
# than an order ever has; the first N are the oldest.
ORDER_TRANSACTIONS_FIRST = 50
PRODUCT_VARIANTS_PAGE = 100

_MONEY = """
fragment ShopifyMoney on MoneyBag { shopMoney { amount currencyCode } }
"""

_TAX_LINE = """
fragment ShopifyTaxLine on TaxLine { title rate priceSet { ...ShopifyMoney } }
"""

_ADDRESS = """
fragment ShopifyAddress on MailingAddress {
  name firstName lastName company address1 address2 city zip provinceCode countryCodeV2 phone
}
"""

_LINE_ITEM = """
fragment ShopifyLineItem on LineItem {
  id name sku quantity taxable
  product { id }
  variant { id sku barcode }
  originalUnitPriceSet { ...ShopifyMoney }
  discountAllocations { allocatedAmountSet { ...ShopifyMoney } }
  taxLines { ...ShopifyTaxLine }
}
"""

# An order's own fields (no connection): shared by the paged and the bulk query.
_ORDER_FIELDS = """
  id legacyResourceId name createdAt updatedAt cancelledAt currencyCode taxesIncluded
  email phone note tags paymentGatewayNames discountCodes
  displayFinancialStatus displayFulfillmentStatus
  retailLocation { id }
  customer { id firstName lastName email phone }
  billingAddress { ...ShopifyAddress }
  shippingAddress { ...ShopifyAddress }
  subtotalPriceSet { ...ShopifyMoney }
  totalTaxSet { ...ShopifyMoney }
  totalDiscountsSet { ...ShopifyMoney }
  totalPriceSet { ...ShopifyMoney }
  taxLines { ...ShopifyTaxLine }
  transactions(first: %(transactions)d) {
    id kind status gateway test processedAt createdAt
    amountSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
    parentTransaction { id }
  }
  poNumber
  paymentTerms { paymentTermsName paymentTermsType dueInDays }
  purchasingEntity { ... on PurchasingCompany { company { id name } location { id } } }
""" % {"transactions": ORDER_TRANSACTIONS_FIRST}
_SHIPPING_LINE_FIELDS = """
      code title
      originalPriceSet { ...ShopifyMoney }
      discountAllocations { allocatedAmountSet { ...ShopifyMoney } }
      taxLines { ...ShopifyTaxLine }
"""

_ORDER = (
    """
fragment ShopifyOrder on Order {
%(fields)s
  shippingLines(first: %(shipping)d) {
    nodes {
%(shipping_fields)s
    }
  }
  lineItems(first: %(lines)d) {
    pageInfo { hasNextPage endCursor }
    nodes { ...ShopifyLineItem }
  }
}
"""
    % {
        "fields": _ORDER_FIELDS,
        "shipping_fields": _SHIPPING_LINE_FIELDS,
        "shipping": ORDER_SHIPPING_LINES_FIRST,
        "lines": ORDER_LINE_ITEMS_FIRST,
    }
    + _MONEY
    + _TAX_LINE
    + _ADDRESS
    + _LINE_ITEM
)

# 1 order + location + customer + 2 addresses + 4 money bags (2 each) + tax
# lines 3 + transactions 5 (a list: the transaction, its money bag with two
# moneys, its parent) + B2B 4 (payment terms, purchasing entity, its company
# and location) + shipping lines 2 + 5 × 9 + line items 2 + 10 × 11
ORDER_TRANSACTION_COST = 5
ORDER_B2B_COST = 4
ORDER_NODE_COST = (
    1
    + 1
    + 1
    + 2
    + 8
    + 3
    + ORDER_TRANSACTION_COST
    + ORDER_B2B_COST
    + (2 + ORDER_SHIPPING_LINES_FIRST * 9)
    + (2 + ORDER_LINE_ITEMS_FIRST * 11)
)

SHOP_QUERY = """
query ShopifyShop {
  shop {
    id name email myshopifyDomain currencyCode ianaTimezone
    plan { displayName partnerDevelopment shopifyPlus }
  }
}
"""

ORDERS_QUERY = (
    """
query ShopifyOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ...ShopifyOrder }
  }
}
"""
    + _ORDER
)

ORDER_QUERY = (
    """
query ShopifyOrder($id: ID!) {
  order(id: $id) { ...ShopifyOrder }
}
"""
    + _ORDER
)

ORDER_LINE_ITEMS_QUERY = (
    """
query ShopifyOrderLineItems($id: ID!, $after: String) {
  order(id: $id) {
    id
    lineItems(first: %d, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ...ShopifyLineItem }
    }
  }
}
"""
    % ORDER_LINE_ITEMS_PAGE
    + _MONEY
    + _TAX_LINE
    + _LINE_ITEM
)

_VARIANT_FIELDS = "id legacyResourceId title sku barcode price inventoryItem { id }"

# The inventory items of variants known by id only (an order line names its
# variant, not the variant's inventory item): at most 250 ids a call.
VARIANT_INVENTORY_ITEMS_QUERY = """
query ShopifyVariantInventoryItems($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on ProductVariant { id legacyResourceId inventoryItem { id } }
  }
}
"""
NODES_PER_CALL = 250

PRODUCTS_QUERY = """
query ShopifyProducts($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id legacyResourceId title handle status updatedAt
      variants(first: %d) {
        pageInfo { hasNextPage endCursor }
        nodes { %s }
      }
    }
  }
}
""" % (PRODUCT_VARIANTS_FIRST, _VARIANT_FIELDS)

# product 1 + variants connection 2 + 25 × (variant 1 + inventory item 1)
PRODUCT_NODE_COST = 1 + 2 + PRODUCT_VARIANTS_FIRST * 2

PRODUCT_VARIANTS_QUERY = """
query ShopifyProductVariants($id: ID!, $after: String) {
  product(id: $id) {
    id
    variants(first: %d, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { %s }
    }
  }
}
""" % (PRODUCT_VARIANTS_PAGE, _VARIANT_FIELDS)

# Bulk queries (shopify.dev, "Perform bulk operations with the GraphQL Admin
# API"): one top-level connection, nested connections without first/after
# (Shopify reads them whole), and every node with a nested connection
# selects ``id`` (its children's ``__parentId``). The result file has the
# products on lines of their own and each variant on a line with
# ``__parentId``; lib.bulk.reassemble nests them back under PRODUCTS_BULK_CHILDREN.
PRODUCTS_BULK_QUERY = (
    """
{
  products {
    edges {
      node {
        id legacyResourceId title handle status updatedAt
        variants {
          edges { node { %s } }
        }
      }
    }
  }
}
"""
    % _VARIANT_FIELDS
)

# node type of a child line -> the connection it belongs to in PRODUCTS_QUERY's shape
PRODUCTS_BULK_CHILDREN = {"ProductVariant": "variants"}

# Every order, oldest update first, for the first catch-up of a store: the
# fields of the ShopifyOrder fragment, its line items and shipping lines read
# whole (children lines; shipping lines select ``id`` so their lines say
# what they are).
ORDERS_BULK_QUERY = (
    """
{
  orders(sortKey: UPDATED_AT) {
    edges {
      node {
%(fields)s
        shippingLines { edges { node { id %(shipping_fields)s } } }
        lineItems { edges { node { ...ShopifyLineItem } } }
      }
    }
  }
}
"""
    % {"fields": _ORDER_FIELDS, "shipping_fields": _SHIPPING_LINE_FIELDS}
    + _MONEY
    + _TAX_LINE
    + _ADDRESS
    + _LINE_ITEM
)

# node type of a child line -> the connection it belongs to in ORDERS_QUERY's shape
ORDERS_BULK_CHILDREN = {"LineItem": "lineItems", "ShippingLine": "shippingLines"}

_BULK_OPERATION_FIELDS = """
id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl query
"""

BULK_OPERATION_RUN_QUERY_MUTATION = """
mutation ShopifyBulkOperationRunQuery($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { code field message }
  }
}
"""

BULK_OPERATION_CANCEL_MUTATION = """
mutation ShopifyBulkOperationCancel($id: ID!) {
  bulkOperationCancel(id: $id) {
    bulkOperation { id status }
    userErrors { field message }
  }
}
"""

BULK_OPERATION_QUERY = (
    """
query ShopifyBulkOperation($id: ID!) {
  node(id: $id) { ... on BulkOperation { %s } }
}
"""
    % _BULK_OPERATION_FIELDS
)

CURRENT_BULK_OPERATION_QUERY = (
    """
query ShopifyCurrentBulkOperation {
  currentBulkOperation(type: QUERY) { %s }
}
"""
    % _BULK_OPERATION_FIELDS
)

LOCATIONS_QUERY = """
query ShopifyLocations($first: Int!, $after: String) {
  locations(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id legacyResourceId name isActive fulfillsOnlineOrders
      address { address1 address2 city zip provinceCode countryCode }
    }
  }
}
"""

LOCATION_NODE_COST = 2

INVENTORY_SET_QUANTITIES_MUTATION = """
mutation ShopifyInventorySetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id reason changes { name delta } }
    userErrors { code field message }
  }
}
"""

FULFILLMENT_ORDERS_QUERY = """
query ShopifyFulfillmentOrders($id: ID!) {
  order(id: $id) {
    id legacyResourceId name
    fulfillments(first: 50) {
      id legacyResourceId name status createdAt
      trackingInfo { company number url }
    }
    fulfillmentOrders(first: 5) {
      pageInfo { hasNextPage }
      nodes {
        id status requestStatus
        assignedLocation { name location { id } }
        supportedActions { action }
        lineItems(first: 50) {
          pageInfo { hasNextPage }
          nodes { id totalQuantity remainingQuantity lineItem { id sku } }
        }
      }
    }
  }
}
"""

# The lines of one fulfillment, read only for the few fulfillments that may
# be the one a crashed export created (see ShopifyClient.ensure_fulfillment).
FULFILLMENT_LINES_PAGE = 50
FULFILLMENT_LINES_QUERY = (
    """
query ShopifyFulfillmentLines($id: ID!, $after: String) {
  fulfillment(id: $id) {
    id
    fulfillmentLineItems(first: %d, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { quantity lineItem { id } }
    }
  }
}
"""
    % FULFILLMENT_LINES_PAGE
)

FULFILLMENT_CREATE_MUTATION = """
mutation ShopifyFulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
    fulfillment {
      id legacyResourceId name status
      trackingInfo { company number url }
    }
    userErrors { field message }
  }
}
"""

_WEBHOOK_FIELDS = """
id topic format createdAt
endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } }
"""

WEBHOOK_SUBSCRIPTIONS_QUERY = (
    """
query ShopifyWebhookSubscriptions($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { %s }
  }
}
"""
    % _WEBHOOK_FIELDS
)

WEBHOOK_SUBSCRIPTION_CREATE_MUTATION = (
    """
mutation ShopifyWebhookSubscriptionCreate(
  $topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!
) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { %s }
    userErrors { field message }
  }
}
"""
    % _WEBHOOK_FIELDS
)


# ----------------------------------------------------------------------------
# prices and Markets (productVariantsBulkUpdate, price lists)
# ----------------------------------------------------------------------------

# The Shopify product of variants known by id only (productVariantsBulkUpdate
# works per product): at most 250 ids a call; a gone variant answers null.
VARIANT_PRODUCTS_QUERY = """
query ShopifyVariantProducts($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on ProductVariant { id legacyResourceId product { id } }
  }
}
"""

PRODUCT_VARIANTS_BULK_UPDATE_MUTATION = """
mutation ShopifyVariantPrices($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants, allowPartialUpdates: true) {
    productVariants { id }
    userErrors { code field message }
  }
}
"""

SHOP_CURRENCIES_QUERY = """
query ShopifyCurrencies {
  shop { currencyCode currencySettings(first: 250) { nodes { currencyCode enabled } } }
}
"""

MARKETS_QUERY = """
query ShopifyMarkets($first: Int!, $after: String) {
  markets(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id name handle enabled primary
      currencySettings { baseCurrency { currencyCode enabled } }
      priceList { id name currency }
    }
  }
}
"""
MARKET_NODE_COST = 1 + 2 + 1

PRICE_LIST_FIXED_PRICES_ADD_MUTATION = """
mutation ShopifyFixedPricesAdd($priceListId: ID!, $prices: [PriceListPriceInput!]!) {
  priceListFixedPricesAdd(priceListId: $priceListId, prices: $prices) {
    prices { variant { id } }
    userErrors { code field message }
  }
}
"""

PRICE_LIST_FIXED_PRICES_UPDATE_MUTATION = """
mutation ShopifyFixedPricesUpdate(
  $priceListId: ID!, $pricesToAdd: [PriceListPriceInput!]!, $variantIdsToDelete: [ID!]!
) {
  priceListFixedPricesUpdate(
    priceListId: $priceListId, pricesToAdd: $pricesToAdd, variantIdsToDelete: $variantIdsToDelete
  ) {
    deletedFixedPriceVariantIds
    userErrors { code field message }
  }
}
"""

PRICE_LIST_CREATE_MUTATION = """
mutation ShopifyPriceListCreate($input: PriceListCreateInput!) {
  priceListCreate(input: $input) {
    priceList { id name currency }
    userErrors { code field message }
  }
}
"""

CATALOG_CREATE_MUTATION = """
mutation ShopifyCatalogCreate($input: CatalogCreateInput!) {
  catalogCreate(input: $input) {
    catalog { id title priceList { id } }
    userErrors { code field message }
  }
}
"""

# ----------------------------------------------------------------------------
# B2B: companies, locations, contacts, payment terms
# ----------------------------------------------------------------------------

PAYMENT_TERMS_TEMPLATES_QUERY = """
query ShopifyPaymentTermsTemplates {
  paymentTermsTemplates { id name paymentTermsType dueInDays }
}
"""

_COMPANY_FIELDS = """
  id name externalId note
  contacts(first: 50) { nodes { id customer { id email } } }
  locations(first: 50) {
    nodes {
      id name externalId
      buyerExperienceConfiguration { paymentTermsTemplate { id dueInDays } }
      catalogs(first: 5) { nodes { id priceList { id currency } } }
    }
  }
"""

COMPANY_QUERY = (
    """
query ShopifyCompany($id: ID!) {
  company(id: $id) {%s}
}
"""
    % _COMPANY_FIELDS
)

COMPANY_CREATE_MUTATION = (
    """
mutation ShopifyCompanyCreate($input: CompanyCreateInput!) {
  companyCreate(input: $input) {
    company {%s}
    userErrors { code field message }
  }
}
"""
    % _COMPANY_FIELDS
)

COMPANY_UPDATE_MUTATION = """
mutation ShopifyCompanyUpdate($companyId: ID!, $input: CompanyInput!) {
  companyUpdate(companyId: $companyId, input: $input) {
    company { id }
    userErrors { code field message }
  }
}
"""

COMPANY_LOCATION_CREATE_MUTATION = """
mutation ShopifyCompanyLocationCreate($companyId: ID!, $input: CompanyLocationInput!) {
  companyLocationCreate(companyId: $companyId, input: $input) {
    companyLocation { id externalId }
    userErrors { code field message }
  }
}
"""

COMPANY_LOCATION_UPDATE_MUTATION = """
mutation ShopifyCompanyLocationUpdate($id: ID!, $input: CompanyLocationUpdateInput!) {
  companyLocationUpdate(companyLocationId: $id, input: $input) {
    companyLocation { id }
    userErrors { code field message }
  }
}
"""

COMPANY_LOCATION_ASSIGN_ADDRESS_MUTATION = """
mutation ShopifyCompanyLocationAddress(
  $locationId: ID!, $address: CompanyAddressInput!, $addressTypes: [CompanyAddressType!]!
) {
  companyLocationAssignAddress(locationId: $locationId, address: $address, addressTypes: $addressTypes) {
    addresses { id }
    userErrors { code field message }
  }
}
"""

COMPANY_CONTACT_CREATE_MUTATION = """
mutation ShopifyCompanyContactCreate($companyId: ID!, $input: CompanyContactInput!) {
  companyContactCreate(companyId: $companyId, input: $input) {
    companyContact { id customer { id email } }
    userErrors { code field message }
  }
}
"""
