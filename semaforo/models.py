"""The project's own table: throttle counters (semaforo/lib/throttle.py) shared by every app
process, because they live in the database."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone


class ThrottleQuerySet(models.QuerySet):
    def hit(self, scope: str, who: str | None, *, limit: int, window: int) -> bool:
        """Count one hit for `who` (an address, an email) in `scope`; False once over `limit`
        hits within the current fixed window of `window` seconds.

        A burst across a window boundary can still get up to twice the limit: a brake on
        abuse, not an exact quota.
        """
        now = timezone.now()
        number = int(now.timestamp() // window)
        # Hashed: a fixed-length key, and no raw addresses or emails in the table.
        digest = hashlib.sha256((who or "").encode()).hexdigest()[:32]
        key = f"{scope}:{digest}:{number}"
        counter = self.filter(key=key)
        count = _increment(counter)  # the usual case: the window's counter exists
        if count is None:
            # The window's first hit. The key is unique: if two requests both get here, one
            # creates the counter and the other's INSERT fails, and it counts on that one.
            try:
                with transaction.atomic():
                    end = datetime.fromtimestamp((number + 1) * window, tz=UTC)
                    self.create(key=key, count=1, expires_at=end)
            except IntegrityError:
                count = _increment(counter) or 1  # or gone again: count this hit alone
            else:
                count = 1
                # Ended windows go here, when a new counter is made: the table keeps little
                # more than the running windows, no job is needed, and each row is deleted
                # once (the index on expires_at finds them).
                self.filter(expires_at__lte=now).delete()
        return count <= limit


def _increment(counter: models.QuerySet) -> int | None:
    """Add one to the counter and return its new value, None if there is no counter.

    One transaction: the UPDATE's row lock (PostgreSQL) or the database lock (SQLite's
    BEGIN IMMEDIATE, settings: transaction_mode) keeps other hits out until the count is
    read, so each hit reads its own number and the limit holds exactly.
    """
    with transaction.atomic():
        if not counter.update(count=F("count") + 1):
            return None
        return counter.values_list("count", flat=True).get()


class Throttle(models.Model):
    """One fixed window's count of hits for one (scope, who): see ThrottleQuerySet.hit()."""

    key = models.CharField(max_length=100)  # scope:sha256(who)[:32]:window number
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField()  # the window's end

    objects = ThrottleQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="throttle_key_unique")]
        indexes = [
            # The clean-up of ended windows in ThrottleQuerySet.hit(), run on each new counter.
            models.Index(fields=["expires_at"], name="throttle_expires_at_idx"),
        ]

    def __str__(self) -> str:
        return self.key
