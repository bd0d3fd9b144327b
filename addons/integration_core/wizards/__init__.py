from . import integration_event_ignore_wizard
