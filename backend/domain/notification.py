"""What a push message carries to the service worker, and the encoding that keeps it small.

The service worker shows ``title`` and ``body``, replaces any shown notification with the same
``tag``, and opens ``url`` (a path within the app) when the notification is tapped.

``encode_notification(notification) -> bytes`` is the JSON the sender encrypts. It never exceeds
``MAX_PAYLOAD_BYTES``: RFC 8030 push services must accept 4,096 bytes of encrypted body, and the
aes128gcm header, padding delimiter and tag take 103 of those, so 3 KB of plaintext leaves margin.
A body that does not fit is cut at the last whole line that fits, else at a character that does
not split a combining sequence, and ends with "…".
"""

from __future__ import annotations

import unicodedata

import msgspec

MAX_PAYLOAD_BYTES = 3072
ELLIPSIS = "…"
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")  # zero-width joiner, variation selectors


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    body: str
    tag: str  # a newer notification with the same tag replaces the shown one
    url: str  # opened when tapped, e.g. /#/log?exercise=single-leg-press&side=left


_encoder = msgspec.json.Encoder()


def encode_notification(notification: Notification) -> bytes:
    """The payload as JSON, at most ``MAX_PAYLOAD_BYTES``, the body shortened if need be."""
    encoded = _encoder.encode(notification)
    if len(encoded) <= MAX_PAYLOAD_BYTES:
        return encoded
    body = notification.body
    if len(_encoder.encode(msgspec.structs.replace(notification, body=ELLIPSIS))) > (
        MAX_PAYLOAD_BYTES
    ):
        raise ValueError("title, tag and url alone exceed the push payload limit")
    # The longest prefix that fits, found by bisection on characters (encoded sizes vary).
    low, high = 0, len(body)
    while low < high:
        middle = (low + high + 1) // 2
        if len(_encoder.encode(_cut(notification, middle))) <= MAX_PAYLOAD_BYTES:
            low = middle
        else:
            high = middle - 1
    return _encoder.encode(_cut(notification, low))


def _cut(notification: Notification, keep: int) -> Notification:
    body = notification.body
    line_end = body.rfind("\n", 0, keep + 1)
    if line_end > 0:
        keep = line_end
    while 0 < keep < len(body) and (
        unicodedata.combining(body[keep]) or body[keep] in _JOINERS or body[keep - 1] == "\u200d"
    ):
        keep -= 1
    return msgspec.structs.replace(notification, body=body[:keep].rstrip() + ELLIPSIS)
