"""ORM-free building blocks of integration_core."""
