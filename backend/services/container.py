"""The use cases the API calls, built once per app by ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass

from backend.db.engine import Database
from backend.services.account_deletion import AccountDeletion
from backend.services.account_security import AccountSecurity
from backend.services.accounts import Accounts
from backend.services.charts import Charts
from backend.services.devices import DeviceRegistry
from backend.services.exporter import Exporter
from backend.services.housekeeping import Housekeeping
from backend.services.importer import Importer
from backend.services.insight import Insight
from backend.services.insight_loop import InsightLoop
from backend.services.push_subscriptions import PushSubscriptions
from backend.services.quiet_hours import QuietHoursSettings
from backend.services.security_log import SecurityLog
from backend.services.server_clock import ServerClock
from backend.services.sharing import Sharing
from backend.services.sync_pull import SyncPull
from backend.services.sync_push import SyncPush
from backend.services.time_zones import TimeZones


@dataclass(frozen=True)
class Services:
    db: Database
    clock: ServerClock
    accounts: Accounts
    devices: DeviceRegistry
    push: SyncPush
    pull: SyncPull
    insight: Insight
    insight_loop: InsightLoop
    time_zones: TimeZones
    charts: Charts
    subscriptions: PushSubscriptions
    quiet_hours: QuietHoursSettings
    account_security: AccountSecurity
    security_log: SecurityLog
    housekeeping: Housekeeping
    importer: Importer
    exporter: Exporter
    deletion: AccountDeletion
    sharing: Sharing
