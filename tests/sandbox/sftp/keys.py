"""SSH keys for the sandbox: host keys of the server, users' login keys.

Generated with asyncssh per run (never committed), in the formats an admin
pastes into a profile: the private key as OpenSSH text (optionally
encrypted with a passphrase, or as PKCS#8 PEM), the public key as an
``authorized_keys`` / ``known_hosts`` line, and its ``SHA256:``
fingerprint as ``ssh-keygen -l`` prints it.
"""

from dataclasses import dataclass

import asyncssh

# what generate_key() accepts, with asyncssh's algorithm names
KEY_TYPES = {
    "ed25519": ("ssh-ed25519", {}),
    "ecdsa": ("ecdsa-sha2-nistp256", {}),
    "rsa": ("ssh-rsa", {"key_size": 2048}),
}


@dataclass(frozen=True)
class KeyPair:
    key: asyncssh.SSHKey  # the asyncssh key (what the server holds)
    public_line: str  # "ssh-ed25519 AAAA... comment"
    fingerprint: str  # "SHA256:..."

    @property
    def algorithm(self):
        return self.public_line.split()[0]

    def private_text(self, passphrase=None, fmt="openssh", rounds=16):
        """The private key as text: ``fmt`` "openssh" (BEGIN OPENSSH PRIVATE
        KEY), "pkcs8-pem" (BEGIN [ENCRYPTED] PRIVATE KEY) or "pkcs1-pem"
        (BEGIN RSA/EC PRIVATE KEY); encrypted with ``passphrase`` if given.
        ``rounds``: bcrypt rounds of an encrypted OpenSSH key (16 is
        ssh-keygen's default; tests take fewer, each costs every reader)."""
        options = {}
        if passphrase:
            options["passphrase"] = passphrase
            if fmt == "openssh":
                options.update(rounds=rounds, ignore_few_rounds=True)
        return self.key.export_private_key(fmt, **options).decode("ascii")


def generate_key(kind="ed25519", comment="sandbox"):
    """A fresh :class:`KeyPair` of ``kind`` ("ed25519", "ecdsa" or "rsa")."""
    algorithm, options = KEY_TYPES[kind]
    key = asyncssh.generate_private_key(algorithm, comment=comment, **options)
    return key_pair(key)


def key_pair(key):
    public_line = key.export_public_key("openssh").decode("ascii").strip()
    return KeyPair(key=key, public_line=public_line, fingerprint=key.get_fingerprint("sha256"))
