"""The topic table (lib/topics.py): grammar, the checks made when a table is
built, and the look-ups the core makes (by name, by remote name, by feed,
by Odoo event)."""

import pytest

from odoo.addons.integration_core.lib.exceptions import PermanentError
from odoo.addons.integration_core.lib.topics import (
    TOPIC_NAME,
    Topic,
    TopicTable,
    TopicTableError,
    UnknownTopic,
    canonical_as_is,
)


def webhook(name, *remote, **kw):
    return Topic(name, "in", "webhook", "_apply", remote=remote, **kw)


def stock_out(**kw):
    values = {
        "model": "x.exporter",
        "odoo_event": "stock_move.done",
        "listener": "_listen_stock_moves_done",
        "label": "Stock levels out",
    }
    values.update(kw)
    return Topic("stock.export", "out", "odoo_event", "_export_stock_event", **values)


@pytest.mark.parametrize(
    "name",
    ["order.created", "stock.export", "order.catch_up", "payout.line.fetched", "x12.v850.received"],
)
def test_grammar_accepts_object_dot_action(name):
    assert TOPIC_NAME.match(name)
    assert Topic(name, "in", "manual", "_apply").problems() == []


@pytest.mark.parametrize(
    "name",
    [
        "orders/create",  # a remote name, not ours
        "orders.catch_up ",
        "Order.created",
        "order",
        "order.",
        ".created",
        "order..created",
        "order.created-now",
        "1order.created",
        "order.9created",
        "",
    ],
)
def test_grammar_refuses_anything_else(name):
    assert not TOPIC_NAME.match(name)
    problems = Topic(name, "in", "manual", "_apply").problems()
    assert problems and "<object>.<action>" in problems[0]


def test_a_row_is_checked_field_by_field():
    assert "direction 'both'" in " ".join(Topic("a.b", "both", "manual", "_x").problems())
    assert "feed 'cron'" in " ".join(Topic("a.b", "in", "cron", "_x").problems())
    assert "payload format 'pdf'" in " ".join(
        Topic("a.b", "in", "manual", "_x", payload_format="pdf").problems()
    )
    assert "no apply method" in " ".join(Topic("a.b", "in", "manual", "").problems())
    assert "remote is a tuple" in " ".join(Topic("a.b", "in", "webhook", "_x", remote="a/b").problems())


def test_mapper_and_kind_come_together():
    assert Topic("a.b", "in", "manual", "_x", kind="order", mapper=canonical_as_is).problems() == []
    assert Topic("a.b", "in", "manual", "_x", kind="order").problems()
    assert Topic("a.b", "in", "manual", "_x", mapper=canonical_as_is).problems()


def test_odoo_event_rows_need_a_known_event_and_a_listener():
    assert stock_out().problems() == []
    assert "Odoo event 'stock.moved'" in " ".join(stock_out(odoo_event="stock.moved").problems())
    assert "needs a listener" in " ".join(stock_out(listener=None).problems())
    other = Topic("a.b", "in", "webhook", "_x", listener="_listen")
    assert "only topics fed by an Odoo event" in " ".join(other.problems())


def test_a_table_refuses_a_bad_row_twice_named_topics_and_shared_remote_names():
    with pytest.raises(TopicTableError, match="<object>.<action>"):
        TopicTable([webhook("orders/create")])
    with pytest.raises(TopicTableError, match="order.created: declared twice"):
        TopicTable([webhook("order.created"), webhook("order.created")])
    with pytest.raises(TopicTableError, match="remote name 'orders/create'"):
        TopicTable([webhook("order.created", "orders/create"), webhook("order.updated", "orders/create")])
    # the same remote name in and out is two different things
    TopicTable([webhook("order.created", "850"), Topic("order.sent", "out", "manual", "_x", remote=("850",))])


def test_look_ups():
    table = TopicTable(
        [
            webhook("order.created", "orders/create"),
            webhook("order.updated", "orders/updated"),
            Topic("order.catch_up", "in", "schedule", "_catch_up"),
            stock_out(),
        ]
    )
    assert len(table) == 4
    assert table.names() == ["order.created", "order.updated", "order.catch_up", "stock.export"]
    assert "order.catch_up" in table and "orders.catch_up" not in table
    assert table.get("stock.export").direction == "out"
    assert table.get("nothing.here") is None
    assert table.by_remote("orders/create").name == "order.created"
    assert table.by_remote("orders/updated", direction="in").name == "order.updated"
    assert table.by_remote("orders/create", direction="out") is None
    assert table.by_remote("order.created") is None  # our name is not a remote name
    assert table.by_remote("orders/delete") is None
    assert [t.name for t in table.fed_by("webhook")] == ["order.created", "order.updated"]
    assert [t.name for t in table.listening_to("stock_move.done")] == ["stock.export"]
    assert table.listening_to("picking.done") == []
    assert [t.name for t in table] == table.names()


def test_an_empty_table_handles_nothing():
    table = TopicTable()
    assert len(table) == 0 and table.names() == [] and table.get("order.created") is None


def test_unknown_topic_is_a_permanent_validation_error():
    error = UnknownTopic("No handler for topic a.b")
    assert isinstance(error, PermanentError)
    assert error.category == "validation" and not error.retryable


def test_canonical_as_is_returns_the_payload():
    payload = {"external_id": "1"}
    assert canonical_as_is(payload) is payload
