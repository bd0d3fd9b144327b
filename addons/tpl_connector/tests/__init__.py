from . import (
    test_tpl_access,
    test_tpl_inventory,
    test_tpl_release,
    test_tpl_rest,
    test_tpl_tour,
    test_tpl_x12,
)
