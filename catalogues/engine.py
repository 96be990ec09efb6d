"""The scoring engine: (catalogue, answers) → result, exactly as DOMAIN.md says. Pure.

No database access here, by design: selectors build a `CatalogueSpec` once, services hand the
engine plain answers and store what it returns in bulk, and tests can check it exhaustively.

The rules:
- star score = 100 × (points of met non-veto criteria) ÷ (points of all non-veto criteria),
  rounded half-up to one decimal; a missing answer is not met;
- `bool` is met by yes; `number`/`percent` are met when value ≥ threshold (`at_least`) or
  value ≤ threshold (`at_most`), equality meeting both;
- a star is earned when its score reaches the pass mark, every hard criterion is met, no veto
  is triggered (a veto answered "yes, it happened"), and, where the catalogue names a base
  star, the base star is earned (the base star itself needs only the first three);
- the level is the number of earned stars.

Points are counted in integer tenths so the arithmetic is exact and fast.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

Value = bool | Decimal
Answers = Mapping[str, Value | None]

BOOL, NUMBER, PERCENT = "bool", "number", "percent"
AT_LEAST, AT_MOST = "at_least", "at_most"
_TENTH = Decimal("0.1")
# code, kind, points in tenths, threshold, at_most, hard, veto
_Item = tuple[str, str, int, Decimal | None, bool, bool, bool]


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    star: str
    kind: str
    points: Decimal = Decimal(0)
    threshold: Decimal | None = None
    direction: str = ""
    hard: bool = False
    veto: bool = False
    # A number that may fall below zero (a growth rate); every other number counts things.
    signed: bool = False


@dataclass(frozen=True)
class CatalogueSpec:
    code: str
    pass_mark: Decimal
    stars: tuple[str, ...]
    criteria: tuple[CriterionSpec, ...]
    base_star: str | None = None

    @cached_property
    def by_code(self) -> dict[str, CriterionSpec]:
        return {c.code: c for c in self.criteria}

    @cached_property
    def _plan(self) -> tuple[tuple[str, int, tuple[_Item, ...]], ...]:
        """Per star: its code, the total points in tenths, and its criteria as flat tuples
        (tuples, not objects, because the inner loop runs half a million times a second)."""
        plan = []
        for star in self.stars:
            items = tuple(
                (c.code, c.kind, _tenths(c.points), c.threshold, c.direction == AT_MOST, c.hard,
                 c.veto)
                for c in self.criteria
                if c.star == star
            )  # fmt: skip
            total = sum(points for _, _, points, _, _, _, veto in items if not veto)
            plan.append((star, total, items))
        return tuple(plan)

    @cached_property
    def _pass_tenths(self) -> int:
        return _tenths(self.pass_mark)


@dataclass(frozen=True)
class StarResult:
    """One star's outcome and, when not earned, why: together these form the shortfall list."""

    code: str
    score: Decimal
    earned: bool
    unmet_hard: list[str] = field(default_factory=list)
    vetoed_by: list[str] = field(default_factory=list)
    points_short: Decimal = Decimal(0)  # in score points, up to the pass mark
    missing_base: bool = False
    unmet: list[str] = field(default_factory=list)  # every scored criterion not met
    revoked: bool = False  # taken away by the county after the award (摘星)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: scores as numbers with one decimal."""
        found: dict[str, object] = {
            "code": self.code,
            "score": float(self.score),
            "earned": self.earned,
            "unmet_hard": self.unmet_hard,
            "vetoed_by": self.vetoed_by,
            "points_short": float(self.points_short),
            "missing_base": self.missing_base,
            "unmet": self.unmet,
        }
        if self.revoked:
            found["revoked"] = True
        return found


@dataclass(frozen=True)
class Result:
    catalogue: str
    level: int
    stars: list[StarResult]

    @property
    def earned(self) -> list[str]:
        return [s.code for s in self.stars if s.earned]

    def star(self, code: str) -> StarResult:
        return next(s for s in self.stars if s.code == code)

    def with_revoked(self, codes: frozenset[str]) -> "Result":
        """The result after the county revoked `codes`: those stars are not earned, whatever
        their answers say, and the level counts what is left."""
        stars = [replace(s, earned=False, revoked=True) if s.code in codes else s
                 for s in self.stars]  # fmt: skip
        return Result(self.catalogue, sum(s.earned for s in stars), stars)

    def as_dict(self) -> dict[str, object]:
        return {
            "catalogue": self.catalogue,
            "level": self.level,
            "stars": [s.as_dict() for s in self.stars],
        }


def _tenths(value: Decimal) -> int:
    return int((value * 10).to_integral_value())


def _score_tenths(met: int, total: int) -> int:
    """100 × met ÷ total in tenths of a point, rounded half-up, exactly (integers only)."""
    if total == 0:
        return 0
    return (2000 * met + total) // (2 * total)


def is_met(criterion: CriterionSpec, value: Value | None) -> bool:
    """Whether `value` meets a scored criterion (for a veto: whether it is triggered)."""
    if value is None:
        return False
    if criterion.kind == BOOL:
        return value is True
    if isinstance(value, bool) or criterion.threshold is None:
        return False
    if criterion.direction == AT_MOST:
        return value <= criterion.threshold
    return value >= criterion.threshold


def score(catalogue: CatalogueSpec, answers: Answers) -> Result:
    """Score `answers` (criterion code → value; absent or None means unanswered)."""
    pass_tenths = catalogue._pass_tenths
    partial = []
    get = answers.get
    for star, total, items in catalogue._plan:
        met = 0
        unmet_hard: list[str] = []
        vetoed_by: list[str] = []
        unmet: list[str] = []
        for code, kind, points, threshold, at_most, hard, veto in items:
            value = get(code)
            if value is None:
                ok = False
            elif kind == BOOL:
                ok = value is True
            elif value is True or value is False or threshold is None:
                ok = False
            else:
                ok = value <= threshold if at_most else value >= threshold
            if veto:
                if ok:
                    vetoed_by.append(code)
                continue
            if ok:
                met += points
            else:
                unmet.append(code)
                if hard:
                    unmet_hard.append(code)
        tenths = _score_tenths(met, total)
        partial.append((star, tenths, unmet_hard, vetoed_by, unmet))

    own = {
        star: tenths >= pass_tenths and not unmet_hard and not vetoed_by
        for star, tenths, unmet_hard, vetoed_by, _ in partial
    }
    base = catalogue.base_star
    base_ok = own.get(base, True) if base else True
    stars = []
    for star, tenths, unmet_hard, vetoed_by, unmet in partial:
        missing_base = base is not None and star != base and not base_ok
        stars.append(
            StarResult(
                code=star,
                score=Decimal(tenths) * _TENTH,
                earned=own[star] and not missing_base,
                unmet_hard=unmet_hard,
                vetoed_by=vetoed_by,
                points_short=Decimal(max(0, pass_tenths - tenths)) * _TENTH,
                missing_base=missing_base,
                unmet=unmet,
            )
        )
    return Result(catalogue=catalogue.code, level=sum(s.earned for s in stars), stars=stars)


@dataclass(frozen=True)
class Suggestion:
    """What would earn a star not yet earned: the fewest unmet criteria, largest points first.

    `possible` is false when a triggered veto blocks the star whatever else is done.
    `needs_base` says the base star must be earned too (see its own suggestion).
    """

    star: str
    possible: bool
    criteria: list[str]
    needs_base: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "star": self.star,
            "possible": self.possible,
            "criteria": self.criteria,
            "needs_base": self.needs_base,
        }


def suggest(catalogue: CatalogueSpec, result: Result) -> list[Suggestion]:
    """For each star not earned, the fewest unmet criteria whose meeting would earn it.

    Every unmet hard criterion must be met; beyond that, reaching the pass mark with the fewest
    criteria means taking the largest points first (an exchange argument shows greedy is optimal
    for "fewest items reaching a sum").
    """
    plan = {star: (total, items) for star, total, items in catalogue._plan}
    pass_tenths = catalogue._pass_tenths
    suggestions = []
    for star in result.stars:
        if star.earned:
            continue
        needs_base = star.missing_base
        if star.vetoed_by:
            suggestions.append(Suggestion(star.code, False, [], needs_base))
            continue
        total, items = plan[star.code]
        points = {code: p for code, _, p, _, _, _, veto in items if not veto}
        chosen = list(star.unmet_hard)
        met = total - sum(points[c] for c in star.unmet) + sum(points[c] for c in chosen)
        rest = sorted((c for c in star.unmet if c not in chosen), key=lambda c: (-points[c], c))
        for code in rest:
            if _score_tenths(met, total) >= pass_tenths:
                break
            chosen.append(code)
            met += points[code]
        possible = _score_tenths(met, total) >= pass_tenths
        suggestions.append(Suggestion(star.code, possible, chosen if possible else [], needs_base))
    return suggestions


class AnswerError(ValueError):
    """Answers that cannot be scored; `errors` maps each criterion code to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# What an answer column holds (numeric(14, 2)): larger numbers are refused, not stored.
MAX_NUMBER = Decimal("1e12")


def parse_answers(
    catalogue: CatalogueSpec, raw: Mapping[str, object], *, places: int | None = None
) -> dict[str, Value | None]:
    """Check raw answers (JSON-like values) against the catalogue and convert them.

    Booleans for `bool` criteria; numbers (not booleans) for `number` and `percent`, percents
    within 0–100, counts not below zero; None means unanswered. Give `places` where the answers
    are to be stored: a number with more decimals than the store keeps is refused rather than
    rounded, so what is stored is what was scored. Raises AnswerError naming every bad criterion.
    """
    errors: dict[str, str] = {}
    parsed: dict[str, Value | None] = {}
    by_code = catalogue.by_code
    for code, value in raw.items():
        criterion = by_code.get(code)
        if criterion is None:
            errors[code] = "本标准没有这个指标编码。"
            continue
        if value is None:
            parsed[code] = None
        elif criterion.kind == BOOL:
            if isinstance(value, bool):
                parsed[code] = value
            else:
                errors[code] = "此项为是否题，应填写 true（是）或 false（否）。"
        elif isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            errors[code] = "此项应填写数值。"
        else:
            number = _to_decimal(value)
            problem = "此项应填写数值。" if number is None else number_problem(criterion, number)
            if problem is None and places is not None and _decimals(number) > places:
                problem = f"最多保留{places}位小数。"
            if problem:
                errors[code] = problem
            else:
                parsed[code] = number
    if errors:
        raise AnswerError(errors)
    return parsed


def number_problem(criterion: CriterionSpec, number: Decimal) -> str | None:
    """Why `number` cannot be an answer to `criterion`, or None when it can."""
    if criterion.kind == PERCENT and not 0 <= number <= 100:
        return "百分比须在0～100之间。"
    if abs(number) >= MAX_NUMBER:
        return "数值过大：整数部分最多12位。"
    if number < 0 and not criterion.signed:
        return "此项是计数，不能为负数。"
    return None


def _decimals(number: Decimal | None) -> int:
    exponent = number.normalize().as_tuple().exponent if number is not None else 0
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _to_decimal(value: int | float | Decimal) -> Decimal | None:
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number if number.is_finite() else None


def unanswered(catalogue: CatalogueSpec, answers: Answers) -> list[str]:
    """Scored (non-veto) criteria without an answer: a checklist cannot be submitted with any."""
    return [c.code for c in catalogue.criteria if not c.veto and answers.get(c.code) is None]


def score_many(catalogue: CatalogueSpec, many: Iterable[Answers]) -> list[Result]:
    return [score(catalogue, answers) for answers in many]
