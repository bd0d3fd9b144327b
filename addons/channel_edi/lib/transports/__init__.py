"""Transports of EDI files: AS2 over HTTP (:mod:`.as2`, with the CMS part in
:mod:`.smime`) and SFTP (:mod:`.sftp`). Import the modules directly."""
