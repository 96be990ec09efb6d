"""Statistical division codes (统计用区划代码).

A place's code is 12 digits. The levels nest by prefix: a province keeps 2 significant digits,
a city 4, a county 6, a township 9, a village or community all 12; the rest are zeros. A
county-level city directly under the province (e.g. 济源市 419001) hangs from a city-level
entry of its own in the published list (419000000000 省直辖县级行政区划), so the chain never
skips a level. Every entry
point (admin, import, API, services) validates through these functions so that the messages
are the same everywhere.
"""

import re
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_TWELVE_DIGITS = re.compile(r"^\d{12}$")


class Level(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


# How many leading digits are significant at each level.
SIGNIFICANT = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
PARENT = {
    Level.CITY: Level.PROVINCE,
    Level.COUNTY: Level.CITY,
    Level.TOWNSHIP: Level.COUNTY,
    Level.VILLAGE: Level.TOWNSHIP,
}
LEVEL_LABEL = {
    Level.PROVINCE: "省(自治区、直辖市)",
    Level.CITY: "市(地、州、盟)",
    Level.COUNTY: "县(市、区)",
    Level.TOWNSHIP: "乡镇(街道)",
    Level.VILLAGE: "村(社区)",
}


def normalise(raw: object) -> str:
    """Codes arrive from spreadsheets as numbers, floats or text with spaces."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def level_of(code: str) -> Level | None:
    """The level a well-formed code stands at, or None when it is not a division code."""
    if not _TWELVE_DIGITS.match(code):
        return None
    if code[9:] != "000":
        return Level.VILLAGE
    if code[6:9] != "000":
        return Level.TOWNSHIP
    if code[4:6] != "00":
        return Level.COUNTY
    if code[2:4] != "00":
        return Level.CITY
    if code[:2] != "00":
        return Level.PROVINCE
    return None


def validate_code(code: str, *, level: Level, parent_code: str | None = None) -> None:
    """Raise ValidationError (in Chinese) unless `code` is a code of `level` under `parent_code`."""
    if not _TWELVE_DIGITS.match(code or ""):
        raise ValidationError(
            _("区划代码“%(code)s”无效：必须是12位数字。"), code="code_format", params={"code": code}
        )
    digits = SIGNIFICANT[level]
    if level_of(code) != level:
        raise ValidationError(
            _("区划代码“%(code)s”不是%(label)s代码：应为前%(digits)s位有效、其余补0。"),
            code="code_level",
            params={"code": code, "label": LEVEL_LABEL[level], "digits": digits},
        )
    if parent_code is not None:
        parent_digits = SIGNIFICANT[PARENT[level]]
        if code[:parent_digits] != parent_code[:parent_digits]:
            raise ValidationError(
                _("区划代码“%(code)s”不属于上级“%(parent)s”：前%(digits)s位应为%(prefix)s。"),
                code="code_parent",
                params={
                    "code": code,
                    "parent": parent_code,
                    "digits": parent_digits,
                    "prefix": parent_code[:parent_digits],
                },
            )


# The provincial-level divisions of the statistical list (GB/T 2260), for naming a province
# that only its cities' codes name (places set up before provinces were kept).
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}  # fmt: skip
