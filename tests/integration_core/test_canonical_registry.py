"""The canonical schema registry: any addon adds its kinds (a ``schemas/``
folder of ``<kind>.v<version>.json``), the core kinds stay, and a kind
registered twice with different content is an error."""

import json
import uuid
from pathlib import Path

import pytest
from jsonschema.exceptions import SchemaError

from odoo.addons.integration_core.lib import canonical
from odoo.addons.integration_core.lib.exceptions import ValidationFailed

ADDONS = Path(__file__).resolve().parents[2] / "addons"


def _kind():
    """A kind name no other test registers (the registry is per process)."""
    return f"asn_{uuid.uuid4().hex[:10]}"


def _schema(kind, version=1, **properties):
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:integration:canonical:{kind}:{version}",
        "type": "object",
        "required": ["schema_version", "external_id"],
        "additionalProperties": False,
        "properties": {
            "schema_version": {"const": version},
            "external_id": {"type": "string", "minLength": 1},
            **properties,
        },
    }


def _write(folder, kind, version=1, **properties):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.v{version}.json"
    path.write_text(json.dumps(_schema(kind, version, **properties)), encoding="utf-8")
    return path


def test_core_kinds_are_registered():
    assert set(canonical.KINDS) <= set(canonical.kinds())
    assert set(canonical.KINDS) == {
        "order", "customer", "product", "invoice", "payment", "shipment", "stock_level",
    }  # fmt: skip
    for kind in canonical.KINDS:
        assert canonical.versions(kind) == ((1, 2) if kind == "shipment" else (1,))


def test_an_addon_folder_adds_its_kinds_and_they_validate(tmp_path):
    kind = _kind()
    _write(tmp_path / "schemas", kind, lines={"type": "array"})
    _write(tmp_path / "schemas", kind, version=2, lines={"type": "array", "minItems": 1})
    assert canonical.register_schema_dir(tmp_path / "schemas") == [(kind, 1), (kind, 2)]
    assert kind in canonical.kinds()
    assert canonical.versions(kind) == (1, 2)
    assert canonical.iter_errors(kind, {"schema_version": 1, "external_id": "A1", "lines": []}) == []
    assert canonical.iter_errors(kind, {"schema_version": 2, "external_id": "A1", "lines": []}) == [
        "lines: [] should be non-empty"
    ]
    with pytest.raises(ValidationFailed, match="external_id"):
        canonical.validate(kind, {"schema_version": 1, "external_id": ""})
    # an unknown version is a problem of the payload, not a crash
    assert canonical.iter_errors(kind, {"schema_version": 3, "external_id": "A"})[0].startswith(
        "schema_version: There is no version 3"
    )


def test_registering_the_same_folder_again_is_a_no_op(tmp_path):
    kind = _kind()
    _write(tmp_path, kind)
    first = canonical.register_schema_dir(tmp_path)
    assert canonical.register_schema_dir(tmp_path) == first
    # and the core folder, which integration_core registered on import
    assert canonical.register_schema_dir(canonical.SCHEMAS_DIR)


def test_a_kind_registered_twice_with_different_content_is_an_error(tmp_path):
    kind = _kind()
    _write(tmp_path / "one", kind)
    _write(tmp_path / "two", kind, note={"type": "string"})
    canonical.register_schema_dir(tmp_path / "one")
    with pytest.raises(
        canonical.SchemaConflict, match=f"{kind} v1 is registered twice with different content"
    ):
        canonical.register_schema_dir(tmp_path / "two")
    # the first one stays
    assert "note" not in canonical.load_schema(kind)["properties"]


def test_an_addon_cannot_redefine_a_core_kind(tmp_path):
    _write(tmp_path, "order")
    with pytest.raises(canonical.SchemaConflict, match="order v1"):
        canonical.register_schema_dir(tmp_path)
    assert "lines" in canonical.load_schema("order")["properties"]


def test_misnamed_or_broken_schema_files_are_refused(tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "ASN.json").write_text("{}")
    with pytest.raises(ValueError, match="named <kind>.v<version>.json"):
        canonical.register_schema_dir(tmp_path / "bad")
    kind = _kind()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / f"{kind}.v1.json").write_text(json.dumps({"type": "nonsense"}))
    with pytest.raises(SchemaError):
        canonical.register_schema_dir(tmp_path / "broken")
    assert kind not in canonical.kinds()
    other = _kind()
    (tmp_path / "wrong_id").mkdir()
    (tmp_path / "wrong_id" / f"{other}.v1.json").write_text(json.dumps(_schema("payout")))
    with pytest.raises(ValueError, match="does not name"):
        canonical.register_schema_dir(tmp_path / "wrong_id")
    with pytest.raises(ValueError, match="No schema folder"):
        canonical.register_schema_dir(tmp_path / "absent")
    with pytest.raises(ValueError, match="lower snake case"):
        canonical.register_schema("Payout", 1, {})


def test_every_addon_schema_folder_is_registered_by_its_addon():
    """Importing an addon's plain package registers its ``schemas/`` (the
    same import Odoo does when it loads the addon)."""
    import importlib

    folders = sorted(ADDONS.glob("*/schemas"))
    for folder in folders:
        importlib.import_module(f"odoo.addons.{folder.parent.name}.lib")
    for folder in folders:
        for path in folder.glob("*.json"):
            kind, _dot, rest = path.name.partition(".v")
            version = int(rest.removesuffix(".json"))
            assert canonical.load_schema(kind, version) == json.loads(path.read_text()), path
