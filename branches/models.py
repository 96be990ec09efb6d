"""Party branches (党支部): one per village or community, with their leadership."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from villages.models import Village


class Branch(models.Model):
    """The Party branch of one village or community, the unit that is rated."""

    PLACE_PATHS = {
        "city": "village__township__county__city_id",
        "county": "village__township__county_id",
        "township": "village__township_id",
        "village": "village_id",
    }

    village = models.OneToOneField(
        Village, models.PROTECT, related_name="branch", verbose_name=_("村(社区)")
    )
    name = models.CharField(_("支部名称"), max_length=80)
    secretary = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="branch",
        verbose_name=_("党组织书记"),
    )
    members = models.PositiveIntegerField(_("党员人数"), default=0)
    weak_lax = models.BooleanField(_("软弱涣散"), default=False)
    weak_lax_since = models.DateField(_("软弱涣散认定日期"), null=True, blank=True)
    weak_lax_reason = models.CharField(_("软弱涣散原因"), max_length=200, blank=True)
    first_secretary = models.CharField(_("驻村第一书记"), max_length=30, blank=True)
    first_secretary_unit = models.CharField(_("第一书记派出单位"), max_length=80, blank=True)
    first_secretary_from = models.DateField(_("第一书记任职开始"), null=True, blank=True)
    first_secretary_until = models.DateField(_("第一书记任职结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("党支部")
        verbose_name_plural = _("党支部")
        ordering = ["village__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weak_lax=False) | Q(weak_lax_since__isnull=False),
                name="branch_weak_lax_has_date",
            ),
            models.CheckConstraint(
                condition=Q(first_secretary="")
                | Q(first_secretary_from__isnull=False, first_secretary_until__isnull=False),
                name="branch_first_secretary_has_posting",
            ),
            models.CheckConstraint(
                condition=Q(first_secretary_until__isnull=True)
                | Q(first_secretary_from__isnull=True)
                | Q(first_secretary_until__gte=F("first_secretary_from")),
                name="branch_first_secretary_posting_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name
