"""A demo workspace built on the article's example: a sensitive business (wellness, personal
care) that needs trust more than advertising, and a spa that brings it. Idempotent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from accounts.models import User, Workspace
from candidates.criteria import CRITERION_FIELDS, FILTER_FIELDS
from candidates.models import Candidate, Evaluation, Kind, Status
from pilots.models import (
    CoordinationEntry,
    CoordinationKind,
    Decision,
    Measurement,
    Pilot,
    PilotSettings,
)
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
        """Two finished pilots: one promoted to an alliance, one stopped at its review."""
        for name, decision, sales in [
            ("Centro de Estética Luna", Decision.PROMOTE, 4),
            ("Tienda Naturista Verde", Decision.STOP_OPEN_REFERRAL, 0),
        ]:
            finished = self._pilot(
                candidates[name],
                user,
                today - timedelta(days=45),
                14,
                offer="Muestra gratis con la primera compra",
                script="Prueba esta línea de cuidado íntimo.\nCon el código tienes un regalo.",
            )
            finished.results.create(
                date=today - timedelta(days=35),
                referrals=sales + 2,
                sales=sales,
                revenue=Decimal(30000 * sales),
            )
            finished.record_review(user, {"decision": decision})

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
