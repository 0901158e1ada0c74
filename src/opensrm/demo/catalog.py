"""Reference data of the demo company: regions, logins, industries, products, pipeline, calendar.

Plain constants only, so the generator stays a pure function of its seed. The numbers that
shape the data (industry sizes and win effects, seasonality) are documented in
docs/demo-data.md; change them there too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop

# --- organisation ---------------------------------------------------------------------------
# (key, Chinese name, English name); the order is the order of region ids.
REGIONS: tuple[tuple[str, str, str], ...] = (
    ("east", "华东", "East"),
    ("north", "华北", "North"),
    ("south", "华南", "South"),
    ("west", "西部", "West"),
    ("intl", "国际", "International"),
)
REGION_INDEX = {key: i for i, (key, _zh, _en) in enumerate(REGIONS)}
REPS_PER_TEAM = 8
TEAM_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
COUNTRY_NAMES: dict[str, str] = {
    "HK": "中国香港 Hong Kong",
    "SG": "新加坡 Singapore",
    "JP": "日本 Japan",
    "KR": "韩国 Korea",
    "AU": "澳大利亚 Australia",
    "GB": "英国 United Kingdom",
    "DE": "德国 Germany",
    "FR": "法国 France",
    "NL": "荷兰 Netherlands",
    "US": "美国 United States",
    "CA": "加拿大 Canada",
    "AE": "阿联酋 UAE",
    "IN": "印度 India",
    "TH": "泰国 Thailand",
    "ID": "印度尼西亚 Indonesia",
    "MY": "马来西亚 Malaysia",
    "BR": "巴西 Brazil",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    description: str


# The logins printed after loading. Every demo user gets its own random password when the data is
# loaded (never generated from the seed, which is public): see opensrm.demo.load.
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "admin", gettext_noop("Administrator (superuser)")),
    DemoLogin("ops", "sales_ops", gettext_noop("Sales operations")),
    DemoLogin("manager", "manager", gettext_noop("Manager of the East region")),
    DemoLogin("rep", "rep", gettext_noop("Sales rep in the East region")),
    DemoLogin("viewer", "viewer", gettext_noop("Viewer (reads everything, changes nothing)")),
)

# --- industries -----------------------------------------------------------------------------
# key: (probability, median employees, revenue per employee in CNY, win-probability effect γ)
INDUSTRIES: dict[str, tuple[float, float, float, float]] = {
    "manufacturing": (0.20, 260, 900_000, 0.00),
    "technology": (0.14, 150, 1_100_000, 0.55),
    "retail": (0.10, 120, 1_500_000, 0.15),
    "finance": (0.07, 300, 3_000_000, 0.40),
    "healthcare": (0.08, 180, 1_000_000, 0.25),
    "energy": (0.06, 500, 2_500_000, -0.15),
    "logistics": (0.08, 200, 800_000, 0.00),
    "education": (0.05, 150, 400_000, -0.40),
    "government": (0.04, 250, 300_000, -0.70),
    "construction": (0.08, 300, 1_200_000, -0.30),
    "food": (0.06, 200, 1_000_000, -0.10),
    "other": (0.04, 80, 700_000, -0.15),
}
INDUSTRY_KEYS: tuple[str, ...] = tuple(INDUSTRIES)

# Which product line an industry buys first (probabilities over PRODUCT_LINES).
PRODUCT_LINES: tuple[str, ...] = ("ERP", "IoT", "Analytics", "Logistics", "Services")
LINE_AFFINITY: dict[str, tuple[float, ...]] = {
    "manufacturing": (0.30, 0.35, 0.10, 0.10, 0.15),
    "technology": (0.30, 0.05, 0.40, 0.05, 0.20),
    "retail": (0.30, 0.05, 0.30, 0.25, 0.10),
    "finance": (0.35, 0.00, 0.50, 0.00, 0.15),
    "healthcare": (0.35, 0.15, 0.30, 0.05, 0.15),
    "energy": (0.20, 0.40, 0.25, 0.05, 0.10),
    "logistics": (0.20, 0.10, 0.15, 0.45, 0.10),
    "education": (0.40, 0.00, 0.30, 0.00, 0.30),
    "government": (0.30, 0.10, 0.35, 0.00, 0.25),
    "construction": (0.35, 0.25, 0.15, 0.15, 0.10),
    "food": (0.30, 0.15, 0.15, 0.30, 0.10),
    "other": (0.35, 0.10, 0.25, 0.10, 0.20),
}

# (code, name, product line, unit price CNY, maximum quantity per deal)
PRODUCTS: tuple[tuple[str, str, str, float, int], ...] = (
    ("ERP-STD", "云ERP 标准版（年）", "ERP", 48_000, 1),
    ("ERP-PRO", "云ERP 专业版（年）", "ERP", 128_000, 1),
    ("ERP-ENT", "云ERP 企业版（年）", "ERP", 360_000, 1),
    ("ERP-FIN", "财务模块", "ERP", 36_000, 1),
    ("ERP-HR", "人力资源模块", "ERP", 30_000, 1),
    ("ERP-SCM", "供应链模块", "ERP", 60_000, 1),
    ("ERP-USER", "用户许可（10 个）", "ERP", 12_000, 40),
    ("IOT-GW", "工业网关", "IoT", 8_500, 60),
    ("IOT-SENS", "传感器套件", "IoT", 3_200, 200),
    ("IOT-PLAT", "设备物联平台", "IoT", 150_000, 1),
    ("IOT-PM", "预测性维护", "IoT", 90_000, 1),
    ("IOT-EDGE", "边缘计算盒", "IoT", 15_000, 30),
    ("IOT-MES", "MES 制造执行系统", "IoT", 260_000, 1),
    ("BI-STD", "商业智能 标准版", "Analytics", 40_000, 1),
    ("BI-ENT", "商业智能 企业版", "Analytics", 180_000, 1),
    ("BI-DW", "数据仓库", "Analytics", 220_000, 1),
    ("BI-AI", "智能预测模块", "Analytics", 120_000, 1),
    ("BI-DASH", "管理驾驶舱", "Analytics", 25_000, 1),
    ("BI-SEAT", "分析席位（5 个）", "Analytics", 9_000, 40),
    ("WMS-STD", "仓储管理 WMS", "Logistics", 85_000, 1),
    ("TMS-STD", "运输管理 TMS", "Logistics", 70_000, 1),
    ("WMS-RF", "手持终端", "Logistics", 4_800, 120),
    ("WMS-AGV", "AGV 调度系统", "Logistics", 160_000, 1),
    ("LOG-TRACK", "在途追踪", "Logistics", 30_000, 1),
    ("LOG-YARD", "园区管理", "Logistics", 45_000, 1),
    ("SVC-IMPL", "实施服务（人天）", "Services", 2_500, 120),
    ("SVC-TRAIN", "培训（天）", "Services", 6_000, 20),
    ("SVC-SUP", "年度支持服务", "Services", 20_000, 1),
    ("SVC-CONS", "咨询服务（人天）", "Services", 4_000, 60),
    ("SVC-INTEG", "系统集成", "Services", 80_000, 1),
)

# --- pipeline -------------------------------------------------------------------------------
# (name, probability %, forecast category, is_won, is_lost); the name in Chinese, the company's
# default language, with its English name in STAGE_NAMES_EN: each interface shows one language.
STAGES: tuple[tuple[str, int, str, bool, bool], ...] = (
    ("线索确认", 10, "pipeline", False, False),
    ("需求分析", 25, "pipeline", False, False),
    ("方案报价", 50, "best_case", False, False),
    ("商务谈判", 75, "commit", False, False),
    ("赢单", 100, "closed", True, False),
    ("输单", 0, "omitted", False, True),
)
STAGE_NAMES_EN = ("Qualify", "Needs analysis", "Proposal", "Negotiation", "Won", "Lost")
OPEN_STAGES = 4  # the first four stages are open; then Won (index 4) and Lost (index 5)
PIPELINE_NAME = "标准销售流程"
PIPELINE_NAME_EN = "Standard sales process"

LOST_REASONS_ZH = ("价格过高", "选择了竞争对手", "预算不足", "项目延期", "客户无决策", "需求不匹配")
LOST_REASONS_EN = (
    "Price too high",
    "Chose a competitor",
    "No budget",
    "Project postponed",
    "No decision",
    "Requirements not met",
)
COMPETITORS = (
    "",
    "",
    "蓝海科技",
    "星云软件",
    "Apex Solutions",
    "Norvik Group",
    "华拓信息",
    "Kestrel Systems",
)
# Codes of opensrm.crm.models.LeadSource: each interface shows the translated label.
LEAD_SOURCES = ("website", "trade_show", "referral", "cold_call", "wechat", "partner", "advertising")

# --- seasonality ----------------------------------------------------------------------------
# Monthly demand factor: quiet around Chinese New Year, a mid-year bump, a strong Q4 as
# budgets are spent. A further dip is centred on the actual New Year date (CNY_DATES).
MONTH_FACTOR = (0.90, 0.75, 1.00, 1.00, 0.95, 1.05, 0.95, 0.95, 1.05, 0.90, 1.20, 1.45)
CNY_DATES = {
    2015: "2015-02-19",
    2016: "2016-02-08",
    2017: "2017-01-28",
    2018: "2018-02-16",
    2019: "2019-02-05",
    2020: "2020-01-25",
    2021: "2021-02-12",
    2022: "2022-02-01",
    2023: "2023-01-22",
    2024: "2024-02-10",
    2025: "2025-01-29",
    2026: "2026-02-17",
    2027: "2027-02-06",
    2028: "2028-01-26",
    2029: "2029-02-13",
    2030: "2030-02-03",
    2031: "2031-01-23",
    2032: "2032-02-11",
    2033: "2033-01-31",
    2034: "2034-02-19",
    2035: "2035-02-08",
}
ANNUAL_GROWTH = 0.12

# --- activities -----------------------------------------------------------------------------
# kind: (share, minutes, Chinese subjects, English subjects)
ACTIVITY_KINDS: dict[str, tuple[float, int, tuple[str, ...], tuple[str, ...]]] = {
    "call": (
        0.35,
        20,
        ("电话沟通需求", "电话跟进报价", "电话确认预算"),
        ("Discovery call", "Follow-up call", "Budget call"),
    ),
    "email": (
        0.25,
        5,
        ("发送方案资料", "邮件跟进", "发送报价单"),
        ("Sent proposal", "Follow-up email", "Sent quote"),
    ),
    "meeting": (
        0.15,
        60,
        ("线上演示", "方案评审会", "商务会议"),
        ("Online demo", "Solution review", "Commercial meeting"),
    ),
    "visit": (
        0.20,
        120,
        ("上门拜访", "现场调研", "高层拜访"),
        ("On-site visit", "Site survey", "Executive visit"),
    ),
    "task": (
        0.05,
        30,
        ("准备合同", "内部评审", "整理需求"),
        ("Prepare contract", "Internal review", "Write up needs"),
    ),
}
CARE_SUBJECTS_ZH = ("客户回访", "季度业务回顾", "满意度回访", "续约沟通")
CARE_SUBJECTS_EN = ("Customer check-in", "Quarterly business review", "Satisfaction call", "Renewal call")
