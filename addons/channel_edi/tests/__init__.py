from . import test_edi_customer
