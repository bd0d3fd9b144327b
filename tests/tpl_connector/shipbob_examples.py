"""ShipBob's published examples, API version 2025-07, as test data.

Each value below is the response example of one operation in ShipBob's
OpenAPI document for 2025-07 (served from developer.shipbob.com, API
reference of version 2025-07; "How can I find OpenAPI specs for each API
version" in the FAQ), written here as Python data, not copied as files,
since the document carries no licence. The comment above each names the
operation. The placeholder values ("string", 0) are ShipBob's own.

``SANDBOX_*`` values are answers of ShipBob's sandbox for warehouse
receiving orders as published in brianzinn/shipbob-node-sdk
(test/files/wro_*.json, package licence ISC), likewise written as data.

``REQUEST_FIELDS`` lists, per request body we send, the fields the same
OpenAPI document defines (``[]`` marks a list's items), whether each is
required, and its enumerated values when it has some: the contract our
outbound payloads are checked against.
"""

# GET /2025-07/order/{orderId} -> 200
ORDER = {
    "channel": {"id": 0, "name": "ShipBobs-Shopify-Store"},
    "created_date": "2019-08-24T14:15:22Z",
    "financials": {"total_price": 0.1},
    "gift_message": "string",
    "id": 0,
    "order_number": "string",
    "products": [
        {
            "external_line_id": 0,
            "gtin": "string",
            "id": 0,
            "quantity": 0,
            "quantity_unit_of_measure_code": "string",
            "reference_id": "TShirtBlueM",
            "sku": "TShirtBlueM",
            "unit_price": 0.1,
            "upc": "string",
        }
    ],
    "purchase_date": "2019-08-24T14:15:22Z",
    "recipient": {
        "address": {
            "address1": "100 Nowhere Blvd",
            "address2": "Suite 100",
            "city": "Gotham City",
            "company_name": "Wayne Enterprises",
            "country": "US",
            "state": "NJ",
            "zip_code": "07093",
        },
        "email": "john@example.com",
        "name": "John Doe",
        "phone_number": "555-555-5555",
    },
    "reference_id": "string",
    "retailer_program_data": {
        "addresses": [
            {
                "address1": "100 Nowhere Blvd",
                "address2": "Suite 100",
                "city": "Gotham City",
                "company_name": "Wayne Enterprises",
                "country": "US",
                "state": "NJ",
                "type": "MarkFor",
                "zip_code": "07093",
            }
        ],
        "customer_ticket_number": "string",
        "delivery_date": "2019-08-24T14:15:22Z",
        "department": "string",
        "doNotShipBeforeDate": "2019-08-24T14:15:22Z",
        "mark_for_store": "string",
        "purchase_order_number": "string",
        "retailer_program_type": "string",
        "shipByDate": "2019-08-24T14:15:22Z",
    },
    "shipments": [
        {
            "actual_fulfillment_date": "2019-08-24T14:15:22Z",
            "created_date": "2019-08-24T14:15:22Z",
            "delivery_date": "2019-08-24T14:15:22Z",
            "estimated_fulfillment_date": "2019-08-24T14:15:22Z",
            "estimated_fulfillment_date_status": "AwaitingInventoryAllocation",
            "gift_message": "string",
            "id": 0,
            "insurance_value": 0,
            "invoice_amount": 0,
            "invoice_currency_code": "string",
            "is_tracking_uploaded": True,
            "last_tracking_update_at": "2019-08-24T14:15:22Z",
            "last_update_at": "2019-08-24T14:15:22Z",
            "location": {"id": 0, "name": "Cicero (IL)"},
            "measurements": {"depth_in": 0, "length_in": 0, "total_weight_oz": 0, "width_in": 0},
            "order_id": 0,
            "package_material_type": "Unknown",
            "parent_cartons": [
                {
                    "barcode": "string",
                    "cartons": [
                        {
                            "barcode": "string",
                            "carton_details": [
                                {
                                    "products": [
                                        {
                                            "id": 0,
                                            "inventory_items": [
                                                {
                                                    "expiration_date": "2019-08-24T14:15:22Z",
                                                    "id": 0,
                                                    "is_dangerous_goods": True,
                                                    "lot": "22222",
                                                    "name": "Medium " "Blue " "T-Shirt",
                                                    "quantity": 0,
                                                    "quantity_committed": 0,
                                                    "serial_numbers": ["string"],
                                                }
                                            ],
                                            "name": "Medium Blue " "T-Shirt",
                                            "reference_id": "TShirtBlueM",
                                            "sku": "TShirtBlueM",
                                        }
                                    ]
                                }
                            ],
                            "id": 0,
                            "measurements": {
                                "depth_in": 0.1,
                                "length_in": 0.1,
                                "total_weight_oz": 0.1,
                                "width_in": 0.1,
                            },
                            "type": "Box or pallet",
                        }
                    ],
                    "measurements": {
                        "depth_in": 0.1,
                        "length_in": 0.1,
                        "total_weight_oz": 0.1,
                        "width_in": 0.1,
                    },
                    "type": "Box or pallet",
                }
            ],
            "products": [
                {
                    "id": 0,
                    "inventory_items": [
                        {
                            "expiration_date": "2019-08-24T14:15:22Z",
                            "id": 0,
                            "is_dangerous_goods": True,
                            "lot": "22222",
                            "name": "Medium Blue T-Shirt",
                            "quantity": 0,
                            "quantity_committed": 0,
                            "serial_numbers": ["string"],
                        }
                    ],
                    "name": "Medium Blue T-Shirt",
                    "reference_id": "TShirtBlueM",
                    "sku": "TShirtBlueM",
                }
            ],
            "recipient": {
                "address": {
                    "address1": "100 Nowhere Blvd",
                    "address2": "Suite 100",
                    "city": "Gotham City",
                    "company_name": "Wayne Enterprises",
                    "country": "US",
                    "state": "NJ",
                    "zip_code": "07093",
                },
                "email": "john@example.com",
                "full_name": "John Doe",
                "name": "John Doe",
                "phone_number": "555-555-5555",
            },
            "reference_id": "string",
            "require_signature": True,
            "ship_option": "Standard",
            "status": "None",
            "status_details": [
                {
                    "description": "string",
                    "exception_fulfillment_center_id": 0,
                    "extra_information": {"validation_messages": ["string"]},
                    "id": 0,
                    "inventory_id": 0,
                    "name": "string",
                }
            ],
            "tracking": {
                "bol": "string",
                "carrier": "USPS",
                "carrier_service": "Priority",
                "pro_number": "string",
                "scac": "string",
                "shipping_date": "2019-08-24T14:15:22Z",
                "tracking_number": "860C8CDC8F0B4FC7AB69AC86C20539EC",
                "tracking_url": "https://www.example.com/tracking?id=860C8CDC8F0B4FC7AB69AC86C20539EC",
            },
        }
    ],
    "shipping_method": "Free 2-day Shipping",
    "shipping_terms": {"carrier_type": "Parcel", "payment_term": "Collect"},
    "status": "Processing",
    "tags": [{"name": "Handling instructions", "value": "Fragile"}],
    "type": "DTC",
}


# GET /2025-07/order/{orderId}/shipment -> 200
ORDER_SHIPMENTS = [
    {
        "actual_fulfillment_date": "2019-08-24T14:15:22Z",
        "created_date": "2019-08-24T14:15:22Z",
        "delivery_date": "2019-08-24T14:15:22Z",
        "estimated_fulfillment_date": "2019-08-24T14:15:22Z",
        "estimated_fulfillment_date_status": "AwaitingInventoryAllocation",
        "gift_message": "string",
        "id": 0,
        "insurance_value": 0,
        "invoice_amount": 0,
        "invoice_currency_code": "string",
        "is_tracking_uploaded": True,
        "last_tracking_update_at": "2019-08-24T14:15:22Z",
        "last_update_at": "2019-08-24T14:15:22Z",
        "location": {"id": 0, "name": "Cicero (IL)"},
        "measurements": {"depth_in": 0, "length_in": 0, "total_weight_oz": 0, "width_in": 0},
        "order_id": 0,
        "package_material_type": "Unknown",
        "parent_cartons": [
            {
                "barcode": "string",
                "cartons": [
                    {
                        "barcode": "string",
                        "carton_details": [
                            {
                                "products": [
                                    {
                                        "id": 0,
                                        "inventory_items": [
                                            {
                                                "expiration_date": "2019-08-24T14:15:22Z",
                                                "id": 0,
                                                "is_dangerous_goods": True,
                                                "lot": "22222",
                                                "name": "Medium " "Blue " "T-Shirt",
                                                "quantity": 0,
                                                "quantity_committed": 0,
                                                "serial_numbers": ["string"],
                                            }
                                        ],
                                        "name": "Medium Blue T-Shirt",
                                        "reference_id": "TShirtBlueM",
                                        "sku": "TShirtBlueM",
                                    }
                                ]
                            }
                        ],
                        "id": 0,
                        "measurements": {
                            "depth_in": 0.1,
                            "length_in": 0.1,
                            "total_weight_oz": 0.1,
                            "width_in": 0.1,
                        },
                        "type": "Box or pallet",
                    }
                ],
                "measurements": {"depth_in": 0.1, "length_in": 0.1, "total_weight_oz": 0.1, "width_in": 0.1},
                "type": "Box or pallet",
            }
        ],
        "products": [
            {
                "id": 0,
                "inventory_items": [
                    {
                        "expiration_date": "2019-08-24T14:15:22Z",
                        "id": 0,
                        "is_dangerous_goods": True,
                        "lot": "22222",
                        "name": "Medium Blue T-Shirt",
                        "quantity": 0,
                        "quantity_committed": 0,
                        "serial_numbers": ["string"],
                    }
                ],
                "name": "Medium Blue T-Shirt",
                "reference_id": "TShirtBlueM",
                "sku": "TShirtBlueM",
            }
        ],
        "recipient": {
            "address": {
                "address1": "100 Nowhere Blvd",
                "address2": "Suite 100",
                "city": "Gotham City",
                "company_name": "Wayne Enterprises",
                "country": "US",
                "state": "NJ",
                "zip_code": "07093",
            },
            "email": "john@example.com",
            "full_name": "John Doe",
            "name": "John Doe",
            "phone_number": "555-555-5555",
        },
        "reference_id": "string",
        "require_signature": True,
        "ship_option": "Standard",
        "status": "None",
        "status_details": [
            {
                "description": "string",
                "exception_fulfillment_center_id": 0,
                "extra_information": {"validation_messages": ["string"]},
                "id": 0,
                "inventory_id": 0,
                "name": "string",
            }
        ],
        "tracking": {
            "bol": "string",
            "carrier": "USPS",
            "carrier_service": "Priority",
            "pro_number": "string",
            "scac": "string",
            "shipping_date": "2019-08-24T14:15:22Z",
            "tracking_number": "860C8CDC8F0B4FC7AB69AC86C20539EC",
            "tracking_url": "https://www.example.com/tracking?id=860C8CDC8F0B4FC7AB69AC86C20539EC",
        },
    }
]


# POST /2025-07/order -> 201
CREATED_ORDER = {
    "channel": {"id": 0, "name": "ShipBobs-Shopify-Store"},
    "created_date": "2019-08-24T14:15:22Z",
    "financials": {"total_price": 0.1},
    "gift_message": "string",
    "id": 0,
    "order_number": "string",
    "products": [
        {
            "external_line_id": 0,
            "gtin": "string",
            "id": 0,
            "quantity": 0,
            "quantity_unit_of_measure_code": "string",
            "reference_id": "TShirtBlueM",
            "sku": "TShirtBlueM",
            "unit_price": 0.1,
            "upc": "string",
        }
    ],
    "purchase_date": "2019-08-24T14:15:22Z",
    "recipient": {
        "address": {
            "address1": "100 Nowhere Blvd",
            "address2": "Suite 100",
            "city": "Gotham City",
            "company_name": "Wayne Enterprises",
            "country": "US",
            "state": "NJ",
            "zip_code": "07093",
        },
        "email": "john@example.com",
        "name": "John Doe",
        "phone_number": "555-555-5555",
    },
    "reference_id": "string",
    "retailer_program_data": {
        "addresses": [
            {
                "address1": "100 Nowhere Blvd",
                "address2": "Suite 100",
                "city": "Gotham City",
                "company_name": "Wayne Enterprises",
                "country": "US",
                "state": "NJ",
                "type": "MarkFor",
                "zip_code": "07093",
            }
        ],
        "customer_ticket_number": "string",
        "delivery_date": "2019-08-24T14:15:22Z",
        "department": "string",
        "doNotShipBeforeDate": "2019-08-24T14:15:22Z",
        "mark_for_store": "string",
        "purchase_order_number": "string",
        "retailer_program_type": "string",
        "shipByDate": "2019-08-24T14:15:22Z",
    },
    "shipments": [
        {
            "actual_fulfillment_date": "2019-08-24T14:15:22Z",
            "created_date": "2019-08-24T14:15:22Z",
            "delivery_date": "2019-08-24T14:15:22Z",
            "estimated_fulfillment_date": "2019-08-24T14:15:22Z",
            "estimated_fulfillment_date_status": "AwaitingInventoryAllocation",
            "gift_message": "string",
            "id": 0,
            "insurance_value": 0,
            "invoice_amount": 0,
            "invoice_currency_code": "string",
            "is_tracking_uploaded": True,
            "last_tracking_update_at": "2019-08-24T14:15:22Z",
            "last_update_at": "2019-08-24T14:15:22Z",
            "location": {"id": 0, "name": "Cicero (IL)"},
            "measurements": {"depth_in": 0, "length_in": 0, "total_weight_oz": 0, "width_in": 0},
            "order_id": 0,
            "package_material_type": "Unknown",
            "parent_cartons": [
                {
                    "barcode": "string",
                    "cartons": [
                        {
                            "barcode": "string",
                            "carton_details": [
                                {
                                    "products": [
                                        {
                                            "id": 0,
                                            "inventory_items": [
                                                {
                                                    "expiration_date": "2019-08-24T14:15:22Z",
                                                    "id": 0,
                                                    "is_dangerous_goods": True,
                                                    "lot": "22222",
                                                    "name": "Medium " "Blue " "T-Shirt",
                                                    "quantity": 0,
                                                    "quantity_committed": 0,
                                                    "serial_numbers": ["string"],
                                                }
                                            ],
                                            "name": "Medium Blue " "T-Shirt",
                                            "reference_id": "TShirtBlueM",
                                            "sku": "TShirtBlueM",
                                        }
                                    ]
                                }
                            ],
                            "id": 0,
                            "measurements": {
                                "depth_in": 0.1,
                                "length_in": 0.1,
                                "total_weight_oz": 0.1,
                                "width_in": 0.1,
                            },
                            "type": "Box or pallet",
                        }
                    ],
                    "measurements": {
                        "depth_in": 0.1,
                        "length_in": 0.1,
                        "total_weight_oz": 0.1,
                        "width_in": 0.1,
                    },
                    "type": "Box or pallet",
                }
            ],
            "products": [
                {
                    "id": 0,
                    "inventory_items": [
                        {
                            "expiration_date": "2019-08-24T14:15:22Z",
                            "id": 0,
                            "is_dangerous_goods": True,
                            "lot": "22222",
                            "name": "Medium Blue T-Shirt",
                            "quantity": 0,
                            "quantity_committed": 0,
                            "serial_numbers": ["string"],
                        }
                    ],
                    "name": "Medium Blue T-Shirt",
                    "reference_id": "TShirtBlueM",
                    "sku": "TShirtBlueM",
                }
            ],
            "recipient": {
                "address": {
                    "address1": "100 Nowhere Blvd",
                    "address2": "Suite 100",
                    "city": "Gotham City",
                    "company_name": "Wayne Enterprises",
                    "country": "US",
                    "state": "NJ",
                    "zip_code": "07093",
                },
                "email": "john@example.com",
                "full_name": "John Doe",
                "name": "John Doe",
                "phone_number": "555-555-5555",
            },
            "reference_id": "string",
            "require_signature": True,
            "ship_option": "Standard",
            "status": "None",
            "status_details": [
                {
                    "description": "string",
                    "exception_fulfillment_center_id": 0,
                    "extra_information": {"validation_messages": ["string"]},
                    "id": 0,
                    "inventory_id": 0,
                    "name": "string",
                }
            ],
            "tracking": {
                "bol": "string",
                "carrier": "USPS",
                "carrier_service": "Priority",
                "pro_number": "string",
                "scac": "string",
                "shipping_date": "2019-08-24T14:15:22Z",
                "tracking_number": "860C8CDC8F0B4FC7AB69AC86C20539EC",
                "tracking_url": "https://www.example.com/tracking?id=860C8CDC8F0B4FC7AB69AC86C20539EC",
            },
        }
    ],
    "shipping_method": "Free 2-day Shipping",
    "shipping_terms": {"carrier_type": "Parcel", "payment_term": "Collect"},
    "status": "Processing",
    "tags": [{"name": "Handling instructions", "value": "Fragile"}],
    "type": "DTC",
}


# POST /2025-07/order/{orderId}:cancel -> 200
CANCELLED_ORDER = {
    "canceled_shipment_results": [
        {"action": "Cancel", "is_success": True, "reason": "string", "shipment_id": 0}
    ],
    "order": {
        "channel": {"id": 0, "name": "ShipBobs-Shopify-Store"},
        "created_date": "2019-08-24T14:15:22Z",
        "financials": {"total_price": 0.1},
        "gift_message": "string",
        "id": 0,
        "order_number": "string",
        "products": [
            {
                "external_line_id": 0,
                "gtin": "string",
                "id": 0,
                "quantity": 0,
                "quantity_unit_of_measure_code": "string",
                "reference_id": "TShirtBlueM",
                "sku": "TShirtBlueM",
                "unit_price": 0.1,
                "upc": "string",
            }
        ],
        "purchase_date": "2019-08-24T14:15:22Z",
        "recipient": {
            "address": {
                "address1": "100 Nowhere Blvd",
                "address2": "Suite 100",
                "city": "Gotham City",
                "company_name": "Wayne Enterprises",
                "country": "US",
                "state": "NJ",
                "zip_code": "07093",
            },
            "email": "john@example.com",
            "name": "John Doe",
            "phone_number": "555-555-5555",
        },
        "reference_id": "string",
        "retailer_program_data": {
            "addresses": [
                {
                    "address1": "100 Nowhere Blvd",
                    "address2": "Suite 100",
                    "city": "Gotham City",
                    "company_name": "Wayne Enterprises",
                    "country": "US",
                    "state": "NJ",
                    "type": "MarkFor",
                    "zip_code": "07093",
                }
            ],
            "customer_ticket_number": "string",
            "delivery_date": "2019-08-24T14:15:22Z",
            "department": "string",
            "doNotShipBeforeDate": "2019-08-24T14:15:22Z",
            "mark_for_store": "string",
            "purchase_order_number": "string",
            "retailer_program_type": "string",
            "shipByDate": "2019-08-24T14:15:22Z",
        },
        "shipments": [
            {
                "actual_fulfillment_date": "2019-08-24T14:15:22Z",
                "created_date": "2019-08-24T14:15:22Z",
                "delivery_date": "2019-08-24T14:15:22Z",
                "estimated_fulfillment_date": "2019-08-24T14:15:22Z",
                "estimated_fulfillment_date_status": "AwaitingInventoryAllocation",
                "gift_message": "string",
                "id": 0,
                "insurance_value": 0,
                "invoice_amount": 0,
                "invoice_currency_code": "string",
                "is_tracking_uploaded": True,
                "last_tracking_update_at": "2019-08-24T14:15:22Z",
                "last_update_at": "2019-08-24T14:15:22Z",
                "location": {"id": 0, "name": "Cicero (IL)"},
                "measurements": {"depth_in": 0, "length_in": 0, "total_weight_oz": 0, "width_in": 0},
                "order_id": 0,
                "package_material_type": "Unknown",
                "parent_cartons": [
                    {
                        "barcode": "string",
                        "cartons": [
                            {
                                "barcode": "string",
                                "carton_details": [
                                    {
                                        "products": [
                                            {
                                                "id": 0,
                                                "inventory_items": [
                                                    {
                                                        "expiration_date": "2019-08-24T14:15:22Z",
                                                        "id": 0,
                                                        "is_dangerous_goods": True,
                                                        "lot": "22222",
                                                        "name": "Medium " "Blue " "T-Shirt",
                                                        "quantity": 0,
                                                        "quantity_committed": 0,
                                                        "serial_numbers": [None],
                                                    }
                                                ],
                                                "name": "Medium " "Blue " "T-Shirt",
                                                "reference_id": "TShirtBlueM",
                                                "sku": "TShirtBlueM",
                                            }
                                        ]
                                    }
                                ],
                                "id": 0,
                                "measurements": {
                                    "depth_in": 0.1,
                                    "length_in": 0.1,
                                    "total_weight_oz": 0.1,
                                    "width_in": 0.1,
                                },
                                "type": "Box or pallet",
                            }
                        ],
                        "measurements": {
                            "depth_in": 0.1,
                            "length_in": 0.1,
                            "total_weight_oz": 0.1,
                            "width_in": 0.1,
                        },
                        "type": "Box or pallet",
                    }
                ],
                "products": [
                    {
                        "id": 0,
                        "inventory_items": [
                            {
                                "expiration_date": "2019-08-24T14:15:22Z",
                                "id": 0,
                                "is_dangerous_goods": True,
                                "lot": "22222",
                                "name": "Medium Blue T-Shirt",
                                "quantity": 0,
                                "quantity_committed": 0,
                                "serial_numbers": ["string"],
                            }
                        ],
                        "name": "Medium Blue T-Shirt",
                        "reference_id": "TShirtBlueM",
                        "sku": "TShirtBlueM",
                    }
                ],
                "recipient": {
                    "address": {
                        "address1": "100 Nowhere Blvd",
                        "address2": "Suite 100",
                        "city": "Gotham City",
                        "company_name": "Wayne Enterprises",
                        "country": "US",
                        "state": "NJ",
                        "zip_code": "07093",
                    },
                    "email": "john@example.com",
                    "full_name": "John Doe",
                    "name": "John Doe",
                    "phone_number": "555-555-5555",
                },
                "reference_id": "string",
                "require_signature": True,
                "ship_option": "Standard",
                "status": "None",
                "status_details": [
                    {
                        "description": "string",
                        "exception_fulfillment_center_id": 0,
                        "extra_information": {"validation_messages": ["string"]},
                        "id": 0,
                        "inventory_id": 0,
                        "name": "string",
                    }
                ],
                "tracking": {
                    "bol": "string",
                    "carrier": "USPS",
                    "carrier_service": "Priority",
                    "pro_number": "string",
                    "scac": "string",
                    "shipping_date": "2019-08-24T14:15:22Z",
                    "tracking_number": "860C8CDC8F0B4FC7AB69AC86C20539EC",
                    "tracking_url": "https://www.example.com/tracking?id=860C8CDC8F0B4FC7AB69AC86C20539EC",
                },
            }
        ],
        "shipping_method": "Free 2-day Shipping",
        "shipping_terms": {"carrier_type": "Parcel", "payment_term": "Collect"},
        "status": "Processing",
        "tags": [{"name": "Handling instructions", "value": "Fragile"}],
        "type": "DTC",
    },
    "order_id": 0,
    "status": "Success",
}


# GET /2025-07/receiving/{id} -> 200
RECEIVING_ORDER = {
    "box_labels_uri": "https://api.shipbob.com/1.0/receiving/1/labels",
    "box_packaging_type": "EverythingInOneBox",
    "expected_arrival_date": "2019-08-24T14:15:22Z",
    "external_sync_timestamp": "2019-08-24T14:15:22Z",
    "fulfillment_center": {
        "address1": "5900 W Ogden Ave",
        "address2": "Suite 100",
        "city": "Cicero",
        "country": "USA",
        "email": "example@example.com",
        "id": 0,
        "name": "Cicero (IL)",
        "phone_number": "555-555-5555",
        "state": "IL",
        "timezone": "Central Standard Time",
        "zip_code": "60804",
    },
    "id": 0,
    "insert_date": "2019-08-24T14:15:22Z",
    "inventory_quantities": [
        {
            "expected_quantity": 0,
            "inventory_id": 0,
            "received_quantity": 0,
            "sku": "string",
            "stowed_quantity": 0,
        }
    ],
    "last_updated_date": "2019-08-24T14:15:22Z",
    "package_type": "Package",
    "purchase_order_number": "string",
    "status": "Awaiting",
    "status_history": [{"id": 0, "status": "Processing", "timestamp": "2019-08-24T14:15:22Z"}],
}


# GET /2025-07/receiving/{id}/boxes -> 200
RECEIVING_BOXES = [
    {
        "arrived_date": "2019-08-24T14:15:22Z",
        "box_id": 0,
        "box_items": [
            {
                "inventory_id": 0,
                "lot_date": "2019-08-24T14:15:22Z",
                "lot_number": "string",
                "quantity": 0,
                "received_quantity": 0,
                "stowed_quantity": 0,
            }
        ],
        "box_number": 0,
        "box_status": "Awaiting",
        "counting_started_date": "2019-08-24T14:15:22Z",
        "received_date": "2019-08-24T14:15:22Z",
        "tracking_number": "860C8CDC8F0B4FC7AB69AC86C20539EC",
    }
]


# GET /2025-07/inventory-level -> 200
INVENTORY_LEVELS = {
    "first": "string",
    "items": [
        {
            "inventory_id": 0,
            "name": "string",
            "sku": "string",
            "total_awaiting_quantity": 0,
            "total_backordered_quantity": 0,
            "total_committed_quantity": 0,
            "total_exception_quantity": 0,
            "total_fulfillable_quantity": 0,
            "total_internal_transfer_quantity": 0,
            "total_on_hand_quantity": 0,
            "total_sellable_quantity": 0,
        }
    ],
    "last": "string",
    "next": "string",
    "prev": "string",
}


# GET /2025-07/inventory-level/locations -> 200
INVENTORY_LEVELS_BY_LOCATION = {
    "first": "string",
    "items": [
        {
            "inventory_id": 0,
            "locations": [
                {
                    "awaiting_quantity": 0,
                    "committed_quantity": 0,
                    "fulfillable_quantity": 0,
                    "internal_transfer_quantity": 0,
                    "location_id": 0,
                    "name": "string",
                    "on_hand_quantity": 0,
                }
            ],
            "name": "string",
            "sku": "string",
        }
    ],
    "last": "string",
    "next": "string",
    "prev": "string",
}


# GET /2025-07/inventory-level/lots -> 200
INVENTORY_LEVELS_BY_LOT = {
    "first": "string",
    "items": [
        {
            "inventory_id": 0,
            "lots": [
                {
                    "awaiting_quantity": 0,
                    "committed_quantity": 0,
                    "fulfillable_quantity": 0,
                    "internal_transfer_quantity": 0,
                    "locations": [
                        {
                            "awaiting_quantity": 0,
                            "committed_quantity": 0,
                            "fulfillable_quantity": 0,
                            "internal_transfer_quantity": 0,
                            "location_id": 0,
                            "name": "string",
                            "on_hand_quantity": 0,
                        }
                    ],
                    "lot_date": "2019-08-24T14:15:22Z",
                    "lot_number": "string",
                    "on_hand_quantity": 0,
                }
            ],
            "name": "string",
            "sku": "string",
        }
    ],
    "last": "string",
    "next": "string",
    "prev": "string",
}


# GET /2025-07/return/{id} -> 200
RETURN_ORDER = {
    "arrived_date": "2019-08-24T14:15:22Z",
    "awaiting_arrival_date": "2019-08-24T14:15:22Z",
    "cancelled_date": "2019-08-24T14:15:22Z",
    "channel": {"id": 0, "name": "string"},
    "completed_date": "2019-08-24T14:15:22Z",
    "customer_name": "string",
    "fulfillment_center": {"id": 0, "name": "string"},
    "id": 0,
    "insert_date": "2019-08-24T14:15:22Z",
    "inventory": [
        {
            "action_requested": {"action": "string", "action_type": "string", "instructions": "string"},
            "action_taken": [
                {
                    "action": "string",
                    "action_reason": "string",
                    "image_url": "http://example.com",
                    "quantity_processed": 0,
                }
            ],
            "barcodes": ["string"],
            "id": 0,
            "lot_information": {
                "expiration": "2019-08-24T14:15:22Z",
                "minimumShelfLife": 0,
                "number": "string",
            },
            "name": "string",
            "quantity": 0,
            "sku": "string",
        }
    ],
    "invoice": {"amount": 0.1, "currency_code": "string"},
    "original_shipment_id": 0,
    "processing_date": "2019-08-24T14:15:22Z",
    "reference_id": "string",
    "return_type": "string",
    "shipment_tracking_number": "string",
    "status": "string",
    "status_history": [{"status": "string", "timestamp": "2019-08-24T14:15:22Z"}],
    "store_order_id": "string",
    "tracking_number": "string",
    "transactions": [{"amount": 0.1, "transaction_type": "string"}],
}


# POST /2025-07/return -> 201
CREATED_RETURN = {
    "channel": {"id": 0, "name": "string"},
    "completed_date": "2019-08-24T14:15:22Z",
    "customer_name": "string",
    "fulfillment_center": {"id": 0, "name": "string"},
    "id": 0,
    "insert_date": "2019-08-24T14:15:22Z",
    "inventory": [
        {
            "action_requested": {"action": "string", "action_type": "string", "instructions": "string"},
            "action_taken": [
                {
                    "action": "string",
                    "action_reason": "string",
                    "image_url": "http://example.com",
                    "quantity_processed": 0,
                }
            ],
            "id": 0,
            "name": "string",
            "quantity": 0,
        }
    ],
    "invoice_amount": 0.1,
    "original_shipment_id": 0,
    "reference_id": "string",
    "return_type": "string",
    "status": "string",
    "store_order_id": "string",
    "tracking_number": "string",
    "transactions": [{"amount": 0.1, "transaction_type": "string"}],
}


# POST /2025-07/webhook -> 200
WEBHOOK_SUBSCRIPTION = {
    "created_at": "2019-08-24T14:15:22Z",
    "description": "string",
    "id": "12345",
    "secret": "string",
    "topics": ["string"],
    "url": "string",
}


# GET /2025-07/webhook -> 200
WEBHOOK_SUBSCRIPTIONS = {
    "items": [
        {
            "created_at": "2019-08-24T14:15:22Z",
            "description": "string",
            "enabled": True,
            "id": "12345",
            "topics": ["string"],
            "url": "string",
        }
    ],
    "next": "string",
    "prev": "string",
}


# brianzinn/shipbob-node-sdk test/files/wro_1.json (ShipBob sandbox answer)
SANDBOX_WRO_COMPLETED = {
    "id": 443001,
    "status": "Completed",
    "package_type": "Pallet",
    "box_packaging_type": "MultipleSkuPerBox",
    "expected_arrival_date": "2025-03-10T14:15:22+00:00",
    "insert_date": "2025-02-19T03:14:23.7565958+00:00",
    "last_updated_date": "2025-02-19T03:14:26.0009706+00:00",
    "box_labels_uri": "/2.0/receiving/443001/labels",
    "fulfillment_center": {
        "id": 10,
        "name": "Moreno Valley (CA)",
        "timezone": "Pacific Standard Time",
        "address1": "28010 Eucalyptus Ave",
        "address2": "Building #1",
        "city": "Moreno Valley",
        "state": "CA",
        "country": "US",
        "zip_code": "92555",
        "phone_number": "8444744726",
        "email": "<redacted>",
    },
    "purchase_order_number": "POTEST1",
    "inventory_quantities": [
        {
            "inventory_id": 8588331,
            "sku": "100",
            "expected_quantity": 100,
            "received_quantity": 100,
            "stowed_quantity": 100,
        },
        {
            "inventory_id": 8588349,
            "sku": "101",
            "expected_quantity": 100,
            "received_quantity": 100,
            "stowed_quantity": 100,
        },
        {
            "inventory_id": 8588348,
            "sku": "102",
            "expected_quantity": 100,
            "received_quantity": 100,
            "stowed_quantity": 100,
        },
    ],
    "external_sync_timestamp": "2025-02-19T17:31:49.9443975+00:00",
}


# brianzinn/shipbob-node-sdk test/files/wro_2.json (ShipBob sandbox answer)
SANDBOX_WRO_PROCESSING = {
    "id": 443002,
    "status": "Processing",
    "package_type": "Pallet",
    "box_packaging_type": "MultipleSkuPerBox",
    "expected_arrival_date": "2025-03-11T14:15:22+00:00",
    "insert_date": "2025-02-19T03:19:37.3484349+00:00",
    "last_updated_date": "2025-02-19T03:19:39.4328299+00:00",
    "box_labels_uri": "/2.0/receiving/443002/labels",
    "fulfillment_center": {
        "id": 10,
        "name": "Moreno Valley (CA)",
        "timezone": "Pacific Standard Time",
        "address1": "28010 Eucalyptus Ave",
        "address2": "Building #1",
        "city": "Moreno Valley",
        "state": "CA",
        "country": "US",
        "zip_code": "92555",
        "phone_number": "8444744726",
        "email": "<redacted>",
    },
    "purchase_order_number": "POTEST2",
    "inventory_quantities": [
        {
            "inventory_id": 8588331,
            "sku": "100",
            "expected_quantity": 100,
            "received_quantity": 0,
            "stowed_quantity": 50,
        },
        {
            "inventory_id": 8588349,
            "sku": "101",
            "expected_quantity": 100,
            "received_quantity": 0,
            "stowed_quantity": 0,
        },
        {
            "inventory_id": 8588348,
            "sku": "102",
            "expected_quantity": 100,
            "received_quantity": 0,
            "stowed_quantity": 0,
        },
    ],
    "external_sync_timestamp": None,
}


# brianzinn/shipbob-node-sdk test/files/wro_boxes_response_completed.json (ShipBob sandbox answer)
SANDBOX_WRO_BOXES_COMPLETED = [
    {
        "box_id": 1571187,
        "box_number": 1,
        "box_status": "Completed",
        "arrived_date": "2025-02-19T01:50:36.1333333+00:00",
        "received_date": "2025-02-19T02:50:36.1333333+00:00",
        "counting_started_date": "2025-02-19T03:50:36.1333333+00:00",
        "tracking_number": "860C8CDC8F0B4FC7AB69AC86C20539EC",
        "box_items": [
            {
                "quantity": 100,
                "received_quantity": 100,
                "stowed_quantity": 100,
                "inventory_id": 8588331,
                "lot_number": None,
                "lot_date": None,
            }
        ],
    },
    {
        "box_id": 1571188,
        "box_number": 2,
        "box_status": "Completed",
        "arrived_date": "2025-02-19T01:50:36.1333333+00:00",
        "received_date": "2025-02-19T02:50:36.1333333+00:00",
        "counting_started_date": "2025-02-19T03:50:36.1333333+00:00",
        "tracking_number": "960C8CDC8F0B4FC7AB69AC86C20539AB",
        "box_items": [
            {
                "quantity": 100,
                "received_quantity": 100,
                "stowed_quantity": 100,
                "inventory_id": 8588349,
                "lot_number": None,
                "lot_date": None,
            },
            {
                "quantity": 100,
                "received_quantity": 100,
                "stowed_quantity": 100,
                "inventory_id": 8588348,
                "lot_number": None,
                "lot_date": None,
            },
        ],
    },
]


# brianzinn/shipbob-node-sdk test/files/wro_boxes_response_stowing.json (ShipBob sandbox answer)
SANDBOX_WRO_BOXES_STOWING = [
    {
        "box_id": 1571189,
        "box_number": 1,
        "box_status": "Stowing",
        "arrived_date": "2025-02-19T00:23:05.85+00:00",
        "received_date": "2025-02-19T01:23:05.85+00:00",
        "counting_started_date": "2025-02-19T02:23:05.85+00:00",
        "tracking_number": "XXX",
        "box_items": [
            {
                "quantity": 100,
                "received_quantity": 100,
                "stowed_quantity": 50,
                "inventory_id": 8588331,
                "lot_number": None,
                "lot_date": None,
            }
        ],
    },
    {
        "box_id": 1571190,
        "box_number": 2,
        "box_status": "Awaiting",
        "arrived_date": "2025-02-19T00:22:31.9966667+00:00",
        "received_date": "2025-02-19T01:22:31.9966667+00:00",
        "counting_started_date": "2025-02-19T02:22:31.9966667+00:00",
        "tracking_number": "YYY",
        "box_items": [
            {
                "quantity": 100,
                "received_quantity": 100,
                "stowed_quantity": 0,
                "inventory_id": 8588349,
                "lot_number": None,
                "lot_date": None,
            },
            {
                "quantity": 100,
                "received_quantity": 100,
                "stowed_quantity": 0,
                "inventory_id": 8588348,
                "lot_number": None,
                "lot_date": None,
            },
        ],
    },
]


def _fields(required=(), optional=(), enums=None):
    fields = {name: {"required": True} for name in required}
    fields.update({name: {"required": False} for name in optional})
    for name, values in (enums or {}).items():
        fields[name]["enum"] = values
    return fields


# POST /2025-07/order: Orders.CreateOrderModel, products by reference id
# (Orders.AddProductToOrderByReferenceIdModel); retailer_program_data left out
REQUEST_FIELDS = {
    "create_order": _fields(
        required=[
            "products",
            "recipient",
            "recipient.address",
            "recipient.address.address1",
            "recipient.address.city",
            "recipient.address.country",
            "recipient.name",
            "products[].quantity",
            "products[].reference_id",
        ],
        optional=[
            "financials",
            "financials.total_price",
            "gift_message",
            "location_id",
            "order_number",
            "origin_platform_program",
            "products[].external_line_id",
            "products[].quantity_unit_of_measure_code",
            "products[].gtin",
            "products[].name",
            "products[].sku",
            "products[].unit_price",
            "products[].upc",
            "purchase_date",
            "recipient.address.address2",
            "recipient.address.company_name",
            "recipient.address.state",
            "recipient.address.zip_code",
            "recipient.email",
            "recipient.phone_number",
            "reference_id",
            "requested_delivery_date",
            "sales_channel",
            "shipping_method",
            "shipping_terms",
            "shipping_terms.carrier_type",
            "shipping_terms.payment_term",
            "tags",
            "tags[].name",
            "tags[].value",
            "type",
        ],
        enums={
            "type": ["DTC", "DropShip", "B2B"],
            "shipping_terms.carrier_type": ["Parcel", "Freight"],
            "products[].quantity_unit_of_measure_code": ["EA", "INP", "CS", "PL"],
        },
    ),
    # POST /2025-07/receiving: Receiving.CreateReceivingOrderModel
    "create_receiving_order": _fields(
        required=[
            "box_packaging_type",
            "boxes",
            "boxes[].box_items",
            "boxes[].box_items[].inventory_id",
            "boxes[].box_items[].quantity",
            "boxes[].tracking_number",
            "expected_arrival_date",
            "fulfillment_center",
            "fulfillment_center.id",
            "package_type",
        ],
        optional=["boxes[].box_items[].lot_date", "boxes[].box_items[].lot_number", "purchase_order_number"],
        enums={
            "box_packaging_type": ["EverythingInOneBox", "OneSkuPerBox", "MultipleSkuPerBox"],
            "package_type": ["Package", "Pallet", "FloorLoadedContainer"],
        },
    ),
    # POST /2025-07/return: Returns.CreateReturnOrderModel
    "create_return": _fields(
        required=[
            "fulfillment_center",
            "fulfillment_center.id",
            "inventory",
            "inventory[].id",
            "inventory[].quantity",
            "inventory[].requested_action",
            "reference_id",
        ],
        optional=[
            "fulfillment_center.name",
            "inventory[].lot_date",
            "inventory[].lot_number",
            "original_shipment_id",
            "tracking_number",
        ],
        enums={"inventory[].requested_action": ["Default", "Restock", "Quarantine", "Dispose"]},
    ),
    # POST /2025-07/webhook: Webhooks.CreateWebhookSubscriptionModel
    "create_webhook": _fields(
        required=["topics", "url"],
        optional=["description", "secret", "topics[]"],
        enums={
            "topics[]": [
                "order.shipped",
                "order.shipment.delivered",
                "order.shipment.exception",
                "order.shipment.on_hold",
                "order.shipment.cancelled",
                "return.created",
                "return.updated",
                "return.completed",
            ]
        },
    ),
}
