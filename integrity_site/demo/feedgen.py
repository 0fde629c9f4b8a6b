"""Realistic synthetic feed files for the demo site, tests and benchmarks: valid credit codes, Lixia authorities,
real-looking document numbers, every date form the feeds use, and a chosen share of bad rows.

    python -m integrity_site.demo.feedgen penalty 3014 penalties.csv --bad-share 0.01 --encoding gbk

Deterministic for a given seed. Rows are produced one at a time, so files of any size can be
written in flat memory.
"""

import argparse
import csv
import datetime
import json
import random
from pathlib import Path

from integrity_site.core.credit_code import ALPHABET, INDIVIDUAL_BUSINESS_PLACEHOLDER, check_character

# Government bodies: registration department 1 (organisation establishment), type 1 (organ).
AUTHORITIES = [
    (name, body + check_character(body), prefix)
    for name, body, prefix in [
        ("济南市历下区行政审批服务局", "11370102MB2855460", "济历审批"),
        ("济南市历下区市场监督管理局", "11370102MB2854776", "济历市监"),
        ("济南市历下区卫生健康局", "11370102004206285", "济历卫"),
        ("济南市历下区城市管理局", "11370102004206541", "济历城管"),
        ("济南市历下区应急管理局", "11370102MB2855313", "济历应急"),
        ("济南市历下区文化和旅游局", "11370102MB2855356", "济历文旅"),
        ("济南市生态环境局历下分局", "11370100MB2855641", "济环历"),
        ("济南市历下区住房和城乡建设局", "11370102004206478", "济历建"),
    ]
]
STREETS = [
    "解放路",
    "泉城路",
    "文化东路",
    "山大路",
    "和平路",
    "千佛山路",
    "燕山",
    "甸柳",
    "姚家",
    "龙洞",
    "智远",
    "趵突泉",
]
TRADES = [
    ("餐饮", "餐饮管理有限公司"),
    ("超市", "商贸有限公司"),
    ("药房", "大药房有限公司"),
    ("茶社", "茶文化有限公司"),
    ("酒店", "酒店管理有限公司"),
    ("科技", "信息科技有限公司"),
    ("建筑", "建筑工程有限公司"),
    ("眼镜", "眼镜店"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀华平刚桂英"
LICENCE_CATEGORIES = ["普通", "特许", "认可", "核准", "登记", "其他"]
LICENCE_ITEMS = [
    ("食品经营许可", "食品经营许可证", "JY1370102"),
    ("公共场所卫生许可", "卫生许可证", "鲁卫公证字"),
    ("城市建筑垃圾处置核准", "建筑垃圾处置核准证", "JLCG"),
    ("药品经营许可", "药品经营许可证", "鲁CB531"),
]
PENALTY_TYPES = ["警告", "罚款", "警告;罚款", "没收违法所得;罚款", "责令停产停业"]
VIOLATIONS = [
    ("未按规定公示食品经营许可证", "《中华人民共和国食品安全法》第一百二十六条"),
    ("销售超过保质期的食品", "《中华人民共和国食品安全法》第一百二十四条"),
    ("未按规定设置油烟净化设施", "《中华人民共和国大气污染防治法》第一百一十八条"),
    ("擅自占用城市道路", "《城市道路管理条例》第四十二条"),
]
CATEGORY_NAMES = {
    "organisation": "法人及非法人组织",
    "individual_business": "个体工商户",
    "natural_person": "自然人",
}
BAD_KINDS = [
    "check_character",
    "missing_date",
    "impossible_date",
    "future_date",
    "missing_name",
    "bad_amount",
    "bad_category",
]

LICENCE_CURRENT_COLUMNS = [
    "XK_XDR_MC",
    "XK_XDR_LB",
    "XK_XDR_SHXYM",
    "XK_XDR_GSZC",
    "XK_XDR_ZZJG",
    "XK_XDR_SWDJ",
    "XK_XDR_SYDW",
    "XK_XDR_SHZZ",
    "XK_FRDB",
    "XK_FR_ZJLX",
    "XK_FR_ZJHM",
    "XK_XDR_ZJLX",
    "XK_XDR_ZJHM",
    "XK_XKWS",
    "XK_WSH",
    "XK_XKLB",
    "XK_XKZS",
    "XK_XKBH",
    "XK_NR",
    "XK_JDRQ",
    "XK_YXQZ",
    "XK_YXQZI",
    "XK_XKJG",
    "XK_XKJGDM",
    "XK_ZT",
    "XK_LYDW",
    "XK_LYDWDM",
    "BZ",
]
PENALTY_CURRENT_COLUMNS = [
    "CF_XDR_MC",
    "CF_XDR_LB",
    "CF_XDR_SHXYM",
    "CF_XDR_GSZC",
    "CF_XDR_ZZJG",
    "CF_XDR_SWDJ",
    "CF_XDR_SYDW",
    "CF_XDR_SHZZ",
    "CF_FRDB",
    "CF_FR_ZJLX",
    "CF_FR_ZJHM",
    "CF_XDR_ZJLX",
    "CF_XDR_ZJHM",
    "CF_WSH",
    "CF_WFXW",
    "CF_SY",
    "CF_YJ",
    "CF_CFLB",
    "CF_NR",
    "CF_NR_FK",
    "CF_NR_WFFF",
    "CF_NR_ZKDX",
    "CF_JDRQ",
    "CF_YXQ",
    "CF_GSJZQ",
    "CF_CFJG",
    "CF_CFJGDM",
    "CF_SJLY",
    "CF_SJLYDM",
    "BZ",
]
LICENCE_2016_COLUMNS = [
    "XK_WSH",
    "XK_XMMC",
    "XK_SPLB",
    "XK_NR",
    "XK_XDR",
    "XK_XDR_SHXYM",
    "XK_XDR_ZDM",
    "XK_XDR_GSDJ",
    "XK_XDR_SWDJ",
    "XK_XDR_SFZ",
    "XK_FR",
    "XK_JDRQ",
    "XK_JZQ",
    "XK_XZJG",
    "XK_ZT",
    "DFBM",
    "SJC",
    "BZ",
]
PENALTY_2016_COLUMNS = [
    "CF_WSH",
    "CF_CFMC",
    "CF_CFLB1",
    "CF_CFLB2",
    "CF_SY",
    "CF_YJ",
    "CF_XDR_MC",
    "CF_XDR_SHXYM",
    "CF_XDR_ZDM",
    "CF_XDR_GSDJ",
    "CF_XDR_SWDJ",
    "CF_XDR_SFZ",
    "CF_FR",
    "CF_JG",
    "CF_JDRQ",
    "CF_XZJG",
    "CF_ZT",
    "DFBM",
    "SJC",
    "BZ",
]
DISHONEST_COLUMNS = [
    "INAME",
    "TYPE",
    "CASECODE",
    "CARDNUM",
    "BUSINESSENTITY",
    "COURTNAME",
    "AREANAME",
    "GISTID",
    "REGDATE",
    "GISTUNIT",
    "DUTY",
    "PERFORMANCE",
    "DISRUPTTYPENAME",
    "PUBLISHDATE",
]
COLUMNS = {
    ("licence", "current"): LICENCE_CURRENT_COLUMNS,
    ("penalty", "current"): PENALTY_CURRENT_COLUMNS,
    ("licence", "2016"): LICENCE_2016_COLUMNS,
    ("penalty", "2016"): PENALTY_2016_COLUMNS,
    ("dishonest", "current"): DISHONEST_COLUMNS,
    ("dishonest", "2016"): DISHONEST_COLUMNS,
}


def credit_code(rng, division="370102"):
    """A valid code: registered with market regulation (9), enterprise (1), Lixia's division."""
    body = "91" + division + "MA" + "".join(rng.choice(ALPHABET) for _ in range(7))
    return body + check_character(body)


def person_name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def identity_number(rng):
    return (
        "370102"
        + f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 9999):04d}"
    )


def format_date(date, rng, style):
    if style == "mixed":
        style = rng.choice(["iso", "slash", "compact", "chinese", "iso"])
    if style == "slash":
        return date.strftime("%Y/%m/%d")
    if style == "compact":
        return date.strftime("%Y%m%d")
    if style == "chinese":
        return f"{date.year}年{date.month}月{date.day}日"
    return date.isoformat()


class FeedGenerator:
    def __init__(
        self,
        kind,
        layout="current",
        seed=0,
        bad_share=0.0,
        first_date=datetime.date(2020, 1, 2),
        last_date=datetime.date(2020, 11, 30),
        date_style="mixed",
        person_share=0.05,
        individual_business_share=0.15,
    ):
        self.kind, self.layout = kind, layout
        self.rng = random.Random(seed)
        self.seed = seed
        self.bad_share = bad_share
        self.first_date, self.last_date = first_date, last_date
        self.date_style = date_style
        self.person_share, self.individual_business_share = person_share, individual_business_share
        self.columns = COLUMNS[(kind, layout)]

    def date(self):
        return self.first_date + datetime.timedelta(
            days=self.rng.randint(0, (self.last_date - self.first_date).days)
        )

    def party(self):
        draw = self.rng.random()
        if draw < self.person_share:
            return "natural_person", person_name(self.rng), "", identity_number(self.rng)
        street = self.rng.choice(STREETS)
        trade, suffix = self.rng.choice(TRADES)
        if draw < self.person_share + self.individual_business_share:
            code = INDIVIDUAL_BUSINESS_PLACEHOLDER if self.rng.random() < 0.5 else credit_code(self.rng)
            return "individual_business", f"历下区{street}{person_name(self.rng)}{trade}店", code, ""
        return (
            "organisation",
            f"济南{street}{self.rng.choice(GIVEN)}{self.rng.choice(GIVEN)}{suffix}",
            credit_code(self.rng),
            "",
        )

    def rows(self, count):
        """(row, is_bad) pairs; row maps column names to cell values (all strings)."""
        for number in range(1, count + 1):
            row = getattr(self, f"_{self.kind}")(number)
            bad = self.rng.random() < self.bad_share
            if bad:
                self.spoil(row)
            yield {column: row.get(column, "") for column in self.columns}, bad

    def _values(self, mapping):
        return mapping[self.layout] if self.layout in mapping else mapping["current"]

    def _licence(self, number):
        authority, authority_code, prefix = self.rng.choice(AUTHORITIES)
        category, name, code, identity = self.party()
        item, certificate, licence_prefix = self.rng.choice(LICENCE_ITEMS)
        decided = self.date()
        document = f"{prefix}许字〔{decided.year}〕{self.seed:02d}{number:06d}号"
        until = decided + datetime.timedelta(days=365 * 5)
        representative = person_name(self.rng) if category == "organisation" else ""
        if self.layout == "2016":
            return {
                "XK_WSH": document,
                "XK_XMMC": item,
                "XK_SPLB": self.rng.choice(LICENCE_CATEGORIES),
                "XK_NR": f"准予{item}",
                "XK_XDR": name,
                "XK_XDR_SHXYM": code,
                "XK_XDR_SFZ": identity,
                "XK_FR": representative,
                "XK_JDRQ": format_date(decided, self.rng, self.date_style),
                "XK_JZQ": format_date(until, self.rng, self.date_style),
                "XK_XZJG": authority,
                "XK_ZT": "0",
                "DFBM": "370102",
                "SJC": decided.isoformat() + " 09:00:00",
            }
        return {
            "XK_XDR_MC": name,
            "XK_XDR_LB": CATEGORY_NAMES[category],
            "XK_XDR_SHXYM": code,
            "XK_FRDB": representative,
            "XK_XDR_ZJLX": "身份证" if identity else "",
            "XK_XDR_ZJHM": identity,
            "XK_XKWS": f"{item}决定书",
            "XK_WSH": document,
            "XK_XKLB": self.rng.choice(LICENCE_CATEGORIES),
            "XK_XKZS": certificate,
            "XK_XKBH": f"{licence_prefix}{number:08d}",
            "XK_NR": f"准予{item}",
            "XK_JDRQ": format_date(decided, self.rng, self.date_style),
            "XK_YXQZ": format_date(decided, self.rng, self.date_style),
            "XK_YXQZI": format_date(until, self.rng, self.date_style) if self.rng.random() < 0.9 else "长期",
            "XK_XKJG": authority,
            "XK_XKJGDM": authority_code,
            "XK_ZT": "1",
            "XK_LYDW": authority,
            "XK_LYDWDM": authority_code,
        }

    def _penalty(self, number):
        authority, authority_code, prefix = self.rng.choice(AUTHORITIES)
        category, name, code, identity = self.party()
        violation, basis = self.rng.choice(VIOLATIONS)
        penalty_type = self.rng.choice(PENALTY_TYPES)
        decided = self.date()
        document = f"{prefix}罚字〔{decided.year}〕{self.seed:02d}{number:05d}号"
        fine = f"{self.rng.choice([0.05, 0.2, 0.5, 1, 2.5, 10]):g}" if "罚款" in penalty_type else ""
        public_until = decided + datetime.timedelta(days=self.rng.choice([92, 183, 365, 365 * 3]))
        representative = person_name(self.rng) if category == "organisation" else ""
        if self.layout == "2016":
            first_type, _sep, second_type = penalty_type.partition(";")
            return {
                "CF_WSH": document,
                "CF_CFMC": f"{violation}案",
                "CF_CFLB1": first_type,
                "CF_CFLB2": second_type,
                "CF_SY": violation,
                "CF_YJ": basis,
                "CF_XDR_MC": name,
                "CF_XDR_SHXYM": code,
                "CF_XDR_SFZ": identity,
                "CF_FR": representative,
                "CF_JG": f"{penalty_type}{fine and f'{fine}万元'}",
                "CF_JDRQ": format_date(decided, self.rng, self.date_style),
                "CF_XZJG": authority,
                "CF_ZT": "0",
                "DFBM": "370102",
                "SJC": decided.isoformat() + " 09:00:00",
            }
        return {
            "CF_XDR_MC": name,
            "CF_XDR_LB": CATEGORY_NAMES[category],
            "CF_XDR_SHXYM": code,
            "CF_FRDB": representative,
            "CF_XDR_ZJLX": "身份证" if identity else "",
            "CF_XDR_ZJHM": identity,
            "CF_WSH": document,
            "CF_WFXW": violation,
            "CF_SY": f"当事人{violation}",
            "CF_YJ": basis,
            "CF_CFLB": penalty_type,
            "CF_NR": f"{penalty_type}",
            "CF_NR_FK": fine,
            "CF_JDRQ": format_date(decided, self.rng, self.date_style),
            "CF_YXQ": format_date(public_until, self.rng, self.date_style),
            "CF_GSJZQ": format_date(public_until, self.rng, self.date_style),
            "CF_CFJG": authority,
            "CF_CFJGDM": authority_code,
            "CF_SJLY": authority,
            "CF_SJLYDM": authority_code,
        }

    def _dishonest(self, number):
        category, name, code, identity = self.party()
        decided = self.date()
        person = category == "natural_person"
        return {
            "INAME": name,
            "TYPE": {"natural_person": "自然人", "individual_business": "个体工商户"}.get(
                category, "法人或其他组织"
            ),
            "CASECODE": f"({decided.year})鲁0102执{self.seed:02d}{number:05d}号",
            "CARDNUM": (identity[:10] + "****" + identity[-4:]) if person else code,
            "BUSINESSENTITY": "" if person else person_name(self.rng),
            "COURTNAME": "济南市历下区人民法院",
            "AREANAME": "山东",
            "GISTID": f"({decided.year - 1})鲁0102民初{number}号",
            "GISTUNIT": "济南市历下区人民法院",
            "REGDATE": format_date(decided - datetime.timedelta(days=90), self.rng, self.date_style),
            "DUTY": "支付货款及利息",
            "PERFORMANCE": "全部未履行",
            "DISRUPTTYPENAME": "有履行能力而拒不履行生效法律文书确定义务",
            "PUBLISHDATE": format_date(decided, self.rng, self.date_style),
        }

    def spoil(self, row):
        """Make one realistic mistake in the row."""
        mistake = self.rng.choice(BAD_KINDS)
        name_column = self.columns[0]
        date_column = next(c for c in self.columns if c.endswith("JDRQ") or c == "PUBLISHDATE")
        code_column = next((c for c in self.columns if c.endswith("SHXYM")), "CARDNUM")
        if mistake == "check_character" or (
            mistake == "bad_category" and not any(c.endswith("_LB") for c in self.columns)
        ):
            code = credit_code(self.rng)
            row[code_column] = code[:17] + ALPHABET[(ALPHABET.index(code[17]) + 1) % len(ALPHABET)]
            category_column = next((c for c in self.columns if c.endswith("_LB") or c == "TYPE"), None)
            if category_column:
                row[category_column] = "法人及非法人组织" if category_column != "TYPE" else "法人或其他组织"
        elif mistake == "missing_date":
            row[date_column] = ""
        elif mistake == "impossible_date":
            row[date_column] = "2020-02-30"
        elif mistake == "future_date":
            row[date_column] = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        elif mistake == "missing_name":
            row[name_column] = " "
        elif mistake == "bad_amount" and "CF_NR_FK" in self.columns:
            row["CF_NR_FK"] = "五千元"
        else:
            category_column = next((c for c in self.columns if c.endswith("_LB") or c == "TYPE"), None)
            if category_column:
                row[category_column] = "其他组织类型"
            else:
                row[date_column] = "2020-13-01"


def write_feed(path, rows, columns, file_format=None, encoding="utf-8", bom=False, json_lines=False):
    """Write ``rows`` (an iterable of dicts) as CSV, XLSX or JSON, streaming."""
    path = Path(path)
    file_format = file_format or path.suffix.lstrip(".").lower()
    if file_format == "csv":
        codec = "utf-8-sig" if (bom and encoding == "utf-8") else encoding
        with open(path, "w", encoding=codec, newline="") as file:
            writer = csv.writer(file)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([row.get(column, "") for column in columns])
    elif file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column, "") for column in columns])
        workbook.save(path)
    elif file_format in ("json", "jsonl"):
        with open(path, "w", encoding="utf-8") as file:
            if json_lines or file_format == "jsonl":
                for row in rows:
                    file.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                file.write("[\n")
                for index, row in enumerate(rows):
                    file.write((",\n" if index else "") + json.dumps(row, ensure_ascii=False))
                file.write("\n]\n")
    else:
        raise ValueError(f"unknown format {file_format}")
    return path


def generate_feed(
    path,
    kind,
    count,
    layout="current",
    seed=0,
    bad_share=0.0,
    file_format=None,
    encoding="utf-8",
    bom=False,
    **generator_options,
):
    """Write a feed file; returns the number of bad rows written."""
    generator = FeedGenerator(kind, layout=layout, seed=seed, bad_share=bad_share, **generator_options)
    bad_rows = 0

    def rows():
        nonlocal bad_rows
        for row, bad in generator.rows(count):
            bad_rows += bad
            yield row

    write_feed(path, rows(), generator.columns, file_format=file_format, encoding=encoding, bom=bom)
    return bad_rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["licence", "penalty", "dishonest"])
    parser.add_argument("count", type=int)
    parser.add_argument("path")
    parser.add_argument("--layout", choices=["current", "2016"], default="current")
    parser.add_argument("--bad-share", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--encoding", default="utf-8", help="utf-8 or gbk (CSV only)")
    parser.add_argument("--bom", action="store_true")
    options = parser.parse_args()
    bad = generate_feed(
        options.path,
        options.kind,
        options.count,
        layout=options.layout,
        seed=options.seed,
        bad_share=options.bad_share,
        encoding=options.encoding,
        bom=options.bom,
    )
    print(f"{options.path}: {options.count} rows, {bad} bad")


if __name__ == "__main__":
    main()
