from . import test_tpl_release, test_tpl_rest, test_tpl_tour
