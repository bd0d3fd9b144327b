"""Over RPC, nobody reaches _emit, the dispatcher or a listener: they are
private methods, which Odoo's RPC layer refuses to call."""

import json
import xmlrpc.client

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

PRIVATE_CALLS = [
    ("integration.backend", "_emit", ["shipment.export", {"evil": True}, "rpc-key"]),
    ("integration.odoo.event", "_dispatch", ["picking.done", []]),
    ("integration.odoo.event", "_replay_failed", [False, {}]),
    ("example.exporter", "_listen_pickings_done", [False, []]),
    ("example.exporter", "_export_shipment", [False, {}]),
]


@tagged("post_install", "-at_install")
class TestPrivateMethodsOverRpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company_b = cls.env["res.company"].create({"name": "RPC company B"})
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.portal = Users.create(
            {
                "name": "portal_rpc",
                "login": "portal_rpc",
                "password": "portal_rpc_pw",
                "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
            }
        )
        cls.manager_b = Users.create(
            {
                "name": "manager_b_rpc",
                "login": "manager_b_rpc",
                "password": "manager_b_rpc_pw",
                "company_id": company_b.id,
                "company_ids": [(6, 0, [company_b.id])],
                "groups_id": [(6, 0, [cls.env.ref("integration_core.group_integration_manager").id])],
            }
        )
        cls.example = cls.env["integration.backend"].create(
            {"name": "RPC example", "backend_type": "example"}
        )

    def _json_rpc(self, model, method, args):
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"model": model, "method": method, "args": args, "kwargs": {}},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def test_portal_and_other_company_users_cannot_call_private_methods(self):
        events_before = self.env["integration.event"].search_count([])
        for login in ("portal_rpc", "manager_b_rpc"):
            self.authenticate(login, f"{login}_pw")
            for model, method, args in PRIVATE_CALLS:
                full_args = [[self.example.id], *args] if model == "integration.backend" else args
                with mute_logger("odoo.http"):
                    answer = self._json_rpc(model, method, full_args)
                self.assertIn("error", answer, f"{login} called {model}.{method}")
                self.assertIn("Private methods", json.dumps(answer["error"]), f"{login}: {model}.{method}")
            uid = self.env["res.users"].search([("login", "=", login)]).id
            for model, method, args in PRIVATE_CALLS:
                with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
                    self.xmlrpc_object.execute_kw(
                        self.env.cr.dbname, uid, f"{login}_pw", model, method, [[self.example.id], *args]
                    )
        self.assertEqual(self.env["integration.event"].search_count([]), events_before)
