from odoo import _, api, models

from ..lib.topics import UnknownTopic


class IntegrationEvent(models.Model):
    """An event's topic is one of its backend's table: its direction comes
    from there, and an event of a topic the table lacks is refused."""

    _inherit = "integration.event"

    @api.model
    def _receive(
        self,
        backend,
        topic,
        payload,
        idempotency_key,
        external_id=False,
        direction=None,
        refused=False,
        **kwargs,
    ):
        """See the core ``_receive``; ``direction`` and, unless given,
        ``payload_format`` are the table's.

        UnknownTopic (a PermanentError) for a topic the backend's table does
        not list, or a direction that contradicts it. ``refused``: a delivery
        kept as a failed event although nothing can process it (a refused
        webhook under ``webhook.malformed``): stored inbound, unchecked.
        """
        if refused:
            direction = direction or "in"
        else:
            row = backend._topic(topic)
            if direction and direction != row.direction:
                raise UnknownTopic(
                    _(
                        "Topic %(topic)s is %(direction)s on a %(type)s backend, not %(wrong)s.",
                        topic=topic,
                        direction=row.direction,
                        type=backend.backend_type,
                        wrong=direction,
                    )
                )
            direction = row.direction
            kwargs.setdefault("payload_format", row.payload_format)
        return super()._receive(
            backend, topic, payload, idempotency_key, external_id=external_id, direction=direction, **kwargs
        )
