"""SQLModel tables: the one schema both engines share (migrations mirror it).

Text compared bytewise (HLCs, canonical values, keyset columns) uses the "C" collation on
PostgreSQL; SQLite's default BINARY collation already compares bytes.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

# Byte-ordered text; on SQLite the default collation is already bytewise.
CText = Text().with_variant(Text(collation="C"), "postgresql")
# BIGINT identity on PostgreSQL, rowid alias on SQLite (which only autoincrements INTEGER).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Account(SQLModel, table=True):
    __tablename__ = "account"

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    email: str = Field(sa_column=Column(String(320), nullable=False, unique=True))
    password_hash: str = Field(sa_column=Column(Text, nullable=False))
    created_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    # The user's IANA zone: sessions, charts and alerts count the user's calendar days.
    time_zone: str = Field(
        default="UTC", sa_column=Column(String(64), nullable=False, server_default="UTC")
    )
    # Quiet hours (HH:MM, start inclusive, end exclusive, may wrap midnight): no reminders, and
    # alert pushes wait for the end. Both null: none.
    quiet_start: str | None = Field(default=None, sa_column=Column(String(5)))
    quiet_end: str | None = Field(default=None, sa_column=Column(String(5)))


class WebSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of the cookie token is stored."""

    __tablename__ = "web_session"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    created_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))


class Device(SQLModel, table=True):
    """A replica's HLC node id, bound to the account that registered it."""

    __tablename__ = "device"

    node_id: str = Field(sa_column=Column(String(16), primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    created_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))


class SyncCounter(SQLModel, table=True):
    """Per-account sequence: bumped under a row lock per push, so commit order = seq order.

    ``epoch`` changes only if the history is replaced; pull cursors from another epoch reset.
    """

    __tablename__ = "sync_counter"

    account_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    epoch: str = Field(sa_column=Column(String(16), nullable=False))
    # Imbalance alerts were last judged at this seq and instant; seq > evaluated_seq = due.
    evaluated_seq: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default="0")
    )
    evaluated_at_ms: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default="0")
    )


class Record(SQLModel, table=True):
    """Which account owns a client-generated record id, and its type (both fixed forever)."""

    __tablename__ = "record"

    record_id: str = Field(sa_column=Column(String(36), primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    record_type: str = Field(sa_column=Column(String(32), nullable=False))

    # Finds an account's few records of one type (limb status, alerts) without a field scan.
    __table_args__ = (Index("ix_record_account_type", "account_id", "record_type"),)


class OpLog(SQLModel, table=True):
    """Every accepted op, keyed by its client id: the history, and the idempotency key."""

    __tablename__ = "op_log"

    op_id: str = Field(sa_column=Column(String(36), primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    device_id: str = Field(sa_column=Column(String(16), nullable=False))
    record_type: str = Field(sa_column=Column(String(32), nullable=False))
    record_id: str = Field(sa_column=Column(String(36), nullable=False))
    field: str = Field(sa_column=Column(String(64), nullable=False))
    value: str = Field(sa_column=Column(CText, nullable=False))
    hlc: str = Field(sa_column=Column(CText, nullable=False))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    received_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))

    __table_args__ = (Index("ix_op_log_account_seq", "account_id", "seq"),)


class FieldState(SQLModel, table=True):
    """The merged value of each (record, field): the last writer by (hlc, canonical value)."""

    __tablename__ = "field_state"

    record_id: str = Field(sa_column=Column(CText, primary_key=True))
    field: str = Field(sa_column=Column(CText, primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    record_type: str = Field(sa_column=Column(String(32), nullable=False))
    value: str = Field(sa_column=Column(CText, nullable=False))
    hlc: str = Field(sa_column=Column(CText, nullable=False))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))

    __table_args__ = (
        Index("ix_field_state_pull", "account_id", "seq", "record_id", "field", unique=True),
    )


class LoggedSet(SQLModel, table=True):
    """One row per existing set record, rebuilt from field_state in the same transaction."""

    __tablename__ = "logged_set"

    set_id: str = Field(sa_column=Column(String(36), primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    exercise: str | None = Field(default=None, sa_column=Column(String(64)))
    side: str | None = Field(default=None, sa_column=Column(String(8)))
    reps: int | None = Field(default=None, sa_column=Column(Integer))
    weight_g: int | None = Field(default=None, sa_column=Column(Integer))
    rpe_x10: int | None = Field(default=None, sa_column=Column(Integer))
    eccentric_ms: int | None = Field(default=None, sa_column=Column(Integer))
    performed_at_ms: int | None = Field(default=None, sa_column=Column(BigInteger))
    note: str | None = Field(default=None, sa_column=Column(Text))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))

    __table_args__ = (
        Index("ix_logged_set_account_exercise_time", "account_id", "exercise", "performed_at_ms"),
    )


class SetDaily(SQLModel, table=True):
    """Per account, exercise, local day and side: the day's best sets and volume load.

    Maintained from ``logged_set`` in the sync transaction, in the account's time zone, so a
    chart reads one row per day and side instead of every set. The best set under each e1RM
    formula is kept (they can rank sets differently); its reps tell whether it is low-confidence.
    """

    __tablename__ = "set_daily"

    account_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    exercise: str = Field(sa_column=Column(String(64), primary_key=True))
    day: str = Field(sa_column=Column(String(10), primary_key=True))  # YYYY-MM-DD
    side: str = Field(sa_column=Column(String(5), primary_key=True))  # left | right
    sets: int = Field(sa_column=Column(Integer, nullable=False))
    volume: int = Field(sa_column=Column(BigInteger, nullable=False))  # Σ weight_g × reps
    epley_e1rm_g: int | None = Field(default=None, sa_column=Column(BigInteger))
    epley_weight_g: int | None = Field(default=None, sa_column=Column(Integer))
    epley_reps: int | None = Field(default=None, sa_column=Column(Integer))
    brzycki_e1rm_g: int | None = Field(default=None, sa_column=Column(BigInteger))
    brzycki_weight_g: int | None = Field(default=None, sa_column=Column(Integer))
    brzycki_reps: int | None = Field(default=None, sa_column=Column(Integer))


class SetWeekly(SQLModel, table=True):
    """Per account, exercise and local ISO week (Monday start): each side's volume, the days
    trained and the week's daily bests under each formula (JSON), derived from that week's
    ``set_daily`` rows in the same transaction, so the all-time chart reads one row per week."""

    __tablename__ = "set_weekly"

    account_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    exercise: str = Field(sa_column=Column(String(64), primary_key=True))
    week: str = Field(sa_column=Column(String(10), primary_key=True))  # its Monday, YYYY-MM-DD
    left_volume: int = Field(sa_column=Column(BigInteger, nullable=False))
    right_volume: int = Field(sa_column=Column(BigInteger, nullable=False))
    sessions: int = Field(sa_column=Column(Integer, nullable=False))  # days with a per-side set
    epley: str = Field(sa_column=Column(Text, nullable=False))  # [DailyBest], by day then side
    brzycki: str = Field(sa_column=Column(Text, nullable=False))


class PushSubscription(SQLModel, table=True):
    """A browser's push subscription, registered by the account signed in on it.

    ``key_id`` names the VAPID key the browser subscribed with: after a key change the push
    service refuses it, so it is no longer sent to. ``registered_at_ms`` is the last
    registration, which decides whether a later sign-in on the same browser may take it over.
    """

    __tablename__ = "push_subscription"

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    endpoint: str = Field(sa_column=Column(String(1000), nullable=False, unique=True))
    p256dh: str = Field(sa_column=Column(String(100), nullable=False))
    auth: str = Field(sa_column=Column(String(32), nullable=False))
    key_id: str = Field(sa_column=Column(String(16), nullable=False))
    device_id: str | None = Field(default=None, sa_column=Column(String(16)))
    expires_at_ms: int | None = Field(default=None, sa_column=Column(BigInteger))
    created_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    registered_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_outcome: str | None = Field(default=None, sa_column=Column(String(32)))
    last_outcome_at_ms: int | None = Field(default=None, sa_column=Column(BigInteger))

    # Ids are never reused (SQLite would reuse the highest after a delete): messages queued for
    # a deleted or moved subscription must not find another one under its id.
    __table_args__ = {"sqlite_autoincrement": True}


class ReminderSchedule(SQLModel, table=True):
    """One row per enabled ``reminder`` record that has a due instant: when it fires next.

    Kept in step with the record in the sync transaction. A dispatcher claims due rows with
    ``FOR UPDATE SKIP LOCKED`` and, in the same short transaction, queues the messages and
    moves ``fire_at_ms`` on, so no lease is needed here: no network I/O happens under the lock.
    """

    __tablename__ = "reminder_schedule"

    reminder_id: str = Field(sa_column=Column(String(36), primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    weekdays: int = Field(sa_column=Column(Integer, nullable=False))
    local_time: str = Field(sa_column=Column(String(5), nullable=False))
    tz: str = Field(sa_column=Column(String(64), nullable=False))
    limb: str = Field(sa_column=Column(String(16), nullable=False))
    exercises: str = Field(sa_column=Column(Text, nullable=False))
    fire_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))


class PushSend(SQLModel, table=True):
    """The push outbox and send log: one row per message for one subscription.

    Keyed by (record, fire_at, subscription), so a message is queued once however many
    dispatchers expand its reminder. ``pending`` rows are claimed under a lease
    (``lease_until_ms``, ``lease_token``): a dispatcher killed before recording an outcome leaves
    them to be sent again once the lease ends. Outcomes stay as the log.
    """

    __tablename__ = "push_send"

    record_id: str = Field(sa_column=Column(String(36), primary_key=True))  # reminder or alert
    fire_at_ms: int = Field(sa_column=Column(BigInteger, primary_key=True))
    subscription_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(sa_column=Column(String(8), nullable=False))  # reminder | alert
    payload: str = Field(sa_column=Column(Text, nullable=False))  # the notification JSON
    topic: str = Field(sa_column=Column(String(32), nullable=False))
    # pending | sent | gone | refused | stale_key | expired | cancelled
    state: str = Field(sa_column=Column(String(16), nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(String(32)))
    status: int | None = Field(default=None, sa_column=Column(Integer))
    attempts: int = Field(sa_column=Column(Integer, nullable=False))
    next_attempt_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    lease_until_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    lease_token: str | None = Field(default=None, sa_column=Column(String(16)))
    created_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))

    __table_args__ = (Index("ix_push_send_due", "state", "next_attempt_ms"),)


class RateLimit(SQLModel, table=True):
    """One throttling bucket (a rule and a client address, email or account) as a GCRA
    counter: ``tat_ms`` is the theoretical arrival time. Updated by one atomic upsert, so
    every worker and host sharing the database shares the limit; a row whose ``tat_ms`` has
    passed is the same as no row."""

    __tablename__ = "rate_limit"

    key: str = Field(sa_column=Column(String(100), primary_key=True))
    tat_ms: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))


class SignInFailure(SQLModel, table=True):
    """Failed sign-ins in a row for one email (its SHA-256): after a few, each failure locks
    the email for twice as long as the last."""

    __tablename__ = "sign_in_failure"

    email_key: str = Field(sa_column=Column(String(64), primary_key=True))
    failures: int = Field(sa_column=Column(Integer, nullable=False))
    last_failure_ms: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    locked_until_ms: int = Field(sa_column=Column(BigInteger, nullable=False))


class SecurityEvent(SQLModel, table=True):
    """The account's security log: sign-ins, failed sign-ins, password changes, sign-outs
    everywhere, push subscriptions moving between accounts, throttled requests."""

    __tablename__ = "security_event"

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    at_ms: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    address: str | None = Field(default=None, sa_column=Column(String(45)))  # client IP
    detail: str | None = Field(default=None, sa_column=Column(String(64)))

    __table_args__ = (Index("ix_security_event_account", "account_id", "at_ms"),)


class ShareCode(SQLModel, table=True):
    """A single-use code a clinician (``account_id``) hands a patient; only its SHA-256 is
    kept."""

    __tablename__ = "share_code"

    code_key: str = Field(sa_column=Column(String(64), primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    name: str | None = Field(default=None, sa_column=Column(String(80)))  # as the patient sees
    created_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    used_at_ms: int | None = Field(default=None, sa_column=Column(BigInteger))


class CareGrant(SQLModel, table=True):
    """A patient's (``account_id``) grant of read access to a clinician; revoking deletes it,
    so a clinician's every read checks this row and nothing else."""

    __tablename__ = "care_grant"

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    clinician_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    clinician_label: str = Field(sa_column=Column(String(420), nullable=False))
    scope: str = Field(sa_column=Column(String(16), nullable=False))  # summary | summary_sets
    created_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))

    __table_args__ = (
        Index("ux_care_grant_pair", "account_id", "clinician_id", unique=True),
        Index("ix_care_grant_clinician", "clinician_id"),
    )


class AccessEvent(SQLModel, table=True):
    """The patient's (``account_id``) log of who saw their data: append-only, no route
    changes it. ``clinician_id`` is cleared when that account is erased; the label stays."""

    __tablename__ = "access_event"

    id: int | None = Field(default=None, sa_column=Column(BigId, primary_key=True))
    account_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    clinician_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    clinician_label: str = Field(sa_column=Column(String(420), nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    detail: str | None = Field(default=None, sa_column=Column(String(16)))
    at_ms: int = Field(sa_column=Column(BigInteger, nullable=False))

    __table_args__ = (Index("ix_access_event_account", "account_id", "at_ms"),)


class PatientSummary(SQLModel, table=True):
    """What a clinician's list shows of one patient, stored as JSON and rebuilt when the
    patient's ``sync_counter.seq`` or local day has moved on since ``seq`` and ``day``."""

    __tablename__ = "patient_summary"

    account_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    day: str = Field(sa_column=Column(String(10), nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))


metadata = SQLModel.metadata
