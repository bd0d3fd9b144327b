from . import test_edi_customer, test_edi_transport
