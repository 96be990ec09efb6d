"""What the three-zero page and the revocation queue read, counted by the database."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth

from access.scope import restrict
from branches.models import Branch
from scoring.choices import ZERO_KINDS, RevocationState
from scoring.models import Revocation, VetoEvent


def events_of_year(*, user: Any, year: int) -> QuerySet[VetoEvent]:
    """Every event the user may see in `year`, newest first, withdrawn ones included."""
    return restrict(VetoEvent.objects.filter(happened_on__year=year), user).select_related(
        "branch__village__township", "recorded_by"
    )


def zero_figures(*, user: Any, year: int) -> dict[str, Any]:
    """The three zeros in `year`: standing events by township and kind, by month and kind, and
    per township the branches still at zero. Three grouped queries, whatever the county's size."""
    events = restrict(
        VetoEvent.objects.filter(
            withdrawn_at__isnull=True, kind__in=ZERO_KINDS, happened_on__year=year
        ),
        user,
    )
    by_township: dict[int, dict[str, int]] = {}
    for row in events.values("branch__village__township_id", "kind").annotate(n=Count("id")):
        by_township.setdefault(row["branch__village__township_id"], {})[row["kind"]] = row["n"]
    months = {(m, k): 0 for m in range(1, 13) for k in ZERO_KINDS}
    for row in (
        events.annotate(month=ExtractMonth("happened_on"))
        .values("month", "kind")
        .annotate(n=Count("id"))
    ):
        months[(row["month"], row["kind"])] = row["n"]
    broken = Q(
        veto_events__withdrawn_at__isnull=True,
        veto_events__kind__in=ZERO_KINDS,
        veto_events__happened_on__year=year,
    )
    townships = (
        restrict(Branch.objects.all(), user)
        .values("village__township_id", "village__township__name", "village__township__code")
        .annotate(
            total=Count("id", distinct=True), broken=Count("id", filter=broken, distinct=True)
        )
        .order_by("village__township__code")
    )
    rows = [
        {
            "name": t["village__township__name"],
            "code": t["village__township__code"],
            "total": t["total"],
            "zero": t["total"] - t["broken"],
            "kinds": [by_township.get(t["village__township_id"], {}).get(k, 0) for k in ZERO_KINDS],
        }
        for t in townships
    ]
    return {
        "townships": rows,
        "months": [[months[(m, k)] for k in ZERO_KINDS] for m in range(1, 13)],
        "total": sum(r["total"] for r in rows),
        "zero": sum(r["zero"] for r in rows),
        "kinds": [sum(r["kinds"][i] for r in rows) for i in range(len(ZERO_KINDS))],
    }


def revocations_pending(*, user: Any) -> QuerySet[Revocation]:
    return (
        restrict(Revocation.objects.filter(state=RevocationState.PENDING), user)
        .select_related("branch__village__township", "rating", "event", "listing")
        .order_by("created_at", "pk")
    )


def revocations_decided(*, user: Any) -> QuerySet[Revocation]:
    return (
        restrict(Revocation.objects.exclude(state=RevocationState.PENDING), user)
        .select_related("branch__village__township", "rating", "event", "decided_by")
        .order_by("-decided_at", "-pk")
    )
