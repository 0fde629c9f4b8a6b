"""The credit-repair rules as initial data, with their sources, and the classes and periods of the
penalties already stored. The authority's 公示截止期 (until now the only end of publicity) becomes
``authority_until``; the rules then give ``publicity_until``. The publicity editors may maintain
the rule sets."""

import datetime

from django.db import migrations
from django.db.models import F

GROUP_NAME = "公示数据编辑"
PERMISSIONS = [
    ("repairruleset", f"{action}_repairruleset", f"Can {action} credit-repair rule set")
    for action in ("add", "change", "delete", "view")
]
SERIOUS = {
    "severity": "serious",
    "categories": "吊销许可证, 吊销营业执照, 责令关闭, 限制从业",
}
MINOR = {
    "severity": "minor",
    "categories": "警告, 通报批评",
    "only_these_categories": True,
    "keywords": "简易程序, 当场处罚, 当场作出",
}
RULE_SETS = [
    {
        "name": "2019年行政处罚信息信用修复机制",
        "effective_from": datetime.date(2019, 7, 4),
        "source": "国家发展改革委办公厅《关于进一步完善“信用中国”网站及地方信用门户网站行政处罚信息信用修复机制的通知》"
        "（发改办财金〔2019〕527号，2019年7月印发）：涉及一般失信行为的行政处罚信息最短公示3个月、最长1年；"
        "涉及严重失信行为的最短6个月、最长3年。",
        "periods": [("general", True, 3, 12), ("serious", True, 6, 36)],
        "criteria": [SERIOUS],
    },
    {
        "name": "失信行为纠正后的信用信息修复管理办法（试行）",
        "effective_from": datetime.date(2023, 5, 1),
        "source": "《失信行为纠正后的信用信息修复管理办法（试行）》（国家发展改革委令2023年第58号，2023年1月13日公布，"
        "2023年5月1日起施行）：涉及一般失信行为的行政处罚信息最短公示3个月、最长1年；涉及严重失信行为的最短1年、"
        "最长3年；以简易程序作出的警告、通报批评不予公示。",
        "periods": [("minor", False, 0, 0), ("general", True, 3, 12), ("serious", True, 12, 36)],
        "criteria": [SERIOUS, MINOR],
    },
    {
        "name": "信用修复管理办法",
        "effective_from": datetime.date(2026, 4, 1),
        "source": "国家发展改革委《信用修复管理办法》（2025年11月26日公布，2026年4月1日起施行，同时废止2023年的试行办法）："
        "轻微失信信息原则上不予公示，确有必要公示的最长3个月，法定责任履行完毕即可申请修复；一般失信信息最短公示3个月、"
        "最长1年；严重失信信息最短1年、最长3年；自认定之日起计算。",
        "periods": [("minor", False, 0, 3), ("general", True, 3, 12), ("serious", True, 12, 36)],
        "criteria": [SERIOUS, MINOR],
    },
]


def add_rules(apps, schema_editor):
    RuleSet = apps.get_model("publicity", "RepairRuleSet")
    Period = apps.get_model("publicity", "SeverityPeriod")
    Criterion = apps.get_model("publicity", "SeverityCriterion")
    for data in RULE_SETS:
        rule_set = RuleSet.objects.create(
            name=data["name"], effective_from=data["effective_from"], source=data["source"]
        )
        for order, (severity, published, minimum, maximum) in enumerate(data["periods"]):
            Period.objects.create(
                rule_set=rule_set,
                sort_order=order,
                severity=severity,
                published=published,
                minimum_months=minimum,
                maximum_months=maximum,
            )
        for order, criterion in enumerate(data["criteria"]):
            Criterion.objects.create(rule_set=rule_set, sort_order=order, **criterion)

    Record = apps.get_model("publicity", "PublicityRecord")
    Record.objects.filter(kind="penalty").update(authority_until=F("publicity_until"))

    from publicity.repair_periods import recompute
    from publicity.repair_rules import load_rules

    recompute(rules=load_rules(RuleSet, Period, Criterion), model=Record)

    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    for model, codename, name in PERMISSIONS:
        content_type, _created = ContentType.objects.get_or_create(app_label="publicity", model=model)
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def remove_rules(apps, schema_editor):
    Record = apps.get_model("publicity", "PublicityRecord")
    Record.objects.filter(kind="penalty").update(publicity_until=F("authority_until"))
    apps.get_model("publicity", "RepairRuleSet").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("publicity", "0010_repair_periods"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
