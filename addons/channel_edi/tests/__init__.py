from . import (
    test_edi_asn,
    test_edi_bill,
    test_edi_customer,
    test_edi_edifact,
    test_edi_order_change,
    test_edi_po_ack,
    test_edi_supplier_files,
    test_edi_supply_access,
    test_edi_transport,
    test_edi_ui,
)
