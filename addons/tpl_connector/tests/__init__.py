from . import test_tpl_release
