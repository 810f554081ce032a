"""What an imbalance alert's push says: the alert's own message under a title naming its kind
and exercise, e.g.

    title "Left/right imbalance — Single-leg press"
    body  "LSI (involved ÷ uninvolved × 100): 84.0 % on 2026-01-30 …" (the record's message)

Tapping it opens that exercise's chart, where the numbers are. The tag is the alert record's
id, so a message delivered twice shows once and another alert never replaces it.
"""

from __future__ import annotations

from urllib.parse import quote

from backend.domain.notification import Notification

TITLES = {
    "lsi": "Left/right imbalance",
    "volume": "Volume imbalance",
    "baseline": "Below pre-injury best",
}


def alert_notification(
    record_id: str, kind: str, exercise: str, exercise_name: str, message: str
) -> Notification:
    return Notification(
        title=f"{TITLES.get(kind, 'Imbalance')} — {exercise_name}",
        body=message,
        tag=f"alert-{record_id}",
        url="/#/charts/" + quote(exercise, safe=""),
    )
