"""Push endpoints that URL parsers read differently, with the guard's refusal of each.

Each would let a client name one host to the guard and another to the HTTP client (the WHATWG
parser reads "\\" as "/", some decode "%2e" in hosts, some read "0x7f.1" as 127.0.0.1, and so
on). The guard table and the raw-bytes table both run every row.
"""

from __future__ import annotations

APPLE = "web.push.apple.com"

PARSER_DIFFERENTIALS: list[tuple[str, str]] = [
    # Backslashes: WHATWG reads them as "/", RFC 3986 parsers as host or path characters.
    ("https://127.0.0.1\\.push.apple.com/x", "endpoint_malformed"),
    (f"https://evil.test\\{APPLE}/x", "endpoint_malformed"),
    (f"https://{APPLE}\\@evil.test/x", "endpoint_malformed"),
    (f"https:\\\\{APPLE}/x", "endpoint_malformed"),
    (f"https://{APPLE}/x\\y", "endpoint_malformed"),
    # Percent-escapes in the host: decoded by some parsers, kept by others.
    ("https://%77eb.push.apple.com/x", "endpoint_malformed"),
    (f"https://{APPLE}%2eevil.test/x", "endpoint_malformed"),
    ("https://127.0.0.1%2f.push.apple.com/x", "endpoint_malformed"),
    ("https://[::1%25eth0]/x", "endpoint_malformed"),
    # User info, and what looks like it.
    (f"https://{APPLE}:443@evil.test/x", "endpoint_userinfo"),
    (f"https://:@{APPLE}/x", "endpoint_userinfo"),
    (f"https://evil.test#@{APPLE}/x", "endpoint_malformed"),
    (f"https://{APPLE}/x#fragment", "endpoint_malformed"),
    # Host names DNS and parsers disagree on.
    (f"https://{APPLE}./x", "endpoint_host"),
    ("https://web..push.apple.com/x", "endpoint_host"),
    ("https://.push.apple.com/x", "endpoint_host"),
    ("https://xn--eb-6ka.push.apple.com/x", "endpoint_host"),  # punycode look-alike
    ("https://w\u0435b.push.apple.com/x", "endpoint_malformed"),  # Cyrillic "е"
    (f"https://{APPLE}\u3002evil.test/x", "endpoint_malformed"),  # ideographic full stop
    ("https://web_push.push.apple.com/x", "endpoint_malformed"),
    # IPv4 in every spelling, and IPv6 literals around it.
    ("https://0x7f.0.0.1/x", "endpoint_host"),
    ("https://0177.0.0.1/x", "endpoint_host"),
    ("https://2130706433/x", "endpoint_host"),
    ("https://127.1/x", "endpoint_host"),
    ("https://[::ffff:127.0.0.1]/x", "endpoint_host"),
    ("https://[::ffff:7f00:1]/x", "endpoint_host"),
    ("https://[dead.beef]/x", "endpoint_malformed"),
    (f"https://[{APPLE}]/x", "endpoint_malformed"),
    # Whitespace and control characters anywhere.
    (f" https://{APPLE}/x", "endpoint_malformed"),
    (f"https://{APPLE}/x\t", "endpoint_malformed"),
    (f"https://{APPLE}\r\n.evil.test/x", "endpoint_malformed"),
    (f"\x00https://{APPLE}/x", "endpoint_malformed"),
    (f"https://{APPLE}/x\x7f", "endpoint_malformed"),
    # Schemes and ports written loosely.
    (f"https:{APPLE}/x", "endpoint_malformed"),
    (f"https:/{APPLE}/x", "endpoint_malformed"),
    (f"//{APPLE}/x", "endpoint_malformed"),
    (f"https://{APPLE}:/x", "endpoint_malformed"),
    (f"https://{APPLE}:+443/x", "endpoint_malformed"),
    (f"https://{APPLE}:443:443/x", "endpoint_malformed"),
    (f"https://{APPLE}:0/x", "endpoint_malformed"),
    # Path characters a client library would re-encode.
    (f"https://{APPLE}/x%zz", "endpoint_malformed"),
    (f'https://{APPLE}/"x', "endpoint_malformed"),
    (f"https://{APPLE}/<x>", "endpoint_malformed"),
    (f"https://{APPLE}/{{x}}|^`", "endpoint_malformed"),
]
