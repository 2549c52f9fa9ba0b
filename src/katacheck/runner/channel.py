"""The results channel from a kata child to its parent: numbered, signed lines over a pipe.

The parent makes a pipe for every run and hands its write end, through the worker, to the
child alone. The child makes the run's random key itself, after the fork, so no other process
ever held it (not the worker, not an earlier child), writes it as the pipe's first line before
any learner code exists, and keeps it only inside the closure that :func:`open_writer`
returns. Every later line is::

    <seq> <hmac-sha256(key, "<seq> <json>")> <json>\\n

so the parent accepts an event only when it was signed with this run's key, in order, with no
line missing or added. Only the parent reads the pipe: learner code cannot learn the key from
it, and a pipe, unlike a results file, cannot be rewritten: what the checker reported before
the learner's module was imported (the key, the list of checks, the start of the first one) is
final. Learner code that writes to the pipe, or to every descriptor it can find, produces lines
the parent rejects (``fatal.tampered.stream``).

What this does not stop is learner code that digs the writer out of the interpreter (frames,
``gc``) and calls it: the audit hook and the static scan in :mod:`katacheck.runner.child.integrity`
and :mod:`katacheck.runner.parent.scan` look for exactly those moves. See
:mod:`katacheck.runner.child.integrity` for the whole threat model.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Bytes of key per run (HMAC-SHA256).
KEY_BYTES = 32


def _mac(key: bytes, seq: int, body: bytes) -> str:
    return hmac.new(key, b"%d " % seq + body, hashlib.sha256).hexdigest()


#: The first line of every stream: the key, in hex.
KEY_LINE = b"key "


def open_writer(fd: int) -> tuple[Callable[[dict[str, Any]], None], Callable[[], None]]:
    """Child side: ``(send, close)`` over the inherited descriptor ``fd``, under a fresh key that
    is written first.

    Everything ``send`` needs is bound here, once, before learner code runs, and is C code
    where it can be (the C JSON encoder, OpenSSL's HMAC, ``os.write``): replacing
    ``json.dumps``, ``hmac.new``, ``os.write`` or ``builtins.isinstance`` afterwards changes
    nothing for it, and its result can still say what was detected.
    """
    import os
    import secrets
    import threading
    from json.encoder import c_make_encoder, encode_basestring

    write, close_fd, text = os.write, os.close, repr
    lock = threading.Lock()
    state = {"seq": 0, "open": True}
    if c_make_encoder is not None:  # CPython: the C encoder never looks anything up at run time
        c_encoder = c_make_encoder(None, text, encode_basestring, None, ":", ",", False, False, True)

        def encode(event: dict[str, Any]) -> bytes:
            return "".join(c_encoder(event, 0)).encode()
    else:  # pragma: no cover - other Pythons
        dumps = json.dumps

        def encode(event: dict[str, Any]) -> bytes:
            return dumps(event, ensure_ascii=False, separators=(",", ":"), default=text).encode()
    try:
        from _hashlib import hmac_digest

        def sign(message: bytes) -> bytes:
            return hmac_digest(key, message, "sha256").hex().encode()
    except ImportError:  # pragma: no cover - Python without OpenSSL
        new_mac, sha256 = hmac.new, hashlib.sha256

        def sign(message: bytes) -> bytes:
            return new_mac(key, message, sha256).hexdigest().encode()

    key = secrets.token_bytes(KEY_BYTES)
    header = KEY_LINE + key.hex().encode() + b"\n"
    while header:
        header = header[write(fd, header):]

    def send(event: dict[str, Any]) -> None:
        body = encode(event)
        with lock:
            if not state["open"]:
                return
            seq = state["seq"]
            state["seq"] = seq + 1
            line = b"%d %s %s\n" % (seq, sign(b"%d " % seq + body), body)
            while line:
                line = line[write(fd, line):]

    def close() -> None:
        with lock:
            if state["open"]:
                state["open"] = False
                close_fd(fd)

    return send, close


@dataclass
class Stream:
    """Parent side: the events a child sent, and what was wrong with the stream, if anything."""

    events: list[dict[str, Any]] = field(default_factory=list)
    #: Why the stream cannot be trusted (a line that is not ours), or None.
    forged: str | None = None


def read_stream(data: bytes) -> Stream:
    """Check every complete line of ``data`` against the stream's key and the numbering.

    A child that died before it wrote its key sent nothing: an empty stream. The last line may
    be cut short by a kill: without its newline it is dropped. Every complete line must be
    ours; the first one that is not marks the stream as forged.
    """
    stream = Stream()
    *complete, _partial = data.split(b"\n")
    if not complete:
        return stream
    header, *complete = complete
    try:
        key = bytes.fromhex(header[len(KEY_LINE):].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = b""
    if not header.startswith(KEY_LINE) or len(key) != KEY_BYTES:
        stream.forged = "key"
        return stream
    for expected, line in enumerate(complete):
        seq, _, rest = line.partition(b" ")
        mac, _, body = rest.partition(b" ")
        if not seq.isdigit() or int(seq) != expected:
            stream.forged = "sequence"
            break
        if not hmac.compare_digest(mac, _mac(key, expected, body).encode()):
            stream.forged = "signature"
            break
        try:
            event = json.loads(body)
        except ValueError:
            stream.forged = "json"
            break
        if not isinstance(event, dict) or not isinstance(event.get("event"), str):
            stream.forged = "json"
            break
        stream.events.append(event)
    return stream
