"""The partners' screen: ``GET /`` of the EDI sandbox, a plain HTML page of
what each partner sent (with our 997's verdict) and what it received from
us (855, 856, 810... with their key values), for the demo and the tour."""

from html import escape


def _cell(value):
    return f"<td>{escape(str(value if value is not None else ''))}</td>"


def _row(values):
    return "<tr>" + "".join(_cell(v) for v in values) + "</tr>"


def _summary(doc):
    """One line about a document we sent: its PO, status, total, SSCCs."""
    parts = []
    if doc.get("po_number"):
        parts.append(f"PO {doc['po_number']}")
    if doc.get("ack_type"):
        statuses = ",".join(a["status"] for line in doc.get("lines", []) for a in line.get("acks", []))
        parts.append(f"{doc['ack_type']} {statuses}".strip())
    if doc.get("orders"):
        parts.append("POs " + ", ".join(doc["orders"]))
    if doc.get("ssccs"):
        parts.append(f"{len(doc['ssccs'])} SSCC")
    if doc.get("invoice_number"):
        parts.append(f"invoice {doc['invoice_number']} total {doc.get('total', '')}")
    for group in doc.get("groups", []):
        parts.append(f"997 for group {group['control_number']}: {group.get('code', '')}")
    if doc.get("typed_error"):
        parts.append(f"(our typed reader: {doc['typed_error']})")
    return "; ".join(parts)


def page(sandbox):
    """The HTML page of ``sandbox`` (an :class:`~sandbox.edi.EdiSandbox`)."""
    out = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>EDI sandbox partners</title>",
        "<style>body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:1em}"
        "td,th{border:1px solid #ccc;padding:2px 6px;font-size:90%}</style></head><body>",
        "<h1>EDI sandbox trading partners</h1>",
    ]
    for name, partner in sandbox.partners.items():
        state = partner.state()
        out.append(f"<h2>{escape(name)}: {escape(state['identity'])} ({escape(state['role'])})</h2>")
        out.append("<h3>Sent to us</h3><table><tr><th>file</th><th>ISA13</th><th>sets</th><th>delivered</th>")
        out.append("<th>our 997</th></tr>")
        for sent in reversed(state["sent"][-50:]):
            sets = " ".join(f"{t}/{n}" for t, n in sent["sets"])
            ack = (sent["ack"] or {}).get("code") or ("" if sent["sets"][0][0] == "997" else "awaiting")
            out.append(_row([sent["name"], sent["isa13"], sets, "yes" if sent["delivered"] else "held", ack]))
        out.append("</table><h3>Received from us</h3><table><tr><th>set</th><th>ST02</th><th>ISA13</th>")
        out.append("<th>duplicate</th><th>content</th></tr>")
        for doc in reversed(state["documents"][-50:]):
            out.append(
                _row(
                    [
                        doc["type"],
                        doc.get("control_number"),
                        doc.get("isa13"),
                        doc.get("duplicate"),
                        _summary(doc),
                    ]
                )
            )
        out.append("</table>")
    out.append("</body></html>")
    return "".join(out).encode("utf-8")
