"""Places (Province → City → County → Township → Village): the fixed chain every record hangs
from.

Places are a fixed chain of foreign keys, each keyed by its 12-digit statistical division
code. `PLACE_PATHS` on each model tells the access gate (access.scope) how to reach each
level's id from it; the province is reached through the city (access.scope derives it).
"""

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from villages.choices import VillageKind
from villages.codes import Level, validate_code

_DIGITS = Q(code__regex=r"^[0-9]{12}$")


class Place(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)

    LEVEL: Level
    PARENT_FIELD: str | None = None

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        parent = getattr(self, self.PARENT_FIELD, None) if self.PARENT_FIELD else None
        validate_code(self.code, level=self.LEVEL, parent_code=parent.code if parent else None)


class Province(Place):
    LEVEL = Level.PROVINCE
    PLACE_PATHS = {"province": "pk"}

    class Meta(Place.Meta):
        verbose_name = _("省")
        verbose_name_plural = _("省")
        constraints = [
            models.CheckConstraint(
                condition=_DIGITS & Q(code__endswith="0000000000") & ~Q(code__startswith="00"),
                name="province_code_format",
            )
        ]


class City(Place):
    LEVEL = Level.CITY
    PARENT_FIELD = "province"
    PLACE_PATHS = {"city": "pk"}

    province = models.ForeignKey(
        Province, models.PROTECT, related_name="cities", verbose_name=_("省")
    )

    class Meta(Place.Meta):
        verbose_name = _("市")
        verbose_name_plural = _("市")
        constraints = [
            models.CheckConstraint(
                condition=_DIGITS & Q(code__endswith="00000000") & ~Q(code__endswith="0000000000"),
                name="city_code_format",
            )
        ]


class County(Place):
    LEVEL = Level.COUNTY
    PARENT_FIELD = "city"
    PLACE_PATHS = {"city": "city_id", "county": "pk"}

    city = models.ForeignKey(City, models.PROTECT, related_name="counties", verbose_name=_("市"))
    # Where the public objects to a rating: printed on the publicity notice (公示).
    notice_address = models.CharField(_("县委组织部地址"), max_length=100, blank=True)
    notice_phone = models.CharField(_("监督电话"), max_length=40, blank=True)

    class Meta(Place.Meta):
        verbose_name = _("县(市、区)")
        verbose_name_plural = _("县(市、区)")
        constraints = [
            models.CheckConstraint(
                condition=_DIGITS & Q(code__endswith="000000") & ~Q(code__endswith="00000000"),
                name="county_code_format",
            )
        ]

    @property
    def notice_incomplete(self) -> bool:
        """The publicity notice would give the public no phone or no address to object to."""
        return not (self.notice_phone and self.notice_address)


class Township(Place):
    LEVEL = Level.TOWNSHIP
    PARENT_FIELD = "county"
    PLACE_PATHS = {"city": "county__city_id", "county": "county_id", "township": "pk"}

    county = models.ForeignKey(
        County, models.PROTECT, related_name="townships", verbose_name=_("县(市、区)")
    )
    # Answers for the township's branches in the responsibility chain (五级分包).
    party_secretary = models.CharField(_("党委(党工委)书记"), max_length=30, blank=True)

    class Meta(Place.Meta):
        verbose_name = _("乡镇(街道)")
        verbose_name_plural = _("乡镇(街道)")
        constraints = [
            models.CheckConstraint(
                condition=_DIGITS & Q(code__endswith="000") & ~Q(code__endswith="000000"),
                name="township_code_format",
            )
        ]


class Village(Place):
    """A rural village (村) or an urban community (社区): each has one Party branch."""

    LEVEL = Level.VILLAGE
    PARENT_FIELD = "township"
    PLACE_PATHS = {
        "city": "township__county__city_id",
        "county": "township__county_id",
        "township": "township_id",
        "village": "pk",
    }

    township = models.ForeignKey(
        Township, models.PROTECT, related_name="villages", verbose_name=_("乡镇(街道)")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=VillageKind.choices)

    class Meta(Place.Meta):
        verbose_name = _("村(社区)")
        verbose_name_plural = _("村(社区)")
        constraints = [
            models.CheckConstraint(
                condition=_DIGITS & ~Q(code__endswith="000"), name="village_code_format"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=VillageKind.values), name="village_kind_valid"
            ),
        ]


# Each level's model, for code that is handed a code and finds its place.
PLACE_MODELS: dict[Level, Any] = {
    Level.PROVINCE: Province,
    Level.CITY: City,
    Level.COUNTY: County,
    Level.TOWNSHIP: Township,
    Level.VILLAGE: Village,
}
