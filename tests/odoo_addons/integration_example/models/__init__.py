from . import example_exporter, integration_backend
