"""Deterministic, plausible Chinese names for the demo county (no real persons or places)."""

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = (
    "建国志强国庆红梅秀英海燕卫东新华玉兰振华俊杰丽娟明亮春生桂芝文博晓东永刚秋菊德胜保平金凤立新"
)
VILLAGE_SUFFIXES = [
    "庄",
    "楼",
    "营",
    "寨",
    "集",
    "岗",
    "店",
    "湾",
    "屯",
    "桥",
    "庙",
    "口",
    "坡",
    "园",
]
VILLAGE_PREFIXES = ["东", "西", "南", "北", "前", "后", "大", "小", "新", "老", "上", "下"]
COMMUNITY_NAMES = [
    "和平", "幸福", "建设", "人民", "文化", "光明", "朝阳", "育才", "团结", "健康",
    "翠园", "新华", "振兴", "锦绣", "滨河", "书香", "明珠", "裕华", "兴业", "春晖",
]  # fmt: skip
TOWNSHIPS = [
    ("001", "东城街道"), ("002", "西城街道"),
    ("100", "城关镇"), ("101", "黄寨镇"), ("102", "练集镇"), ("103", "魏集镇"),
    ("104", "固墙镇"), ("105", "白寺镇"), ("106", "谭庄镇"), ("107", "邓城镇"),
    ("200", "胡吉乡"), ("201", "张明乡"), ("202", "舒庄乡"),
]  # fmt: skip
UNITS = ["县财政局", "县交通运输局", "县人民医院", "县农业农村局", "市生态环境局", "县税务局"]


def person(n: int) -> str:
    surname = SURNAMES[n % len(SURNAMES)]
    start = (n * 7) % (len(GIVEN) // 2) * 2
    return surname + GIVEN[start : start + 2]


def village(n: int) -> str:
    surname = SURNAMES[(n * 13) % len(SURNAMES)]
    suffix = VILLAGE_SUFFIXES[n % len(VILLAGE_SUFFIXES)]
    prefix = (
        VILLAGE_PREFIXES[(n // len(VILLAGE_SUFFIXES)) % len(VILLAGE_PREFIXES)] if n % 3 == 0 else ""
    )
    return f"{prefix}{surname}{suffix}村"


def community(n: int) -> str:
    return f"{COMMUNITY_NAMES[n % len(COMMUNITY_NAMES)]}社区"
