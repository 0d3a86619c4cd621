"""A realistic, reproducible data set for `make bench`, inserted with bulk_create in batches.

- web: a small workspace (10 candidates, 2 pilots) and a large one (10,000 candidates with
  their evaluations and some history, 2,000 pilots with results, coordination and reviews),
  each with its own owner, in the same database.
- reminders: 1,000 workspaces (an owner and a member each, 10 candidates each) whose pilots
  grow from 10,000 to 100,000 while the number due stays at 1,000 (one per workspace), with
  the reminder each finished pilot once had.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Membership, Role, User, Workspace
from candidates.criteria import CRITERION_FIELDS
from candidates.models import Candidate, Evaluation, Kind, ScoringSettings, Status
from candidates.scoring import PRESETS, Rule, colour_for
from pilots.models import (
    CoordinationEntry,
    CoordinationKind,
    Decision,
    Measurement,
    Outcome,
    Pilot,
    PilotSettings,
    PilotStatus,
    Reminder,
    ReminderKind,
    ReminderState,
    ResultEntry,
    Review,
)
from semaforo.lib.codes import ALPHABET
from semaforo.lib.search import fold

BATCH = 2_000
PASSWORD = "bench-password-not-secret"
THRESHOLDS = PRESETS[Rule.QUICK_SCORE]
BUSINESSES = ["Spa", "Yoga", "Farmacia", "Gimnasio", "Peluquería", "Café", "Librería", "Óptica"]
OUTCOME_STATUS = {
    Outcome.PROMOTED: Status.ALLIANCE,
    Outcome.OPEN_REFERRAL: Status.OPEN_REFERRAL,
    Outcome.DISCARDED: Status.DISCARDED,
}
OUTCOME_DECISION = {
    Outcome.PROMOTED: Decision.PROMOTE,
    Outcome.OPEN_REFERRAL: Decision.STOP_OPEN_REFERRAL,
    Outcome.DISCARDED: Decision.STOP_DISCARD,
}

_serial = count(1)


def code(prefix: str, length: int = 10) -> str:
    """A unique code in the app's alphabet (random 6-letter tracking codes collide at 100,000)."""
    n, digits = next(_serial), []
    while n:
        n, rest = divmod(n, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return (prefix + "".join(reversed(digits))).rjust(length, "2")[-length:]


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


@contextmanager
def own_timestamps(*models):
    """Let the seed set created_at itself (auto_now_add would stamp every row "now")."""
    fields = [f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now_add", 0)]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def bulk(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


@dataclass
class WebWorkspace:
    workspace: Workspace
    owner: User
    candidate_codes: list[str]


def seed_web(rng: random.Random, today: date) -> dict[str, WebWorkspace]:
    password_hash = make_password(PASSWORD)
    return {
        "small": _seed_workspace(rng, today, "small", 10, 2, password_hash),
        "large": _seed_workspace(rng, today, "large", 10_000, 2_000, password_hash),
    }


@transaction.atomic
def _seed_workspace(rng, today, name, n_candidates, n_pilots, password_hash) -> WebWorkspace:
    """15% of the pilots active (about a third of those with their review due), the rest
    finished and reviewed; 30% of the candidates re-evaluated once."""
    now = timezone.now()
    owner = User.objects.create(email=f"owner@{name}.bench", password=password_hash, language="en")
    workspace = Workspace.objects.create(name=f"Bench {name}", time_zone="UTC")
    Membership.objects.create(user=owner, workspace=workspace, role=Role.OWNER)
    ScoringSettings.objects.create(workspace=workspace)
    PilotSettings.objects.create(workspace=workspace, hourly_value=Decimal("30"))
    n_active = max(1, n_pilots * 15 // 100)
    piloted = dict.fromkeys(rng.sample(range(n_candidates), n_pilots))
    for rank, index in enumerate(piloted):
        active = rank < n_active
        piloted[index] = (
            ("", today + timedelta(days=rng.randrange(-9, 14)))
            if active
            else (rng.choice(Outcome.values), today - timedelta(days=rng.randrange(15, 700)))
        )
    with own_timestamps(Candidate, Evaluation, Pilot, ResultEntry, CoordinationEntry, Review):
        candidates = []
        for i in range(n_candidates):
            status = Status.EVALUATED if rng.random() < 0.8 else Status.NEW
            if i in piloted:
                outcome = piloted[i][0]
                status = OUTCOME_STATUS[Outcome(outcome)] if outcome else Status.IN_PILOT
            full_name = f"{rng.choice(BUSINESSES)} {name.title()} {i:05d}"
            candidates.append(
                Candidate(
                    workspace=workspace,
                    code=code("C"),
                    name=full_name,
                    search_name=fold(full_name),  # bulk_create skips Candidate.save()
                    business_type=rng.choice(BUSINESSES),
                    kind=rng.choice(Kind.values),
                    status=status,
                    created_at=now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)),
                    filter_customer="Mujeres de 30 a 55",
                    assets=["audience", "trust"],
                )
            )
        bulk(Candidate, candidates)
        evaluations, current = [], {}
        for candidate in candidates:
            if rng.random() < 0.3:  # re-evaluated once: a dated evaluation in the history
                evaluations.append(_evaluation(rng, candidate, frozen_at=candidate.created_at))
            current[candidate.pk] = _evaluation(rng, candidate)
            evaluations.append(current[candidate.pk])
        bulk(Evaluation, evaluations)
        pilots = [
            _web_pilot(rng, workspace, owner, candidates[i], outcome, review)
            for i, (outcome, review) in piloted.items()
        ]
        bulk(Pilot, pilots)
        _seed_pilot_activity(rng, owner, pilots, current)
    return WebWorkspace(workspace, owner, [c.code for c in candidates])


def _evaluation(rng, candidate, frozen_at: datetime | None = None) -> Evaluation:
    ticks = rng.randrange(9)
    evaluation = Evaluation(
        candidate=candidate,
        code=code("E"),
        created_at=candidate.created_at,
        frozen_at=frozen_at,
        **{field: i < ticks for i, field in enumerate(CRITERION_FIELDS)},
    )
    evaluation.score = ticks
    evaluation.colour = colour_for(ticks, THRESHOLDS)
    # Ticked, or kept in the history: scored (an untouched current one is "not scored yet").
    if ticks or frozen_at is not None:
        evaluation.scored_at = frozen_at or candidate.created_at
    return evaluation


def _web_pilot(rng, workspace, owner, candidate, outcome: str, review: date) -> Pilot:
    return Pilot(
        workspace=workspace,
        candidate=candidate,
        code=code("P"),
        tracking_code=code("T", 6),
        partner_token=None,
        offer="10% off the first visit",
        script="Te recomiendo a X.\nDi que vienes de nuestra parte.",
        measurement=rng.choice(Measurement.values),
        start_date=review - timedelta(days=14),
        length_days=21,
        review_date=review,
        target=rng.choice([None, 5, 10]),
        margin_per_sale=Decimal(rng.randrange(0, 40)),
        status=PilotStatus.FINISHED if outcome else PilotStatus.ACTIVE,
        outcome=outcome,
        created_by=owner,
        created_at=midnight(review - timedelta(days=14)),
        finished_at=midnight(review) if outcome else None,
    )


def _seed_pilot_activity(rng, owner, pilots, current) -> None:
    """Five result lines and three coordination entries per pilot; a review if finished."""
    results, coordination, reviews = [], [], []
    for pilot in pilots:
        for n in range(5):
            day = pilot.start_date + timedelta(days=2 * n + 1)
            results.append(
                ResultEntry(
                    pilot=pilot,
                    date=day,
                    referrals=rng.randrange(3),
                    sales=rng.randrange(2),
                    revenue=Decimal(rng.randrange(0, 200)),
                    created_by=owner,
                    created_at=midnight(day),
                )
            )
        for n in range(3):
            day = pilot.start_date + timedelta(days=3 * n + 2)
            coordination.append(
                CoordinationEntry(
                    pilot=pilot,
                    date=day,
                    minutes=rng.randrange(10, 120),
                    kind=rng.choice(CoordinationKind.values),
                    created_by=owner,
                    created_at=midnight(day),
                )
            )
        if pilot.outcome:
            reviews.append(
                Review(
                    pilot=pilot,
                    evaluation=current[pilot.candidate_id],
                    decision=OUTCOME_DECISION[Outcome(pilot.outcome)],
                    reviewed_by=owner,
                    created_at=pilot.finished_at,
                )
            )
    bulk(ResultEntry, results)
    bulk(CoordinationEntry, coordination)
    bulk(Review, reviews)


# --- the reminder job's data -------------------------------------------------------------

REMINDER_WORKSPACES = 1_000
CANDIDATES_PER_WORKSPACE = 10


@transaction.atomic
def seed_reminder_workspaces(n: int = REMINDER_WORKSPACES) -> list[Workspace]:
    """Workspaces with an owner, a member, their pilot settings and ten candidates each."""
    password_hash = make_password(PASSWORD)
    workspaces = bulk(
        Workspace, [Workspace(name=f"Reminders {i:04d}", code=code("W")) for i in range(n)]
    )

    def users(role: str) -> list[User]:
        return bulk(
            User,
            [
                User(email=f"{role}{i:04d}@reminders.bench", password=password_hash)
                for i in range(n)
            ],
        )

    owners, members = users("owner"), users("member")
    bulk(
        Membership,
        [
            membership
            for ws, owner, member in zip(workspaces, owners, members, strict=True)
            for membership in (
                Membership(workspace=ws, user=owner, role=Role.OWNER),
                Membership(workspace=ws, user=member, role=Role.MEMBER),
            )
        ],
    )
    bulk(PilotSettings, [PilotSettings(workspace=w, hourly_value=Decimal(25)) for w in workspaces])
    bulk(
        Candidate,
        [
            Candidate(
                workspace=ws,
                code=code("C"),
                name=f"Partner {i}",
                search_name=f"partner {i}",  # fold(name): bulk_create skips Candidate.save()
                status=Status.IN_PILOT,
            )
            for ws in workspaces
            for i in range(CANDIDATES_PER_WORKSPACE)
        ],
    )
    return workspaces


@transaction.atomic
def add_reminder_pilots(
    rng: random.Random, today: date, workspaces: list[Workspace], per_workspace: int, due: int
) -> None:
    """`per_workspace` more pilots in each workspace, `due` of them with their review today.

    The others are what a job that scales with the data would trip over: finished pilots
    (most of them, each with the reminder it once had), and active ones whose review is
    weeks away or was forgotten long ago.
    """
    candidates: dict[int, list[int]] = {}
    rows = Candidate.objects.filter(workspace__in=workspaces).values_list("workspace_id", "pk")
    for workspace_id, candidate_id in rows:
        candidates.setdefault(workspace_id, []).append(candidate_id)
    # One active pilot per candidate (a database constraint): active ones take a free one.
    running = Pilot.objects.filter(workspace__in=workspaces, status=PilotStatus.ACTIVE)
    busy = set(running.values_list("candidate_id", flat=True))
    free = {ws: [c for c in ids if c not in busy] for ws, ids in candidates.items()}
    # 100,000 rows through bulk_create cost a minute of Django's per-value work: this
    # history goes in as plain rows (a template pilot supplies every other column's default).
    template = Pilot(
        offer="Two-for-one on Tuesdays",
        script="Pregunta por la promo de los martes.",
        measurement=Measurement.COUPON,
        length_days=21,
        margin_per_sale=Decimal(12),
        partner_token=None,
        created_at=timezone.now(),
    )
    varying = ["workspace_id", "candidate_id", "code", "tracking_code", "start_date"]
    varying += ["review_date", "status", "outcome"]
    fixed = {
        f.column: f.get_db_prep_save(getattr(template, f.attname), connection)
        for f in Pilot._meta.concrete_fields
        if not f.primary_key and f.column not in varying
    }
    day = connection.ops.adapt_datefield_value
    rows = []
    for workspace in workspaces:
        for i in range(per_workspace):
            if i < due:
                status, review = PilotStatus.ACTIVE, today
            elif rng.random() < 0.1:
                status = PilotStatus.ACTIVE
                later, forgotten = rng.randrange(5, 14), -rng.randrange(30, 400)
                review = today + timedelta(days=rng.choice([later, forgotten]))
            else:
                status = PilotStatus.FINISHED
                review = today - timedelta(days=rng.randrange(15, 700))
            if status == PilotStatus.ACTIVE and not free[workspace.pk]:
                status = PilotStatus.FINISHED
                review = today - timedelta(days=rng.randrange(15, 700))
            if status == PilotStatus.ACTIVE:
                candidate_id = free[workspace.pk].pop()
            else:
                candidate_id = candidates[workspace.pk][i % CANDIDATES_PER_WORKSPACE]
            rows.append(
                (
                    workspace.pk,
                    candidate_id,
                    code("P"),
                    code("T", 6),
                    day(review - timedelta(days=14)),
                    day(review),
                    status,
                    "" if status == PilotStatus.ACTIVE else Outcome.DISCARDED,
                    *fixed.values(),
                )
            )
    columns = ", ".join([*varying, *fixed])
    values = ", ".join(["%s"] * len(rows[0]))
    sql = f"INSERT INTO {Pilot._meta.db_table} ({columns}) VALUES ({values})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    _add_reminder_history(workspaces)


def _add_reminder_history(workspaces) -> None:
    """The reminder each finished pilot sent to its owner, in one INSERT … SELECT."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    reminder, pilot, membership = (m._meta.db_table for m in (Reminder, Pilot, Membership))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {reminder}
                (pilot_id, kind, recipient_id, review_date, state, claimed_at, sent_at,
                 attempts, last_error)
            SELECT p.id, %s, m.user_id, p.review_date, %s, %s, %s, 1, ''
            FROM {pilot} p JOIN {membership} m
                ON m.workspace_id = p.workspace_id AND m.role = %s
            WHERE p.status = %s AND p.workspace_id BETWEEN %s AND %s
                AND NOT EXISTS (SELECT 1 FROM {reminder} r WHERE r.pilot_id = p.id)
            """,
            [
                ReminderKind.DUE,
                ReminderState.SENT,
                now,
                now,
                Role.OWNER,
                PilotStatus.FINISHED,
                min(w.pk for w in workspaces),
                max(w.pk for w in workspaces),
            ],
        )
