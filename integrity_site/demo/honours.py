"""The demo's honour lists, after the district's work report: 家庭服务业诚信单位 and 金牌服务员
(区商务局), 历下榜样 with 诚实守信榜样 and 助人为乐榜样 (区文明办), 山东省诚信建设示范企业, and the
free-trade zone's enterprises graded B or above under graded credit supervision (107 enterprises
in 19 industries). Names are invented; credit codes are valid and generated. Two parties are
named in the demo feed on purpose (``FEED_PARTIES``): one on a published list (the daily
cross-check finds it), one on a list waiting in moderation (the credit check step stops it)."""

import random

from pypinyin import lazy_pinyin

from .content import PageSpec, Text
from .feedgen import credit_code

_codes = random.Random(2020)
PENALISED_UNIT = (
    "济南历下顺心保洁服务有限公司",
    "Jinan Lixia Shunxin Cleaning Services Co., Ltd.",
    credit_code(_codes),
)
DISHONEST_UNIT = (
    "济南泉城立信家政服务有限公司",
    "Jinan Quancheng Lixin Housekeeping Co., Ltd.",
    credit_code(_codes),
)
FEED_PARTIES = [
    ("penalty", PENALISED_UNIT[0], PENALISED_UNIT[2]),
    ("dishonest", DISHONEST_UNIT[0], DISHONEST_UNIT[2]),
]

COMMERCE_BUREAU = Text("历下区商务局", "Lixia District Commerce Bureau")
CIVILISATION_OFFICE = Text("历下区文明办", "Lixia District Civilisation Office")


def organisation(zh, en, citation_zh, citation_en, code=None):
    return {
        "name": Text(zh, en),
        "credit_code": code or credit_code(_codes),
        "citation": Text(citation_zh, citation_en),
    }


def person(zh, en, unit_zh, unit_en, citation_zh, citation_en, subdistrict=""):
    return {
        "name": Text(zh, en),
        "credit_code": "",
        "organisation": Text(unit_zh, unit_en),
        "subdistrict": subdistrict,
        "citation": Text(citation_zh, citation_en),
    }


HOUSEHOLD_SERVICE_UNITS = [
    organisation(
        "济南历下安心家政服务有限公司",
        "Jinan Lixia Anxin Housekeeping Co., Ltd.",
        "服务合同明码标价，客户回访满意率98%。",
        "Clear prices in every contract; 98% of clients satisfied on follow-up.",
    ),
    organisation(
        "济南泉城好帮手家庭服务有限公司",
        "Jinan Quancheng Haobangshou Home Services Co., Ltd.",
        "建立家政员信用档案，持证上岗。",
        "Keeps credit records of its staff; every worker certified.",
    ),
    organisation(
        "山东舜耕居家养老服务有限公司",
        "Shandong Shungeng Home Care for the Elderly Co., Ltd.",
        "公开收费标准，三年零投诉。",
        "Publishes its fees; no complaint in three years.",
    ),
    organisation(
        PENALISED_UNIT[0],
        PENALISED_UNIT[1],
        "推行服务质量承诺制。",
        "Runs a service quality pledge scheme.",
        code=PENALISED_UNIT[2],
    ),
]

GOLD_SERVICE_STAFF = [
    person(
        "王秀英",
        "Wang Xiuying",
        "济南历下安心家政服务有限公司",
        "Jinan Lixia Anxin Housekeeping Co., Ltd.",
        "从业十二年，拾金不昧多次受到表扬。",
        "Twelve years in service; praised many times for returning lost valuables.",
        "解放路街道",
    ),
    person(
        "李红梅",
        "Li Hongmei",
        "济南泉城好帮手家庭服务有限公司",
        "Jinan Quancheng Haobangshou Home Services Co., Ltd.",
        "照护失能老人细致耐心。",
        "Patient, careful care of elderly people who cannot look after themselves.",
        "泉城路街道",
    ),
    person(
        "张建国",
        "Zhang Jianguo",
        "山东舜耕居家养老服务有限公司",
        "Shandong Shungeng Home Care for the Elderly Co., Ltd.",
        "坚持按约定时间上门服务，从不失约。",
        "Always arrives at the agreed time; never broke an appointment.",
        "千佛山街道",
    ),
]

HONEST_ROLE_MODELS = [
    person(
        "刘振华",
        "Liu Zhenhua",
        "宽厚里社区",
        "Kuanhouli Community",
        "经营小店三十年，足斤足两、童叟无欺。",
        "Thirty years running a shop with honest weights for every customer.",
        "解放路街道",
    ),
    person(
        "陈淑兰",
        "Chen Shulan",
        "芙蓉街社区",
        "Furong Street Community",
        "替去世的儿子偿还欠款，诚信守诺。",
        "Repaid her late son's debts, keeping his word.",
        "泉城路街道",
    ),
]

HELPING_OTHERS_ROLE_MODELS = [
    person(
        "赵志强",
        "Zhao Zhiqiang",
        "文东街道社区志愿服务队",
        "Wendong community volunteer team",
        "组织志愿服务队义务维修家电十年。",
        "Has led a volunteer team repairing appliances for free for ten years.",
        "文东街道",
    ),
    person(
        "孙丽娜",
        "Sun Lina",
        "大明湖街道居民",
        "Resident of Daming Lake Subdistrict",
        "长期照顾社区孤寡老人。",
        "Has long cared for elderly people living alone in her community.",
        "大明湖街道",
    ),
]

MODEL_ENTERPRISES = [
    organisation(
        "山东泉舜诚信商贸集团有限公司",
        "Shandong Quanshun Integrity Trading Group Co., Ltd.",
        "入选山东省诚信建设示范企业，建立企业信用管理制度。",
        "Named a Shandong integrity-building model enterprise; runs a credit management system.",
    )
]

# The free-trade zone's graded enterprises: 19 industries, 107 enterprises (the report's figures).
INDUSTRIES = [
    ("软件和信息技术服务", "Software and IT Services", "信息技术", "Information Technology"),
    ("金融服务", "Financial Services", "金融服务", "Financial Services"),
    ("商务服务", "Business Services", "商务咨询", "Business Consulting"),
    ("科技推广", "Technology Promotion", "科技发展", "Technology Development"),
    ("批发", "Wholesale", "商贸", "Trading"),
    ("零售", "Retail", "商业", "Commerce"),
    ("医药制造", "Pharmaceutical Manufacturing", "生物医药", "Biopharma"),
    ("专用设备制造", "Special Equipment Manufacturing", "智能装备", "Intelligent Equipment"),
    ("电气机械", "Electrical Machinery", "电气", "Electric"),
    ("建筑装饰", "Building Decoration", "建筑装饰", "Building Decoration"),
    ("房地产", "Real Estate", "置业", "Property"),
    ("租赁", "Leasing", "融资租赁", "Finance Leasing"),
    ("道路运输", "Road Transport", "物流", "Logistics"),
    ("仓储", "Warehousing", "供应链", "Supply Chain"),
    ("文化艺术", "Culture and Art", "文化传媒", "Culture and Media"),
    ("广播影视", "Film and Broadcasting", "影视", "Film"),
    ("教育", "Education", "教育科技", "Education Technology"),
    ("卫生", "Health", "健康管理", "Health Management"),
    ("餐饮", "Catering", "餐饮管理", "Catering Management"),
]
GRADED_ENTERPRISES = 107
FIRST_CHARACTERS = "泉舜齐鲁历华明济海岱山润德信恒通瑞丰嘉和"
SECOND_CHARACTERS = "城源达诚鑫泰宏远安正茂盛智博晟睿"


def graded_enterprises():
    rng = random.Random(107)
    entries, seen = [], set()
    while len(entries) < GRADED_ENTERPRISES:
        industry_zh, industry_en, trade_zh, trade_en = INDUSTRIES[len(entries) % len(INDUSTRIES)]
        given = rng.choice(FIRST_CHARACTERS) + rng.choice(SECOND_CHARACTERS)
        zh = f"山东{given}{trade_zh}有限公司"
        if zh in seen:
            continue
        seen.add(zh)
        grade = rng.choice(["A", "A", "B"])
        entries.append(
            organisation(
                zh,
                f"Shandong {''.join(lazy_pinyin(given)).capitalize()} {trade_en} Co., Ltd.",
                f"信用等级：{grade}级 · 行业：{industry_zh}",
                f"Credit grade {grade} · Industry: {industry_en}",
            )
        )
    return entries


def honour_list_specs():
    """The lists below the honour index: published ones, and one submitted for moderation."""
    return [
        PageSpec(
            "honours.HonourListPage",
            "household-service-units-2020",
            Text("2020年度家庭服务业诚信单位", "Household service integrity units of 2020"),
            fields={
                "year": 2020,
                "category": "integrity_unit",
                "awarding_unit": COMMERCE_BUREAU,
                "intro": Text(
                    "区商务局评选的家庭服务业诚信单位（示例名单）。",
                    "Household service businesses named integrity units by the district commerce bureau (a demo list).",
                ),
                "entries": HOUSEHOLD_SERVICE_UNITS,
            },
        ),
        PageSpec(
            "honours.HonourListPage",
            "gold-service-staff-2020",
            Text("2020年度金牌服务员", "Gold-medal service staff of 2020"),
            fields={
                "year": 2020,
                "category": "gold_service",
                "awarding_unit": COMMERCE_BUREAU,
                "intro": Text(
                    "区商务局评选的金牌服务员（示例名单）。",
                    "Chosen by the district commerce bureau (a demo list).",
                ),
                "entries": GOLD_SERVICE_STAFF,
            },
        ),
        PageSpec(
            "honours.HonourListPage",
            "honest-role-models-2020",
            Text("历下榜样·诚实守信榜样", "Lixia role models: honest and trustworthy"),
            fields={
                "year": 2020,
                "category": "role_model",
                "awarding_unit": CIVILISATION_OFFICE,
                "intro": Text(
                    "区文明办评选的历下榜样（示例名单）。",
                    "Chosen by the district civilisation office (a demo list).",
                ),
                "entries": HONEST_ROLE_MODELS,
            },
        ),
        PageSpec(
            "honours.HonourListPage",
            "helping-others-role-models-2020",
            Text("历下榜样·助人为乐榜样", "Lixia role models: helping others"),
            fields={
                "year": 2020,
                "category": "helping_others",
                "awarding_unit": CIVILISATION_OFFICE,
                "intro": Text(
                    "区文明办评选的历下榜样（示例名单）。",
                    "Chosen by the district civilisation office (a demo list).",
                ),
                "entries": HELPING_OTHERS_ROLE_MODELS,
            },
        ),
        PageSpec(
            "honours.HonourListPage",
            "shandong-model-enterprises-2020",
            Text("山东省诚信建设示范企业", "Shandong integrity-building model enterprises"),
            fields={
                "year": 2020,
                "category": "model_enterprise",
                "awarding_unit": Text(
                    "山东省社会信用体系建设领导小组办公室", "Shandong Social Credit System Office"
                ),
                "intro": Text("历下区入选企业（示例）。", "The enterprise chosen in Lixia (a demo)."),
                "entries": MODEL_ENTERPRISES,
            },
        ),
        PageSpec(
            "honours.HonourListPage",
            "free-trade-zone-graded-enterprises-2020",
            Text(
                "自贸试验区济南片区信用B级及以上企业", "Jinan free-trade zone: enterprises graded B or above"
            ),
            fields={
                "year": 2020,
                "category": "credit_grade",
                "awarding_unit": Text(
                    "中国（山东）自由贸易试验区济南片区", "China (Shandong) Pilot Free Trade Zone, Jinan Area"
                ),
                "intro": Text(
                    "信用分级分类监管中评为B级及以上的企业，共19个行业107家（示例名单）。",
                    "Enterprises graded B or above under graded credit supervision: 107 in 19 industries (a demo list).",
                ),
                "entries": graded_enterprises(),
            },
        ),
        PageSpec(
            "honours.HonourListPage",
            "household-service-units-2026",
            Text("2026年度家庭服务业诚信单位", "Household service integrity units of 2026"),
            publish=False,
            submit=True,
            fields={
                "year": 2026,
                "category": "integrity_unit",
                "awarding_unit": COMMERCE_BUREAU,
                "intro": Text(
                    "提交审核中的名单：其中一家单位在失信被执行人名单上，信用核查步骤会拦下它（示例）。",
                    "A list in moderation: one unit is on the dishonest judgment debtor list, and the credit "
                    "check step stops it (a demo).",
                ),
                "entries": [
                    HOUSEHOLD_SERVICE_UNITS[0],
                    organisation(
                        DISHONEST_UNIT[0],
                        DISHONEST_UNIT[1],
                        "服务网点覆盖全区。",
                        "Service points across the district.",
                        code=DISHONEST_UNIT[2],
                    ),
                ],
            },
        ),
    ]
