"""Transports of EDI files, shared by channel_edi and tpl_connector.

- :mod:`.sftp`: SFTP on paramiko (partners' servers and VAN mailboxes):
  host-key pinning, atomic upload, pickup acknowledged after storage
  (:mod:`.ssh_keys`: the pinned host keys and the login key it reads);
- :mod:`.as2`: AS2 over HTTP (S/MIME signing and encryption, MDNs, MIC),
  with the CMS part in :mod:`.smime`.

Import the modules directly (``from .lib.transports import sftp``).
"""
