"""What reading an answer sheet finds: its rows of answers, and everything wrong with it."""

from dataclasses import dataclass, field

from branches.models import Branch
from catalogues import engine
from catalogues.models import Catalogue
from catalogues.selectors import LoadedCatalogue
from scoring.models import VetoEvent
from uploads.imports import CellError
from villages.models import Village


@dataclass
class SheetRow:
    row: int  # as in the sheet, 1-based
    village: Village
    branch: Branch
    values: dict[str, engine.Value | None]


@dataclass
class AnswerSheet:
    """What a sheet says, and everything wrong with it. `ok` means it may be written."""

    catalogue: Catalogue | None = None
    loaded: LoadedCatalogue | None = None
    codes: list[str] = field(default_factory=list)
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    cells: int = 0
    # The veto events standing for the year, by branch id (they answer some items).
    events: dict[int, list[VetoEvent]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def criterion_name(self, code: str) -> str:
        return self.loaded.text_of.get(code, "") if self.loaded else ""
