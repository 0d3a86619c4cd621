"""Candidate partners, their checklist evaluations and the workspace's scoring rule."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Workspace
from candidates.criteria import CRITERIA, CRITERION_FIELDS, FILTER_FIELDS, FILTER_QUESTIONS
from candidates.scoring import (
    MAX_SCORE,
    PRESETS,
    Advice,
    Colour,
    Light,
    Rule,
    Thresholds,
    advice_for,
    colour_for,
)
from semaforo.lib.codes import random_code
from semaforo.lib.fields import WorkspaceCopyField
from semaforo.lib.search import fold

# Also the scoring settings form's message (candidates/forms.py).
THRESHOLDS_MESSAGE = _(
    "The thresholds must split 0–8 into three bands: "
    "yellow from 1 or more, and green above yellow, up to 8."
)


class ScoringSettings(models.Model):
    """The workspace's score → colour rule (accounts know nothing of the method)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="scoring"
    )
    rule = models.CharField(
        _("scoring rule"), max_length=10, choices=Rule, default=Rule.QUICK_SCORE
    )
    custom_green_min = models.PositiveSmallIntegerField(
        _("green from"), default=6, validators=[MinValueValidator(2), MaxValueValidator(MAX_SCORE)]
    )
    custom_yellow_min = models.PositiveSmallIntegerField(
        _("yellow from"), default=3, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(rule__in=Rule.values),
                name="scoring_rule_valid",
                violation_error_code="invalid_choice",
                violation_error_message=_("Choose a scoring rule from the list."),
            ),
            models.CheckConstraint(
                condition=Q(custom_yellow_min__gte=1)
                & Q(custom_green_min__gt=models.F("custom_yellow_min"))
                & Q(custom_green_min__lte=MAX_SCORE),
                name="scoring_custom_bands_nonempty",
                violation_error_code="bands",
                violation_error_message=THRESHOLDS_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workspace}: {self.get_rule_display()}"

    def thresholds(self) -> Thresholds:
        if self.rule == Rule.CUSTOM:
            return Thresholds(self.custom_green_min, self.custom_yellow_min)
        return PRESETS[Rule(self.rule)]

    @classmethod
    def for_workspace(cls, workspace: Workspace) -> ScoringSettings:
        settings, _created = cls.objects.get_or_create(workspace=workspace)
        return settings


class Kind(models.TextChoices):
    ALLIANCE = "alliance", _("Strategic alliance")
    REFERRAL = "referral", _("Referral program")
    CHANNEL = "channel", _("Sales channel")


class Asset(models.TextChoices):
    AUDIENCE = "audience", _("Audience that fits")
    TRUST = "trust", _("Transferable trust")
    CONTEXT = "context", _("Natural purchase context")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    KNOW_HOW = "know_how", _("Know-how")
    COMMUNITY = "community", _("Community, content or reach")


class Status(models.TextChoices):
    NEW = "new", _("New")
    EVALUATED = "evaluated", _("Evaluated")
    IN_PILOT = "in_pilot", _("In pilot")
    ALLIANCE = "alliance", _("Alliance")
    OPEN_REFERRAL = "open_referral", _("Open referral")
    DISCARDED = "discarded", _("Discarded")


def validate_assets(value) -> None:
    if not isinstance(value, list) or any(item not in Asset.values for item in value):
        raise ValidationError(_("Choose assets from the list."), code="invalid_asset")


class CandidateQuerySet(models.QuerySet):
    def for_workspace(self, workspace: Workspace):
        return self.filter(workspace=workspace)

    def active(self):
        return self.filter(archived_at__isnull=True)

    def with_current(self):
        """Annotate the current (open) evaluation's score and light (`current_colour`: a
        colour, or "unscored" before the first tick — see Light).

        Subqueries rather than a join: counting the list (the paginator) then reads the
        candidates' index alone, and a page reads one evaluation per row shown.
        """
        current = Evaluation.objects.filter(candidate=OuterRef("pk"), frozen_at__isnull=True)
        current = current.order_by().with_light()
        return self.annotate(
            current_score=Subquery(current.values("score")[:1]),
            current_colour=Subquery(current.values("light")[:1]),
        )

    def named_like(self, name: str):
        """Those whose name is `name` but for case, accents and spaces."""
        return self.filter(search_name=fold(name))

    def search(self, text: str):
        """Those whose name contains `text`, whatever the case and accents ("titan",
        "ESTÉTICA" find "Estética Titán"): a plain LIKE on folded texts, the same on SQLite
        and PostgreSQL (no unaccent extension, no SQL function per connection). It filters
        the workspace's rows, which the list's index already narrows to; only a trigram
        index (PostgreSQL alone) could serve "%…%" itself, and a few thousand candidates a
        workspace do not need one."""
        folded = fold(text)
        return self.filter(search_name__contains=folded) if folded else self


class Candidate(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="candidates")
    code = models.CharField(max_length=12, unique=True, default=random_code, editable=False)
    name = models.CharField(_("name"), max_length=120)
    business_type = models.CharField(_("business type"), max_length=120, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    # The name as searched and compared: lower case, no accents, single spaces
    # (semaforo.lib.search.fold). Kept by save(); a bulk_create must fill it itself.
    search_name = models.TextField(default="", editable=False)
    kind = models.CharField(
        _("relationship being considered"), max_length=10, choices=Kind, default=Kind.REFERRAL
    )
    assets = models.JSONField(
        _("assets the partner would bring"), default=list, blank=True, validators=[validate_assets]
    )
    filter_customer = models.TextField(_("typical customer"), blank=True, max_length=1000)
    filter_channel = models.TextField(
        _("how they reach that customer"), blank=True, max_length=1000
    )
    filter_asset = models.TextField(_("concrete asset they bring"), blank=True, max_length=1000)
    filter_execution = models.TextField(_("how it runs in 1–2 steps"), blank=True, max_length=1000)
    filter_measure = models.TextField(_("how we measure it"), blank=True, max_length=1000)
    status = models.CharField(_("status"), max_length=15, choices=Status, default=Status.NEW)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values),
                name="candidate_kind_valid",
                violation_error_code="invalid_choice",
                violation_error_message=_("Choose a relationship from the list."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="candidate_status_valid",
                violation_error_code="invalid_choice",
                violation_error_message=_("Choose a status from the list."),
            ),
        ]
        indexes = [
            # The candidate list: a workspace's active candidates in the list's exact order
            # (newest first, ties by id), so that a page reads 20 rows, not all of them.
            # Partial, not on archived_at: PostgreSQL orders by an index only past columns
            # compared with "=", and "archived_at IS NULL" is not one.
            models.Index(
                fields=["workspace", "-created_at", "-id"],
                condition=Q(archived_at__isnull=True),
                name="candidate_list_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def namesakes(self):
        """The workspace's other active candidates with this name (but for case, accents
        and spaces): allowed — two branches, a new try — but worth a word."""
        others = Candidate.objects.for_workspace(self.workspace_id).active()
        return others.named_like(self.name).exclude(pk=self.pk).order_by("created_at", "id")

    def filter_passed(self) -> bool:
        """The smoke filter passes only when all five questions have an answer."""
        return all(getattr(self, field).strip() for field in FILTER_FIELDS)

    def asset_labels(self) -> list[str]:
        return [Asset(value).label for value in self.assets if value in Asset.values]

    def is_archived(self) -> bool:
        return self.archived_at is not None

    def filter_answers(self) -> list[tuple[str, str]]:
        """(question, this candidate's answer) for the 60-second smoke filter."""
        return [(question, getattr(self, field)) for field, question in FILTER_QUESTIONS]

    def lock(self) -> None:
        """Serialise this candidate's transitions (a pilot's start, open referral) until the
        transaction ends. On SQLite the IMMEDIATE transaction already holds the write lock."""
        Candidate.objects.select_for_update().filter(pk=self.pk).first()

    def set_status(self, status: Status) -> None:
        self.status = status
        self.save(update_fields=["status", "updated_at"])

    @transaction.atomic
    def mark_open_referral(self) -> bool:
        """No meetings, no expectations. Refused (False) while a pilot runs: its review
        decides how it stops. `pilots` is the reverse relation of the pilots app's
        Pilot.candidate; its `active()` is the one-pilot-at-a-time rule."""
        self.lock()
        if self.pilots.active().exists():
            return False
        self.set_status(Status.OPEN_REFERRAL)
        return True

    def current_evaluation(self) -> Evaluation:
        """The evaluation being edited; created (empty) on first use."""
        evaluation = self.evaluations.filter(frozen_at__isnull=True).first()
        if evaluation is None:
            evaluation = Evaluation.start(self)
        return evaluation

    def has_evaluations(self) -> bool:
        return self.evaluations.filter(Q(frozen_at__isnull=False) | Q(score__gt=0)).exists()


class EvaluationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(frozen_at__isnull=True)

    def with_light(self):
        """Annotate `light`: the colour, or "unscored" before the first tick (see Light)."""
        return self.annotate(
            light=Case(
                When(scored_at__isnull=True, then=Value(Light.UNSCORED)),
                default=F("colour"),
                output_field=models.CharField(),
            )
        )

    @transaction.atomic
    def record_answers(self, answers: dict[str, bool | str]) -> Evaluation | None:
        """Write these ticks and notes, and nothing else, into the open evaluation of this
        queryset's candidate; return it as saved (with `candidate_status`), or None when
        it has no open evaluation.

        The evaluation's row is locked while it is read and written, so simultaneous ticks
        of different boxes (two tabs, a teammate) are applied one after the other and all
        survive, and the score always agrees with the boxes as stored. The write is a
        compare-and-set on the evaluation still being open: a tick never lands in one
        frozen meanwhile (a re-evaluation or a pilot started in another tab).
        """
        evaluation = (
            self.open()
            .select_for_update(of=("self",))
            .annotate(candidate_status=F("candidate__status"))
            .order_by()[:1]  # one open evaluation per candidate (a constraint)
        )
        evaluation = next(iter(evaluation), None)
        if evaluation is None:
            return None
        for field, value in answers.items():
            setattr(evaluation, field, value)
        evaluation.updated_at = timezone.now()
        if evaluation.scored_at is None and any(f in CRITERION_FIELDS for f in answers):
            evaluation.scored_at = evaluation.updated_at  # the first tick (or untick) scores it
        evaluation.rescore()
        written = {field: getattr(evaluation, field) for field in answers}
        saved = Evaluation.objects.open().filter(pk=evaluation.pk)
        if not saved.update(
            **written,
            score=evaluation.score,
            colour=evaluation.colour,
            scored_at=evaluation.scored_at,
            updated_at=evaluation.updated_at,
        ):
            return None
        return evaluation


class Evaluation(models.Model):
    """One pass through the 8-point checklist, scored under the rule in force at the time.

    The candidate's current evaluation is edited in place at each tick; re-evaluating
    freezes it into the dated history and starts a new one prefilled from it.
    """

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="evaluations")
    # The candidate's, copied on insert: the dashboard counts and ranks a workspace's
    # current evaluations straight from the indexes below.
    workspace = WorkspaceCopyField(parent="candidate")
    code = models.CharField(max_length=12, unique=True, default=random_code, editable=False)
    ideal_customer = models.BooleanField(default=False)
    transferable_trust = models.BooleanField(default=False)
    active_channel = models.BooleanField(default=False)
    real_complement = models.BooleanField(default=False)
    purchase_context = models.BooleanField(default=False)
    easy_execution = models.BooleanField(default=False)
    two_sided_benefit = models.BooleanField(default=False)
    measurable = models.BooleanField(default=False)
    ideal_customer_note = models.CharField(max_length=300, blank=True)
    transferable_trust_note = models.CharField(max_length=300, blank=True)
    active_channel_note = models.CharField(max_length=300, blank=True)
    real_complement_note = models.CharField(max_length=300, blank=True)
    purchase_context_note = models.CharField(max_length=300, blank=True)
    easy_execution_note = models.CharField(max_length=300, blank=True)
    two_sided_benefit_note = models.CharField(max_length=300, blank=True)
    measurable_note = models.CharField(max_length=300, blank=True)
    # Stored so that lists can filter and sort in SQL, and so history keeps its colour.
    score = models.PositiveSmallIntegerField(default=0)
    colour = models.CharField(max_length=6, choices=Colour, default=Colour.RED)
    # When a box was first ticked. Until then the light is grey, "not scored yet" (Light):
    # an untouched checklist says nothing about the partner, it is not a red 0/8.
    scored_at = models.DateTimeField(null=True, blank=True)
    rule = models.CharField(max_length=10, choices=Rule, default=Rule.QUICK_SCORE)
    green_min = models.PositiveSmallIntegerField(default=6)
    yellow_min = models.PositiveSmallIntegerField(default=3)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    frozen_at = models.DateTimeField(null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__lte=MAX_SCORE),
                name="evaluation_score_range",
                violation_error_code="score_range",
                violation_error_message=_("A score goes from 0 to 8."),
            ),
            models.CheckConstraint(
                condition=Q(colour__in=Colour.values),
                name="evaluation_colour_valid",
                violation_error_code="invalid_choice",
                violation_error_message=_("Choose a colour from the list."),
            ),
            models.CheckConstraint(
                condition=Q(rule__in=Rule.values),
                name="evaluation_rule_valid",
                violation_error_code="invalid_choice",
                violation_error_message=_("Choose a scoring rule from the list."),
            ),
            models.CheckConstraint(
                condition=Q(yellow_min__gte=1)
                & Q(green_min__gt=models.F("yellow_min"))
                & Q(green_min__lte=MAX_SCORE),
                name="evaluation_thresholds_ordered",
                violation_error_code="bands",
                violation_error_message=THRESHOLDS_MESSAGE,
            ),
            # Not scored yet means no box ticked yet.
            models.CheckConstraint(
                condition=Q(scored_at__isnull=False) | Q(score=0),
                name="evaluation_unscored_has_no_ticks",
                violation_error_code="unscored_with_ticks",
                violation_error_message=_("An evaluation with ticks has been scored."),
            ),
            # At most one evaluation being edited per candidate.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(frozen_at__isnull=True),
                name="evaluation_one_current_per_candidate",
                violation_error_code="one_current",
                violation_error_message=_(
                    "This candidate already has an evaluation in progress: reload the page."
                ),
            ),
        ]
        indexes = [
            # The dashboard's candidates by light (colour, or not scored yet), counted from
            # this index alone.
            models.Index(
                fields=["workspace", "colour", "scored_at"],
                condition=Q(frozen_at__isnull=True),
                name="evaluation_current_colour_idx",
            ),
            # The dashboard's best candidates: read best first, stopping at the fifth.
            models.Index(
                fields=["workspace", "-score", "-candidate"],
                condition=Q(frozen_at__isnull=True),
                name="evaluation_current_score_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.score}/{MAX_SCORE} {self.light()}"

    @classmethod
    def start(cls, candidate: Candidate, prefill: Evaluation | None = None) -> Evaluation:
        """A new current evaluation under the workspace's rule in force now."""
        evaluation = cls(candidate=candidate)
        if prefill is not None:
            for criterion in CRITERIA:
                setattr(evaluation, criterion.field, getattr(prefill, criterion.field))
                setattr(evaluation, criterion.note_field, getattr(prefill, criterion.note_field))
            evaluation.scored_at = prefill.scored_at
        scoring = ScoringSettings.for_workspace(candidate.workspace)
        evaluation.apply_rule(scoring.rule, scoring.thresholds())
        evaluation.save()
        return evaluation

    def thresholds(self) -> Thresholds:
        return Thresholds(self.green_min, self.yellow_min)

    def apply_rule(self, rule: str, thresholds: Thresholds) -> None:
        self.rule = rule
        self.green_min = thresholds.green_min
        self.yellow_min = thresholds.yellow_min
        self.rescore()

    def ticked(self) -> int:
        return sum(bool(getattr(self, field)) for field in CRITERION_FIELDS)

    def rescore(self) -> None:
        """Score and colour from the ticks, under the rule this evaluation keeps; a tick
        makes it scored (an untick after that leaves it scored: a deliberate 0/8)."""
        self.score = self.ticked()
        self.colour = colour_for(self.score, self.thresholds())
        if self.score and self.scored_at is None:
            self.scored_at = timezone.now()

    def is_scored(self) -> bool:
        return self.scored_at is not None

    def light(self) -> str:
        """What the light shows: the colour, or Light.UNSCORED before the first tick."""
        return self.colour if self.is_scored() else Light.UNSCORED

    def get_light_display(self) -> str:
        return Light(self.light()).label

    def rows(self) -> list[dict]:
        """Each criterion with its tick and note, in the method's order."""
        return [
            {
                "criterion": c,
                "ticked": getattr(self, c.field),
                "note": getattr(self, c.note_field),
            }
            for c in CRITERIA
        ]

    def advice(self) -> Advice | None:
        """The method's advice for the colour; none before the first tick."""
        return advice_for(self.colour) if self.is_scored() else None

    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @transaction.atomic
    def reevaluate(self) -> Evaluation:
        """Freeze this evaluation into history; return a new current one prefilled from it.

        The freeze is a compare-and-set and the prefill reads the row as frozen, so a tick
        saved just before is in both, and one saved just after goes to the new one
        (`record_answers`). If another request froze it first (a double submit, two tabs), it is
        not frozen twice: that request's new current evaluation is returned.
        """
        still_open = Evaluation.objects.filter(pk=self.pk, frozen_at__isnull=True)
        frozen = still_open.update(frozen_at=timezone.now())
        self.refresh_from_db()
        if not frozen:
            return self.candidate.current_evaluation()
        return Evaluation.start(self.candidate, prefill=self)


class PendingImport(models.Model):
    """A previewed CSV import waiting for its confirm, kept with the workspace it was
    previewed in (a consultant may switch workspace in another tab meanwhile) and confirmed
    at most once: the confirm deletes it and imports in one transaction (spreadsheets.py)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=12, unique=True, default=random_code, editable=False)
    text = models.TextField()  # the file as decoded at the preview (at most 1 MB)
    created_at = models.DateTimeField(auto_now_add=True)

    KEPT_FOR_HOURS = 24

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return f"{self.workspace}: {self.code}"

    @classmethod
    def kept_since(cls):
        from datetime import timedelta

        return timezone.now() - timedelta(hours=cls.KEPT_FOR_HOURS)

    @classmethod
    def keep(cls, workspace: Workspace, user, text: str) -> PendingImport:
        """Store a previewed file until it is confirmed; those older than a day go now."""
        cls.objects.filter(created_at__lt=cls.kept_since()).delete()
        return cls.objects.create(workspace=workspace, created_by=user, text=text)
