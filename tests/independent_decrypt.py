#!/usr/bin/env python3
"""Independent strongroom blob decryptor, written from docs/FORMAT.md alone.

Usage: independent_decrypt.py BACKING_KEY_HEX BLOB_FILE [CONTEXT_JSON]
       independent_decrypt.py --self-test

CONTEXT_JSON is a JSON object of strings to strings (omitted, null and {} are the same).
Writes the plaintext bytes to stdout. Exits 1 if the blob does not authenticate, 2 on bad input.
Needs only the `cryptography` package.
"""

import json
import struct
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

BLOB_VERSION = 1
HEADER_LEN = 21  # version(1) || key id(16) || backing-key version(4, LE)
NONCE_LEN = 24
TAG_LEN = 16


def xaes_256_gcm_open(key, nonce, sealed, aad):
    """C2SP XAES-256-GCM: derive the per-nonce AES-256-GCM key, then open with N[12:24]."""
    aes = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    l_block = aes.update(bytes(16))
    k1 = (int.from_bytes(l_block, "big") << 1) & ((1 << 128) - 1)
    if l_block[0] & 0x80:
        k1 ^= 0x87
    k1 = k1.to_bytes(16, "big")
    m1 = b"\x00\x01X\x00" + nonce[:12]
    m2 = b"\x00\x02X\x00" + nonce[:12]
    kx = aes.update(bytes(a ^ b for a, b in zip(m1, k1)))
    kx += aes.update(bytes(a ^ b for a, b in zip(m2, k1)))
    return AESGCM(kx).decrypt(nonce[12:], sealed, aad)


def canonical_context(ctx):
    """count u32 LE, then pairs sorted by key bytes, each string as u32 LE length + UTF-8."""
    pairs = sorted((k.encode("utf-8"), v.encode("utf-8")) for k, v in ctx.items())
    out = struct.pack("<I", len(pairs))
    for k, v in pairs:
        out += struct.pack("<I", len(k)) + k + struct.pack("<I", len(v)) + v
    return out


def decrypt_blob(backing_key, blob, ctx):
    if len(blob) < HEADER_LEN + NONCE_LEN + TAG_LEN:
        raise ValueError("blob too short")
    if blob[0] != BLOB_VERSION:
        raise ValueError(f"unknown blob version {blob[0]}")
    header = blob[:HEADER_LEN]
    nonce = blob[HEADER_LEN : HEADER_LEN + NONCE_LEN]
    sealed = blob[HEADER_LEN + NONCE_LEN :]
    return xaes_256_gcm_open(backing_key, nonce, sealed, header + canonical_context(ctx))


def self_test():
    """The two C2SP XAES-256-GCM test vectors."""
    n = b"ABCDEFGHIJKLMNOPQRSTUVWX"
    for key, aad, ct in [
        (b"\x01" * 32, b"", "ce546ef63c9cc60765923609b33a9a1974e96e52daf2fcf7075e2271"),
        (b"\x03" * 32, b"c2sp.org/XAES-256-GCM",
         "986ec1832593df5443a179437fd083bf3fdb41abd740a21f71eb769d"),
    ]:
        assert xaes_256_gcm_open(key, n, bytes.fromhex(ct), aad) == b"XAES-256-GCM"
    print("C2SP XAES-256-GCM vectors: ok", file=sys.stderr)


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    key = bytes.fromhex(argv[1])
    if len(key) != 32:
        print("the backing key must be 32 bytes (64 hex digits)", file=sys.stderr)
        return 2
    with open(argv[2], "rb") as f:
        blob = f.read()
    ctx = json.loads(argv[3]) if len(argv) == 4 else None
    ctx = ctx or {}
    if not isinstance(ctx, dict) or not all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in ctx.items()
    ):
        print("the context must be a JSON object of non-empty strings to strings", file=sys.stderr)
        return 2
    try:
        plaintext = decrypt_blob(key, blob, ctx)
    except ValueError as e:
        print(f"not a strongroom blob: {e}", file=sys.stderr)
        return 2
    except InvalidTag:
        print("authentication failed: wrong key, wrong context or damaged blob", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(plaintext)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
