"""Veto events (否决事项: the three zeros and other vetoes) recorded on a branch, and the
revocation proposals (摘星建议) they raise against an awarded rating."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.models import Branch, Decided, Rating, WeakLaxDecision
from scoring.choices import EventKind, RevocationState

_BRANCH_PATHS = {level: f"branch__{path}" for level, path in Branch.PLACE_PATHS.items()}


class VetoEvent(models.Model):
    """Something that happened at a branch and vetoes a star for its year: a zero broken
    (三零), or another veto item of the catalogue (`criterion`). While it stands, the matching
    veto item of that year's checklists is "yes, it happened"."""

    PLACE_PATHS = _BRANCH_PATHS

    branch = models.ForeignKey(
        Branch, models.PROTECT, related_name="veto_events", verbose_name=_("党支部")
    )
    kind = models.CharField(_("类别"), max_length=10, choices=EventKind.choices)
    criterion = models.CharField(
        _("否决项编码"), max_length=12, blank=True, help_text=_("“其他否决事项”填写指标编码")
    )
    happened_on = models.DateField(_("发生日期"))
    place = models.CharField(_("发生地点"), max_length=100)
    description = models.CharField(_("简要情况"), max_length=300)
    evidence = models.FileField(_("佐证材料"), upload_to="events/%Y/", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("否决事项")
        verbose_name_plural = _("否决事项")
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["branch", "happened_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="veto_event_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=EventKind.OTHER, criterion__gt="")
                | (~Q(kind=EventKind.OTHER) & Q(criterion="")),
                name="veto_event_other_names_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.happened_on} {self.get_kind_display()}"

    @property
    def year(self) -> int:
        return self.happened_on.year


class Revocation(Decided):
    """A proposal to revoke a star of an awarded rating, raised by a veto event or a new
    weak-and-lax listing; the county confirms it (摘星) or dismisses it with a reason."""

    PLACE_PATHS = _BRANCH_PATHS

    branch = models.ForeignKey(Branch, models.PROTECT, related_name="+", verbose_name=_("党支部"))
    rating = models.ForeignKey(Rating, models.PROTECT, related_name="revocation_proposals")
    star = models.CharField(_("星"), max_length=4)
    event = models.ForeignKey(
        VetoEvent, models.PROTECT, null=True, blank=True, related_name="revocations"
    )
    listing = models.ForeignKey(
        WeakLaxDecision, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("事由"), max_length=400)
    state = models.CharField(
        _("状态"), max_length=10, choices=RevocationState.choices, default=RevocationState.PENDING
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("摘星建议")
        verbose_name_plural = _("摘星建议")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=RevocationState.values), name="revocation_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(event__isnull=False) | Q(listing__isnull=False),
                name="revocation_has_cause",
            ),
            # One proposal per cause and star: a retried signal never queues it twice.
            models.UniqueConstraint(
                fields=["rating", "star", "event"], name="revocation_once_per_event"
            ),
            models.UniqueConstraint(
                fields=["rating", "star", "listing"], name="revocation_once_per_listing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.star}"
