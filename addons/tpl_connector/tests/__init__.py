from . import test_tpl_inventory, test_tpl_release
