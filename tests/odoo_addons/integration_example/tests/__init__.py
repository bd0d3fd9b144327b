from . import test_example_channel, test_example_dispatch, test_example_rpc
