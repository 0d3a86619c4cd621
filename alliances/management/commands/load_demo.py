"""A demo workspace built on the article's example: a sensitive business (wellness, personal
care) that needs trust more than advertising, and a spa that brings it; pilots in every
state, and an alliance running for four months after its pilot was promoted. Idempotent.

It lives in the alliances app, the top of the method's apps: it builds pilots and alliances
alike, and pilots may not import alliances."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from accounts.models import User, Workspace
from alliances.models import (
    Alliance,
    Benefit,
    Entry,
    Measure,
    Metric,
    Review,
    TimeEntry,
    add_months,
)
from alliances.models import Decision as AllianceDecision
from candidates.criteria import CRITERION_FIELDS, FILTER_FIELDS
from candidates.models import Candidate, Evaluation, Kind, Status
from pilots.models import (
    CoordinationEntry,
    CoordinationKind,
    Decision,
    Measurement,
    Pilot,
    PilotSettings,
    Source,
)
from semaforo.lib.codes import random_token
from semaforo.lib.links import site_url

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "semaforo-demo"  # noqa: S105 - printed on purpose: it is a demo account
DEMO_WORKSPACE = "Bienestar Íntimo (demo)"

# name, business type, kind, assets, ticks, smoke-filter answers (the five questions)
CANDIDATES = [
    (
        "Spa Serena",
        "Spa",
        Kind.ALLIANCE,
        ["audience", "trust", "context", "infrastructure"],
        7,
        (
            "Mujeres de 30 a 55 que se cuidan y vuelven cada mes",
            "Agenda propia y trato cara a cara en cada sesión",
            "Confianza: si lo recomienda Serena, debe ser serio",
            "La terapeuta recomienda; la clienta compra con el código del spa",
            "Código SERENA en cada venta",
        ),
    ),
    ("Estudio de Yoga Prana", "Yoga", Kind.REFERRAL, ["audience", "community"], 4, None),
    ("Farmacia del Centro", "Farmacia", Kind.CHANNEL, ["infrastructure", "trust"], 5, None),
    ("Consultorio Dra. Ríos", "Ginecología", Kind.REFERRAL, ["trust", "know_how"], 6, None),
    ("Gimnasio Titán", "Gimnasio", Kind.REFERRAL, ["audience"], 2, None),
    ("Influencer @vidasana", "Redes sociales", Kind.REFERRAL, ["community"], 1, None),
    ("Peluquería Bella", "Peluquería", Kind.REFERRAL, ["context"], 3, None),
    # Pilots already decided, so "What works for us" has something to show.
    ("Centro de Estética Luna", "Estética", Kind.REFERRAL, ["audience", "trust"], 5, None),
    ("Tienda Naturista Verde", "Herboristería", Kind.CHANNEL, ["infrastructure"], 3, None),
]


class Command(BaseCommand):
    help = "Create (once) a demo user and workspace with the article's spa example."

    @transaction.atomic
    def handle(self, *args, **options):
        user, created_user = User.objects.get_or_create(email=DEMO_EMAIL)
        if created_user:
            user.set_password(DEMO_PASSWORD)
            user.language = "es"
            user.save()
        workspace = Workspace.objects.filter(memberships__user=user, name=DEMO_WORKSPACE).first()
        if workspace is None:
            workspace = user.create_workspace(
                DEMO_WORKSPACE, time_zone="America/Argentina/Buenos_Aires", currency="ARS"
            )
            self._fill(workspace, user)
            self.stdout.write(self.style.SUCCESS("Demo workspace created."))
        else:
            self.stdout.write("Demo workspace already there: nothing to add.")
        # No request here: SITE_URL, or http://HOST:PORT (`PORT=8801 … load_demo` says :8801).
        login_url = site_url() + reverse("login")
        self.stdout.write(f"Log in at {login_url} with {DEMO_EMAIL} / {DEMO_PASSWORD}")

    def _fill(self, workspace: Workspace, user: User) -> None:
        settings_ = PilotSettings.for_workspace(workspace)
        # Argentine pesos (the workspace's currency): an hour of the owner's time, a sale's
        # margin and revenue at plausible prices.
        settings_.hourly_value = Decimal("20000")
        settings_.save()
        candidates = {row[0]: self._candidate(workspace, *row) for row in CANDIDATES}
        today = workspace.today()
        self._running_pilots(candidates, user, today)
        self._finished_pilots(candidates, user, today)
        luna = candidates["Centro de Estética Luna"]
        alliance = self._alliance(luna, user, start=add_months(today, -4) + timedelta(days=3))
        self._alliance_months(alliance, user, today)

    def _candidate(self, workspace, name, business, kind, assets, ticks, answers) -> Candidate:
        candidate = Candidate.objects.create(
            workspace=workspace,
            name=name,
            business_type=business,
            kind=kind,
            assets=assets,
            status=Status.EVALUATED,
        )
        if answers:
            for field, answer in zip(FILTER_FIELDS, answers, strict=True):
                setattr(candidate, field, answer)
            candidate.save()
        evaluation = Evaluation.start(candidate)
        for field in CRITERION_FIELDS[:ticks]:
            setattr(evaluation, field, True)
        evaluation.rescore()
        evaluation.save()
        return candidate

    def _running_pilots(self, candidates: dict, user: User, today) -> None:
        # A pilot whose day-14 review is today.
        due = self._pilot(
            candidates["Estudio de Yoga Prana"],
            user,
            today - timedelta(days=14),
            21,
            offer="Primera consulta con 15% de descuento para alumnas de Prana",
            script="Conozco una marca de bienestar íntimo seria y discreta.\n"
            "Con el código PRANA tienes 15% en tu primera compra.\n"
            "Si quieres, te paso su contacto.",
        )
        due.results.create(
            date=today - timedelta(days=3), referrals=3, sales=1, revenue=Decimal("45000")
        )
        # One whose review is four days overdue, and whose coordination eats the margin.
        overdue = self._pilot(
            candidates["Farmacia del Centro"],
            user,
            today - timedelta(days=18),
            21,
            offer="Exhibidor con muestras y cupón en el mostrador",
            script="Tenemos muestras de una línea de cuidado íntimo.\nEl cupón da 10% en la web.",
            review_after=14,
        )
        overdue.results.create(
            date=today - timedelta(days=6), referrals=1, sales=1, revenue=Decimal("30000")
        )
        for days, minutes, kind in [
            (16, 90, CoordinationKind.MEETING),
            (10, 45, CoordinationKind.MESSAGES),
            (5, 60, CoordinationKind.ADJUSTMENTS),
        ]:
            CoordinationEntry.objects.create(
                pilot=overdue, date=today - timedelta(days=days), minutes=minutes, kind=kind
            )

    def _finished_pilots(self, candidates: dict, user: User, today) -> None:
        """Two finished pilots: one promoted to an alliance (five months ago: the alliance
        has run since), one stopped at its review."""
        for name, decision, sales, days_ago in [
            ("Centro de Estética Luna", Decision.PROMOTE, 4, 150),
            ("Tienda Naturista Verde", Decision.STOP_OPEN_REFERRAL, 0, 45),
        ]:
            start = today - timedelta(days=days_ago)
            finished = self._pilot(
                candidates[name],
                user,
                start,
                14,
                offer="Muestra gratis con la primera compra",
                script="Prueba esta línea de cuidado íntimo.\nCon el código tienes un regalo.",
            )
            finished.results.create(
                date=start + timedelta(days=10),
                referrals=sales + 2,
                sales=sales,
                revenue=Decimal(30000 * sales),
            )
            finished.record_review(user, {"decision": decision})
            # Reviewed on its day, not today (the dashboard's recent activity, insights).
            reviewed = _noon(finished.review_date, candidates[name].workspace)
            Pilot.objects.filter(pk=finished.pk).update(finished_at=reviewed)
            finished.reviews.update(created_at=reviewed)

    def _pilot(self, candidate, user, start, length, *, offer, script, review_after=14) -> Pilot:
        pilot = Pilot(
            offer=offer,
            script=script,
            measurement=Measurement.DISCOUNT_CODE,
            start_date=start,
            length_days=length,
            review_date=start + timedelta(days=review_after),
            target=5,
            margin_per_sale=Decimal("12000"),
        )
        return pilot.start(candidate, user)

    def _alliance(self, candidate: Candidate, user: User, start: date) -> Alliance:
        """The promoted pilot's alliance (its code, partner's page and margin per sale carry
        over), designed with the model's verbs (a referral programme: 10 % of each sale for
        the partner) and active since `start`."""
        alliance = Alliance.objects.design_for(candidate, user)
        for field, value in ALLIANCE_DESIGN.items():
            setattr(alliance, field, value)
        metrics = [
            Metric(measure=Measure.REFERRALS, monthly_target=6),
            Metric(measure=Measure.SALES, monthly_target=3),
            Metric(measure=Measure.REVENUE, monthly_target=90000),
        ]
        # The agreement on one page, in the partner's Spanish, ready to send.
        alliance.one_pager_token, alliance.one_pager_language = random_token(), "es-ar"
        fields = [*ALLIANCE_DESIGN, "one_pager_token", "one_pager_language"]
        alliance.write_design(user, metrics, fields)
        alliance.activate(user, start)
        # Activated on `start`, not now: its reviews count from that day.
        activated = _noon(start, candidate.workspace)
        Alliance.objects.filter(pk=alliance.pk).update(activated_at=activated)
        alliance.refresh_from_db()
        return alliance

    def _alliance_months(self, alliance: Alliance, user: User, today: date) -> None:
        """Four months of results, coordination and benefits (the oldest two paid), and
        the monthly reviews held so far: the next one is a few days ahead."""
        for days_ago, referrals, sales, revenue, source in ALLIANCE_RESULTS:
            entry = Entry(date=today - timedelta(days=days_ago), referrals=referrals)
            entry.sales, entry.revenue, entry.source = sales, Decimal(revenue), source
            alliance.record(entry)
        for days_ago, minutes, kind in ALLIANCE_TIME:
            alliance.record(
                TimeEntry(date=today - timedelta(days=days_ago), minutes=minutes, kind=kind)
            )
        oldest = alliance.benefits.order_by("owed_on").values_list("pk", flat=True)[:2]
        Benefit.objects.mark_paid(alliance, list(oldest), today - timedelta(days=90))
        for decision, notes in ALLIANCE_REVIEWS:
            if alliance.next_review_date > today:
                break
            data = {"decision": decision, "notes": notes}
            Review.objects.record(alliance, user, data, alliance.next_review_date)
            alliance.refresh_from_db()


def _noon(day: date, workspace: Workspace) -> datetime:
    """Midday of `day` where the business is."""
    return datetime.combine(day, time(12), tzinfo=zoneinfo.ZoneInfo(workspace.time_zone))


# The alliance with Centro de Estética Luna, as its design page would save it.
ALLIANCE_DESIGN = {
    "kind": Kind.REFERRAL,
    "they_bring": ["audience", "trust"],
    "they_bring_note": "Clientas que se cuidan y vuelven cada mes; la cosmetóloga recomienda",
    "we_bring": ["know_how", "infrastructure"],
    "we_bring_note": "Cuidado íntimo con envío discreto y asesoría por WhatsApp",
    "how_passed": "La cosmetóloga entrega la tarjeta con el código; la clienta nos escribe.",
    "how_served": "Asesoría por WhatsApp el mismo día y un regalo en la primera compra.",
    "how_charged": "Cobramos como siempre; Luna recibe el 10 % de cada venta, a fin de mes.",
    "review_cadence": "monthly",
    "our_contact": "Carolina (dueña)",
    "their_contact": "Marta, recepción de Luna",
    "benefit_rule": "percent",
    "benefit_value": Decimal("10"),
}
# days ago, referrals, sales, revenue (ARS), who recorded it
ALLIANCE_RESULTS = [
    (115, 2, 1, 30000, Source.OWNER),
    (108, 1, 0, 0, Source.PARTNER),
    (100, 2, 1, 28000, Source.OWNER),
    (85, 3, 2, 61000, Source.OWNER),
    (72, 1, 1, 30000, Source.PARTNER),
    (54, 2, 1, 32000, Source.OWNER),
    (40, 3, 2, 58000, Source.OWNER),
    (20, 2, 1, 31000, Source.PARTNER),
    (6, 1, 1, 29000, Source.OWNER),
    (2, 2, 0, 0, Source.PARTNER),
]
# days ago, minutes, what it was
ALLIANCE_TIME = [
    (110, 60, CoordinationKind.MEETING),
    (80, 30, CoordinationKind.MESSAGES),
    (45, 45, CoordinationKind.MEETING),
    (15, 20, CoordinationKind.MESSAGES),
    (3, 30, CoordinationKind.ADJUSTMENTS),
]
# The monthly reviews so far, oldest first.
ALLIANCE_REVIEWS = [
    (AllianceDecision.KEEP, "Primer mes: llegan clientas, falta que compren."),
    (AllianceDecision.ADJUST, "Sumamos un regalo en la primera compra."),
    (AllianceDecision.KEEP, "Las ventas se sostienen; la coordinación es poca."),
    (AllianceDecision.KEEP, ""),
]
