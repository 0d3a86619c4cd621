"""A workspace with something on every main page, for the page-wide checks (HTML validity,
phone width, axe-core): candidates of every colour, one with long unbroken text (a long
website address and e-mail, the kind that overflows a phone screen), and a pilot that is due
for review today, with results, coordination time and an "expensive hobby" warning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse

from accounts.models import User, Workspace
from candidates.models import Candidate
from pilots.models import Pilot, Source
from tests.conftest import make_candidate
from tests.pilots.conftest import log_result, log_time, make_pilot, set_hourly_value

LONG_WEBSITE = (
    "https://www.panaderia-y-pasteleria-artesanal-del-barrio-norte.example/"
    "ofertas/temporada/invierno/descuento-para-clientes-recomendados?ref=semaforo"
)


@dataclass
class SamplePages:
    candidate: Candidate
    pilot: Pilot

    def urls(self) -> dict[str, str]:
        """The signed-in main pages, by a short name."""
        return {
            "dashboard": reverse("dashboard:home"),
            "candidate list": reverse("candidates:list"),
            "candidate page": reverse("candidates:detail", args=[self.candidate.code]),
            "pilot page": reverse("pilots:detail", args=[self.pilot.code]),
            "review page": reverse("pilots:review", args=[self.pilot.code]),
            "preferences": reverse("accounts:preferences"),
        }


def populate(workspace: Workspace, owner: User) -> SamplePages:
    today = workspace.today()
    make_candidate(workspace, "Librería Norte", ticks=7, business_type="Bookshop")
    make_candidate(workspace, "Taller Sur", ticks=1)
    candidate = make_candidate(
        workspace,
        "Panadería y Pastelería Artesanal del Barrio Norte",
        ticks=4,
        business_type="Bakery",
        contact_name="Ana",
        email="pedidos.y.encargos.especiales@panaderia-artesanal-barrio-norte.example",
        phone="+34 600 000 000",
        website=LONG_WEBSITE,
        filter_customer="Families in the neighbourhood",
    )
    # Due for review today: started two weeks ago, with results and costly coordination.
    pilot = make_pilot(
        candidate,
        owner,
        start_date=today - timedelta(days=14),
        landing_url=LONG_WEBSITE,
        target=10,
        margin_per_sale=Decimal("5"),
    )
    log_result(pilot, on=today, referrals=3, sales=1, revenue=Decimal("40"), note="Good start")
    log_result(
        pilot,
        on=today,
        referrals=1,
        source=Source.PARTNER,
        contact_name="Luis",
        contact_info="x",
        consent=True,
    )
    log_time(pilot, 90, on=today)
    set_hourly_value(workspace, "30")
    return SamplePages(candidate=candidate, pilot=pilot)
