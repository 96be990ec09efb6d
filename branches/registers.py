"""The registers (名录) that import and export as spreadsheets, by the names commands use."""

from branches.resources import BranchResource, BranchTargetResource
from villages.resources import TownshipResource, VillageResource

REGISTERS = {
    "townships": TownshipResource,
    "villages": VillageResource,
    "branches": BranchResource,
    "branch-targets": BranchTargetResource,
}
