"""Keyed hashes for lookups and authenticated encryption for the few values that must be read back
(a LINE user id to push a caseworker's reply; contact details the person chose to give)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class Keys:
    def __init__(self, secret: bytes) -> None:
        self._hash_key = hmac.new(secret, b"tobira/lookup-hash/v1", hashlib.sha256).digest()
        box_key = hmac.new(secret, b"tobira/encryption/v1", hashlib.sha256).digest()
        self._box = Fernet(base64.urlsafe_b64encode(box_key))

    def lookup_hash(self, channel: str, address: str) -> str:
        """HMAC-SHA256 of the channel address: stable for lookups, useless without the key."""
        return hmac.new(self._hash_key, f"{channel}:{address}".encode(), hashlib.sha256).hexdigest()

    def encrypt(self, value: str) -> str:
        return self._box.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str | None:
        try:
            return self._box.decrypt(token.encode()).decode()
        except InvalidToken:
            return None
