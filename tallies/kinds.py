"""The figures by branch kind (rural, community, both) and against the targets set for them;
plain arithmetic on counts, and the two look-ups it needs (targets, each star's kinds)."""

from decimal import Decimal
from typing import Any

from branches.models import Target
from catalogues.models import Cycle, Star

LEVELS = range(6)


def share_of(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


BRANCH_KINDS = ("rural", "community")


def no_branches() -> dict[str, Any]:
    """The figures of one kind of branch before any is counted."""
    return {"branches": 0, "projected": [0] * 6, "official": [0] * 6}


def kinds_add(many: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Branch counts and level distributions by kind, summed over places."""
    total = {kind: no_branches() for kind in BRANCH_KINDS}
    for kinds in many:
        for kind, figures in kinds.items():
            into = total.setdefault(kind, no_branches())
            into["branches"] += figures["branches"]
            for key in ("projected", "official"):
                into[key] = [a + b for a, b in zip(into[key], figures[key], strict=True)]
    return total


def kinds_raw(headline: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The counts `kinds_headline` was made from (a snapshot keeps only the headline)."""
    return {
        kind: {
            "branches": headline[kind]["branches"],
            "projected": headline[kind]["projected"]["levels"],
            "official": headline[kind]["official"]["levels"],
        }
        for kind in BRANCH_KINDS
        if kind in headline
    }


def kinds_headline(
    raw: dict[str, dict[str, Any]], targets: dict[str, Target]
) -> dict[str, dict[str, Any]]:
    """Rural, community and both: branches, levels, three-plus count and share (projected and
    official), five- and four-star counts, and the target, for one place."""
    raw = kinds_add([raw])
    raw["all"] = {
        "branches": sum(raw[k]["branches"] for k in BRANCH_KINDS),
        "projected": [sum(raw[k]["projected"][n] for k in BRANCH_KINDS) for n in LEVELS],
        "official": [sum(raw[k]["official"][n] for k in BRANCH_KINDS) for n in LEVELS],
    }
    counts = {k: raw[k]["branches"] for k in BRANCH_KINDS}
    headline = {}
    for kind in (*BRANCH_KINDS, "all"):
        figures = raw[kind]
        n = figures["branches"]
        headline[kind] = {
            "branches": n,
            **{
                key: {
                    "levels": figures[key],
                    "five": figures[key][5],
                    "four": figures[key][4],
                    "three_plus": sum(figures[key][3:]),
                    "share": share_of(sum(figures[key][3:]), n),
                }
                for key in ("projected", "official")
            },
            "target": target_of_kind(targets, kind, counts),
        }
    return headline


def target_of_kind(
    targets: dict[str, Target], kind: str, counts: dict[str, int]
) -> dict[str, Any] | None:
    """A place's target for `kind`. Both kinds together is the target set for both (one set
    before targets had kinds) or else the sum of the two, its share weighted by branches."""
    if kind != "all" or "all" in targets:
        return _target(targets.get(kind))
    found = {k: _target(targets.get(k)) for k in BRANCH_KINDS}
    present = [k for k in BRANCH_KINDS if counts.get(k) or found[k]]
    parts = {k: v for k, v in found.items() if v is not None}
    if not present or any(k not in parts for k in present):
        return None
    branches = sum(counts.get(k, 0) for k in present)
    return {
        "five_star": sum(parts[k]["five_star"] for k in present),
        "four_star": sum(parts[k]["four_star"] for k in present),
        "three_plus_share": round(
            sum(parts[k]["three_plus_share"] * counts.get(k, 0) for k in present) / branches, 1
        )
        if branches
        else parts[present[0]]["three_plus_share"],
    }


def targets_by_place(targets: Any) -> dict[str, dict[str, Target]]:
    """Place code → kind → target, for targets with their places selected."""
    found: dict[str, dict[str, Target]] = {}
    for target in targets.select_related("province", "city", "county", "township"):
        found.setdefault(target.place.code, {})[target.kind] = target
    return found


def star_kinds_of(cycle: Cycle) -> dict[str, list[str]]:
    """Each star code of the year's published catalogues → the branch kinds that have it, in
    the catalogues' order (rural first): CY is rural only, FW community only, ZB both."""
    found: dict[str, list[str]] = {}
    for kind, code in (
        Star.objects.filter(catalogue__year=cycle.year, catalogue__published_at__isnull=False)
        .order_by("-catalogue__branch_kind", "order")
        .values_list("catalogue__branch_kind", "code")
    ):
        if kind not in found.setdefault(code, []):
            found[code].append(kind)
    return found


def kinds_of(branch_list: list[dict[str, Any]]) -> dict[str, int]:
    """How many branches of each kind (rural, community) a list holds."""
    kinds: dict[str, int] = {}
    for branch in branch_list:
        kinds[branch["kind"]] = kinds.get(branch["kind"], 0) + 1
    return kinds


def attainment(
    stars: dict[str, int], kinds: dict[str, int], star_kinds: dict[str, list[str]]
) -> dict[str, float]:
    """Share of the branches that can earn each star (their kind's catalogue has it)."""
    return {
        star: share_of(stars.get(star, 0), sum(kinds.get(k, 0) for k in owners))
        for star, owners in star_kinds.items()
        if any(kinds.get(k, 0) for k in owners)
    }


def _target(target: Target | None) -> dict[str, Any] | None:
    if target is None:
        return None
    return {
        "five_star": target.five_star,
        "four_star": target.four_star,
        "three_plus_share": float(Decimal(target.three_plus_share)),
    }
