"""The demo site's content, Chinese first with its English translation.

Every text is a ``Text(zh, en)`` pair: the Chinese builds the page, the pair
becomes the English translation through wagtail-localize. Facts are those of the
诚信历下 programme; merchant names on the honour list are invented for the demo.
Dates of lectures and events are relative to the day the demo is loaded, so
that a fresh demo always has something coming up.
"""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    zh: str
    en: str


def paragraphs(*texts):
    return [("paragraph", text) for text in texts]


@dataclass
class PageSpec:
    model: str  # "app_label.ModelName"
    slug: str
    title: Text
    fields: dict = field(default_factory=dict)  # values: Text, plain values, or ("body", [...])
    children: list = field(default_factory=list)
    image: Text | None = None  # cover image title, drawn locally
    show_in_menus: bool = False
    publish: bool = True  # False: a draft
    submit: bool = False  # submit the draft to its moderation workflow once the demo is built


SITE_SETTINGS = {
    "site_name_en": "Integrity Lixia",
    "office_name": Text("历下区社会信用体系建设工作办公室", "Lixia District Social Credit Office"),
    "address": Text("山东省济南市历下区", "Lixia District, Jinan, Shandong"),
    "phone": "12345",
    "office_hours": Text("工作日 9:00–17:00", "Working days 9:00–17:00"),
    "icp_number": "",
}

HOME = {
    "title": Text("诚信历下", "Integrity Lixia"),
    "hero_title": Text("诚信历下", "Integrity Lixia"),
    "hero_text": Text(
        "历下区诚信建设宣传平台：诚信动态、儒信大讲堂、诚信者行动、诚信经营承诺、诚信榜样与双公示查询。",
        "The integrity publicity platform of Lixia District: news, the Ruxin lecture series, "
        "integrity volunteer actions, merchants' integrity pledges, honour lists and the "
        "publicity of licences and penalties.",
    ),
}


# Snippets the events use, by a key that the page specs refer to.
VENUES = {
    "kuanhouli-room": {
        "name": Text("宽厚里社区活动室", "Kuanhouli community room"),
        "subdistrict": Text("解放路街道", "Jiefang Road Subdistrict"),
        "community": Text("宽厚里社区", "Kuanhouli Community"),
        "address": Text("济南市历下区宽厚里", "Kuanhouli, Lixia District, Jinan"),
        "latitude": "36.660600",
        "longitude": "117.026500",
    },
    "cultural-centre": {
        "name": Text("历下区文化馆报告厅", "Lecture hall, Lixia District Cultural Centre"),
        "subdistrict": Text("泉城路街道", "Quancheng Road Subdistrict"),
        "community": "",
        "address": Text("济南市历下区泉城路", "Quancheng Road, Lixia District, Jinan"),
    },
    "jiefanglu-service-centre": {
        "name": Text("解放路街道便民服务中心", "Service centre, Jiefang Road Subdistrict"),
        "subdistrict": Text("解放路街道", "Jiefang Road Subdistrict"),
        "community": "",
        "address": Text("济南市历下区解放路", "Jiefang Road, Lixia District, Jinan"),
    },
    "furong-street": {
        "name": Text("芙蓉街北口", "North end of Furong Street"),
        "subdistrict": Text("泉城路街道", "Quancheng Road Subdistrict"),
        "community": Text("芙蓉街社区", "Furong Street Community"),
        "address": Text("济南市历下区芙蓉街", "Furong Street, Lixia District, Jinan"),
    },
}

SPEAKERS = {
    "wang": {
        "name": Text("王老师", "Teacher Wang"),
        "title": Text("社区诚信宣讲员", "Community integrity speaker"),
        "organisation": Text("宽厚里社区", "Kuanhouli Community"),
        "biography": Text(
            "长期在社区讲述身边的诚信故事。",
            "Has told local stories of integrity in the community for years.",
        ),
    },
    "li": {
        "name": Text("李教授", "Professor Li"),
        "title": Text("教授", "Professor"),
        "organisation": Text("高校传统文化研究学者", "Scholar of traditional culture"),
        "biography": Text(
            "研究儒家经典中的诚信思想。", "Studies the idea of good faith in the Confucian classics."
        ),
    },
    "zhang": {
        "name": Text("张科长", "Section chief Zhang"),
        "title": Text("科长", "Section chief"),
        "organisation": Text("区信用办", "District credit office"),
        "biography": Text("负责历下区信用修复工作。", "Leads credit repair work in Lixia District."),
    },
}


def build_tree(today):
    """The pages below the home page, as specs."""

    def at(days, hour, minute=0):
        day = today + datetime.timedelta(days=days)
        return datetime.datetime.combine(day, datetime.time(hour, minute))

    articles = PageSpec(
        "home.ArticleIndexPage",
        "news",
        Text("诚信动态", "News"),
        show_in_menus=True,
        fields={
            "intro": Text(
                "历下区信用体系建设的新闻、媒体报道、信用创新应用与通知公告。",
                "News of Lixia's credit system, media reports, credit innovations and notices.",
            )
        },
        children=[
            PageSpec(
                "home.ArticlePage",
                "kuanhouli-credit-demonstration-block",
                Text("宽厚里成为首个信用示范街区", "Kuanhouli becomes the first credit demonstration block"),
                image=Text("宽厚里街区", "Kuanhouli block"),
                fields={
                    "date": datetime.date(2019, 1, 18),
                    "category": "innovation",
                    "tags": ["宽厚里", "信用街区"],
                    "lead": Text(
                        "2019年1月，宽厚里街区作为历下区首个信用示范街区正式亮相，商户诚信经营情况一目了然。",
                        "In January 2019 Kuanhouli opened as Lixia's first credit demonstration block, "
                        "where every shop's integrity record is plain to see.",
                    ),
                    "body": paragraphs(
                        Text(
                            "街区内商户公开作出诚信经营承诺，信用信息在街区显著位置公示，居民和游客可以随时查询。",
                            "Shops in the block made public integrity pledges, and their credit "
                            "information is displayed where residents and visitors can check it at any time.",
                        ),
                        Text(
                            "信用示范街区把守信激励落到实处：诚信商户优先参与街区宣传推介，失信行为及时纠正。",
                            "The demonstration block puts rewards for keeping one's word into practice: "
                            "trustworthy shops are promoted first, and breaches are corrected promptly.",
                        ),
                    ),
                },
            ),
            PageSpec(
                "home.ArticlePage",
                "jiefanglu-integrity-subdistrict-pilot",
                Text(
                    "解放路街道开展诚信街道建设试点", "Jiefanglu Subdistrict pilots the integrity subdistrict"
                ),
                image=Text("解放路街道", "Jiefanglu Subdistrict"),
                fields={
                    "date": datetime.date(2019, 12, 10),
                    "category": "brand",
                    "tags": ["解放路街道", "诚信街道"],
                    "lead": Text(
                        "2019年12月，解放路街道成为历下区首个诚信街道建设试点，诚信建设从街区走向街道。",
                        "In December 2019 Jiefanglu became Lixia's first integrity subdistrict pilot, "
                        "taking integrity building from one block to a whole subdistrict.",
                    ),
                    "body": paragraphs(
                        Text(
                            "试点以社区为单元，把诚信宣传、信用承诺和志愿服务结合起来，推动诚信融入居民日常生活。",
                            "The pilot works community by community, combining publicity, credit pledges "
                            "and volunteering so that integrity becomes part of residents' daily life.",
                        ),
                    ),
                },
            ),
            PageSpec(
                "home.ArticlePage",
                "belt-and-road-city-credit-alliance-summit",
                Text(
                    "“一带一路”城市信用联盟峰会在济南举行",
                    "Belt and Road city credit alliance summit held in Jinan",
                ),
                image=Text("城市信用联盟峰会", "City credit alliance summit"),
                fields={
                    "date": datetime.date(2018, 11, 28),
                    "category": "media",
                    "tags": ["信用联盟"],
                    "lead": Text(
                        "2018年，“一带一路”城市信用联盟峰会在济南举行，历下区介绍了诚信建设的做法。",
                        "In 2018 the Belt and Road city credit alliance summit met in Jinan, "
                        "and Lixia District presented its integrity work.",
                    ),
                    "body": paragraphs(
                        Text(
                            "峰会围绕城市信用体系建设交流经验，历下区的信用示范街区受到与会代表关注。",
                            "The summit exchanged experience in building city credit systems; Lixia's "
                            "credit demonstration block drew the delegates' attention.",
                        ),
                    ),
                },
            ),
            PageSpec(
                "home.ArticlePage",
                "integrity-lixia-board-six-sections",
                Text("“诚信历下”宣传栏设置六大板块", "The Integrity Lixia board has six sections"),
                image=Text("诚信历下宣传栏", "Integrity Lixia board"),
                fields={
                    "date": datetime.date(2020, 6, 1),
                    "category": "brand",
                    "tags": ["诚信历下"],
                    "lead": Text(
                        "“诚信历下”宣传栏设诚信动态、儒信大讲堂、诚信者行动、诚信经营承诺、诚信榜样、双公示六大板块。",
                        "The Integrity Lixia board has six sections: news, the Ruxin lecture series, "
                        "integrity volunteer actions, integrity pledges, honour lists and publicity.",
                    ),
                    "body": paragraphs(
                        Text(
                            "宣传栏与本网站栏目一一对应，居民扫码即可查看最新内容。",
                            "Each section of the board matches a section of this website; residents "
                            "scan a code to read the latest.",
                        ),
                    ),
                },
            ),
            PageSpec(
                "home.ArticlePage",
                "prevent-illegal-fund-raising",
                Text("防范非法集资·争做诚信市民", "Guard against illegal fund-raising, be an honest citizen"),
                image=Text("防范非法集资宣传", "Illegal fund-raising awareness"),
                fields={
                    "date": datetime.date(2020, 5, 15),
                    "category": "notice",
                    "tags": ["防范非法集资"],
                    "lead": Text(
                        "历下区开展“防范非法集资·争做诚信市民”主题宣传，提醒居民远离高息诱惑。",
                        "Lixia runs the campaign \u201cGuard against illegal fund-raising, be an honest "
                        "citizen\u201d, warning residents away from promises of high returns.",
                    ),
                    "body": paragraphs(
                        Text(
                            "承诺高额回报、以发展会员拉人头的项目往往是非法集资，发现线索请及时向有关部门举报。",
                            "Schemes that promise high returns or pay for recruiting members are often "
                            "illegal fund-raising; report such leads to the authorities.",
                        ),
                    ),
                },
            ),
            PageSpec(
                "home.ArticlePage",
                "double-publicity-records-reported",
                Text("历下区双公示信息报送超过13万条", "Lixia has reported over 130,000 publicity records"),
                fields={
                    "date": datetime.date(2020, 11, 30),
                    "category": "notice",
                    "tags": ["双公示"],
                    "lead": Text(
                        "截至2020年11月底，历下区累计报送行政许可和行政处罚双公示信息130063条。",
                        "By the end of November 2020 Lixia had reported 130,063 records of "
                        "administrative licences and penalties.",
                    ),
                    "body": paragraphs(
                        Text(
                            "双公示信息在作出决定后7个工作日内上网公开，居民可在本网站“双公示查询”栏目查询。",
                            "Records go online within 7 working days of the decision; residents can look "
                            "them up in the publicity section of this site.",
                        ),
                    ),
                },
            ),
        ],
    )

    lectures = PageSpec(
        "lectures.LectureIndexPage",
        "lectures",
        Text("儒信大讲堂", "Ruxin Lecture Series"),
        show_in_menus=True,
        fields={
            "intro": Text(
                "儒信大讲堂走进社区，讲述诚信故事，传承儒家诚信文化。",
                "The Ruxin lecture series comes to the communities to tell stories of integrity and "
                "pass on the Confucian culture of good faith.",
            )
        },
        children=[
            PageSpec(
                "lectures.LecturePage",
                "integrity-in-daily-life",
                Text("诚信与日常生活", "Integrity in daily life"),
                fields={
                    "topic": Text("身边的诚信", "Integrity close to home"),
                    "speakers": ["wang"],
                    "venue": "kuanhouli-room",
                    "tags": ["诚信生活"],
                    "start_at": at(7, 14, 30),
                    "end_at": at(7, 16),
                    "location": Text("二楼活动室", "Second-floor activity room"),
                    "registration_enabled": True,
                    "capacity": 40,
                    "max_companions": 2,
                    "summary": Text(
                        "从买菜、租房到网购，讲一讲日常生活中的诚信与信用。",
                        "From grocery shopping to renting and online shopping: integrity and credit in daily life.",
                    ),
                    "body": paragraphs(
                        Text(
                            "讲座面向社区居民，现场解答信用修复、信用查询等常见问题。",
                            "The talk is for residents and answers common questions about credit repair and credit checks.",
                        )
                    ),
                },
            ),
            PageSpec(
                "lectures.LecturePage",
                "confucian-good-faith",
                Text("儒家文化中的“信”", "Good faith in Confucian culture"),
                fields={
                    "topic": Text("儒家诚信文化", "Confucian culture of good faith"),
                    "speakers": ["li"],
                    "venue": "cultural-centre",
                    "tags": ["传统文化"],
                    "start_at": at(21, 9, 30),
                    "end_at": at(21, 11),
                    "registration_enabled": True,
                    "capacity": 120,
                    "max_companions": 1,
                    "summary": Text(
                        "“人而无信，不知其可也。”解读儒家经典中的诚信思想。",
                        "\u201cA person without good faith, I know not how he can get on.\u201d Integrity in the Confucian classics.",
                    ),
                    "body": paragraphs(
                        Text(
                            "讲座结合历下的历史文化，讲述诚信在城市生活中的意义。",
                            "The lecture links Lixia's history to what integrity means in city life today.",
                        )
                    ),
                },
            ),
            PageSpec(
                "lectures.LecturePage",
                "credit-repair-for-businesses",
                Text("企业信用修复讲解", "Credit repair for businesses"),
                fields={
                    "topic": Text("信用修复", "Credit repair"),
                    "speakers": ["zhang"],
                    "venue": "jiefanglu-service-centre",
                    "tags": ["信用修复"],
                    "start_at": at(-30, 15),
                    "end_at": at(-30, 17),
                    "location": Text("一楼大厅", "Ground-floor hall"),
                    "attendance": 56,
                    "recap": Text(
                        "五十多位企业代表参加了讲座，现场咨询了信用修复的具体问题。",
                        "More than fifty business representatives attended and asked about their own cases.",
                    ),
                    "summary": Text(
                        "行政处罚信息公示期满后如何申请信用修复。",
                        "How to apply for credit repair once a penalty's publicity period is over.",
                    ),
                    "body": paragraphs(
                        Text(
                            "讲座介绍了信用修复的条件、材料和办理流程。",
                            "The lecture explained the conditions, documents and steps of credit repair.",
                        )
                    ),
                },
            ),
        ],
    )

    campaigns = PageSpec(
        "campaigns.CampaignIndexPage",
        "volunteer-action",
        Text("诚信者行动", "Integrity Volunteer Action"),
        show_in_menus=True,
        fields={
            "intro": Text(
                "诚信者行动组织志愿者走进街区，宣传诚信理念，邀请商户签署诚信经营承诺书。",
                "Integrity volunteers go out into the streets to spread the word and invite shops to "
                "sign the integrity pledge.",
            )
        },
        children=[
            PageSpec(
                "campaigns.CampaignPage",
                "i-pledge-i-am-honest-i-am-civil",
                Text("我承诺 我诚信 我文明", "I pledge, I am honest, I am civil"),
                image=Text("我承诺 我诚信 我文明", "I pledge, I am honest, I am civil"),
                fields={
                    "slogan": Text("我承诺 我诚信 我文明", "I pledge. I am honest. I am civil."),
                    "start_date": datetime.date(2020, 9, 1),
                    "initiative_text": Text(
                        "我承诺：诚实守信，言行一致；文明礼让，从身边小事做起；爱护街区环境，争做诚信居民。",
                        "I pledge to be honest and keep my word, to be civil and start with small things, "
                        "and to care for our block as an honest resident.",
                    ),
                    "signing_enabled": True,
                    "signature_goal": 500,
                    "show_signer_messages": True,
                    "lead": Text(
                        "主题活动号召居民和商户作出诚信承诺，从身边小事做起。",
                        "The theme campaign calls on residents and merchants to make an integrity "
                        "pledge and start with small things.",
                    ),
                    "body": paragraphs(
                        Text(
                            "活动期间，各社区组织诚信承诺签名、诚信故事分享和文明劝导。",
                            "During the campaign communities hold pledge signings, share integrity stories "
                            "and encourage civil behaviour.",
                        )
                    ),
                },
            ),
            PageSpec(
                "campaigns.CampaignPage",
                "prevent-illegal-fund-raising-campaign",
                Text("防范非法集资·争做诚信市民", "Guard against illegal fund-raising, be an honest citizen"),
                fields={
                    "slogan": Text("守住钱袋子 护好幸福家", "Keep your savings safe, keep your family happy"),
                    "start_date": datetime.date(2020, 5, 15),
                    "end_date": datetime.date(2020, 6, 30),
                    "initiative_text": Text(
                        "我们倡议：辖区居民、社会各界树立诚实守信的观念，远离非法集资，不参与、不宣传、"
                        "不介绍，发现线索及时举报，共同守护辖区金融安全。",
                        "We call on residents and everyone in the district to hold to honesty, keep away "
                        "from illegal fund-raising (never join, promote or introduce it), report what "
                        "they see, and keep the district's finances safe together.",
                    ),
                    "signing_enabled": True,
                    "signature_goal": 1000,
                    "lead": Text(
                        "通过讲座、展板和入户宣传，提高居民识别和防范非法集资的能力。",
                        "Talks, boards and door-to-door visits help residents recognise and avoid "
                        "illegal fund-raising.",
                    ),
                    "body": paragraphs(
                        Text(
                            "志愿者在社区发放宣传材料，讲解非法集资的常见手法。",
                            "Volunteers hand out leaflets in the communities and explain the usual tricks.",
                        )
                    ),
                },
            ),
            PageSpec(
                "campaigns.VolunteerEventPage",
                "kuanhouli-pledge-invitation",
                Text("宽厚里商户诚信承诺邀约", "Inviting Kuanhouli shops to pledge"),
                fields={
                    "business_district": Text("宽厚里", "Kuanhouli"),
                    "tasks": Text(
                        "逐户走访街区商户，介绍诚信经营承诺书，协助商户在线签署。",
                        "Visit the shops of the block, explain the integrity pledge and help them sign it online.",
                    ),
                    "start_at": at(10, 9),
                    "end_at": at(10, 12),
                    "venue": "kuanhouli-room",
                    "location": Text("宽厚里街区南入口集合", "Meet at the south entrance of Kuanhouli"),
                    "tags": ["诚信承诺"],
                    "registration_enabled": True,
                    "roles": [
                        {
                            "name": Text("宣传员", "Promoter"),
                            "slots": 5,
                            "description": Text(
                                "向商户介绍诚信经营承诺书", "Explain the integrity pledge to shops"
                            ),
                        },
                        {
                            "name": Text("引导员", "Guide"),
                            "slots": 3,
                            "description": Text("协助商户在线签署", "Help shops sign online"),
                        },
                    ],
                    "summary": Text(
                        "诚信者行动志愿者走进宽厚里，邀请商户签署诚信经营承诺书。",
                        "Integrity volunteers visit Kuanhouli and invite shops to sign the integrity pledge.",
                    ),
                },
            ),
            PageSpec(
                "campaigns.VolunteerEventPage",
                "furong-street-integrity-promotion",
                Text("芙蓉街诚信宣传", "Integrity promotion on Furong Street"),
                fields={
                    "business_district": Text("芙蓉街", "Furong Street"),
                    "tasks": Text(
                        "向游客和商户发放诚信宣传资料，引导文明经营、明码标价。",
                        "Hand out integrity leaflets to visitors and shops; encourage fair trading and clear prices.",
                    ),
                    "start_at": at(-14, 14),
                    "end_at": at(-14, 17),
                    "venue": "furong-street",
                    "tags": ["诚信经营"],
                    "recap": Text(
                        "二十名志愿者向游客和商户发放宣传资料三百余份。",
                        "Twenty volunteers handed out over three hundred leaflets to visitors and shops.",
                    ),
                    "summary": Text(
                        "志愿者在芙蓉街开展诚信经营宣传。",
                        "Volunteers promote honest trading on Furong Street.",
                    ),
                },
            ),
        ],
    )

    pledge = PageSpec(
        "pledges.PledgePage",
        "integrity-pledge",
        Text("诚信经营承诺", "Integrity Pledge"),
        show_in_menus=True,
        fields={
            "intro": Text(
                "商户签署诚信经营承诺书，向社会公开承诺守法诚信经营，接受社会监督。",
                "Merchants sign the integrity pledge, promising the public to trade lawfully and "
                "honestly, and accept public scrutiny.",
            ),
            "pledge_text": paragraphs(
                Text("本单位郑重承诺：", "We solemnly pledge:"),
                Text("一、遵守法律法规，依法诚信经营。", "1. To obey the law and trade honestly."),
                Text(
                    "二、明码标价，不短斤少两，不以次充好。",
                    "2. To mark prices clearly, give full measure and never pass off inferior goods.",
                ),
                Text(
                    "三、不制售假冒伪劣商品，不作虚假宣传。",
                    "3. Never to make or sell counterfeit goods, nor to advertise falsely.",
                ),
                Text(
                    "四、尊重消费者权益，及时妥善处理投诉。",
                    "4. To respect consumers' rights and handle complaints promptly and fairly.",
                ),
                Text(
                    "五、自愿接受社会监督，如有违反，愿意承担相应责任。",
                    "5. To accept public scrutiny and bear the consequences of any breach.",
                ),
            ),
        },
    )

    honours = PageSpec(
        "honours.HonourIndexPage",
        "honours",
        Text("诚信榜样", "Honour Lists"),
        show_in_menus=True,
        fields={
            "intro": Text(
                "诚信单位、金牌服务员、诚实守信榜样和信用示范企业。",
                "Integrity units, gold-medal service staff, honest role models and credit model enterprises.",
            )
        },
        children=[
            PageSpec(
                "honours.HonourListPage",
                "integrity-units-2020",
                Text("2020年度诚信单位", "Integrity units of 2020"),
                fields={
                    "year": 2020,
                    "category": "integrity_unit",
                    "intro": Text(
                        "以下单位在2020年度诚信经营表现突出（示例名单）。",
                        "These units stood out for honest trading in 2020 (a demo list).",
                    ),
                    "entries": [
                        {
                            "name": Text("泉城示范餐饮有限公司", "Quancheng Model Catering Co., Ltd."),
                            "credit_code": "91370102MA3C4H8K2C",
                            "citation": Text(
                                "明码标价，食品安全管理规范。", "Clear prices and sound food safety."
                            ),
                        },
                        {
                            "name": Text("宽厚里老字号茶庄", "Kuanhouli Heritage Tea House"),
                            "credit_code": "92370102MA3D5J7L9U",
                            "citation": Text(
                                "坚持货真价实三十年。", "Honest goods at honest prices for thirty years."
                            ),
                        },
                        {
                            "name": Text("芙蓉街文创商店", "Furong Street Creative Shop"),
                            "credit_code": "",
                            "citation": Text("主动公开进货渠道。", "Publishes where its goods come from."),
                        },
                    ],
                },
            ),
        ],
    )

    publicity = PageSpec(
        "publicity.PublicityPage",
        "publicity",
        Text("双公示查询", "Licences and Penalties"),
        show_in_menus=True,
        fields={
            "intro": Text(
                "按统一社会信用代码或名称查询行政许可、行政处罚和失信被执行人信息。",
                "Look up administrative licences, penalties and dishonest judgment debtors by unified "
                "social credit code or by name.",
            )
        },
    )

    search = PageSpec("search.SearchPage", "search", Text("搜索", "Search"))

    return [articles, lectures, campaigns, pledge, honours, publicity, search]


# The pledge text merchants sign, and demo merchants taken through the whole
# life of a pledge (submitted, confirmed by e-mail, approved by the office).
PLEDGE_TEXT = {
    "title": "诚信经营承诺书",
    "reason": "为营造诚实守信的营商环境，本单位自愿向社会作出诚信经营承诺，接受社会监督。",
    "commitment": (
        "<ol><li>遵守法律法规，依法诚信经营。</li><li>明码标价，不短斤少两，不以次充好。</li>"
        "<li>不制售假冒伪劣商品，不作虚假宣传。</li><li>尊重消费者权益，及时妥善处理投诉。</li></ol>"
    ),
    "liability": "如违背承诺，自愿接受信用惩戒，并承担相应法律责任。",
}

DEMO_PLEDGES = [
    {
        "merchant_name": "泉城示范餐饮有限公司",
        "credit_code": "91370102MA3C4H8K2C",
        "entity_kind": "enterprise",
        "industry": "catering",
        "subdistrict": "解放路街道",
        "address": "济南市历下区宽厚里示例店铺1号",
    },
    {
        "merchant_name": "宽厚里老字号茶庄",
        "credit_code": "92370102MA3D5J7L9U",
        "entity_kind": "individual_business",
        "industry": "retail",
        "subdistrict": "解放路街道",
        "address": "济南市历下区宽厚里示例店铺2号",
    },
    {
        "merchant_name": "芙蓉街示范文创商店",
        "credit_code": "91370102MA3E6K8M5T",
        "entity_kind": "enterprise",
        "industry": "retail",
        "subdistrict": "泉城路街道",
        "address": "济南市历下区芙蓉街示例店铺3号",
    },
]
DEMO_CONTACT = {
    "contact_person": "示例联系人",
    "mobile": "13800138000",
    "email": "demo-merchant@example.org",
    "signatory_name": "示例签署人",
    "consent_to_publication": True,
}


# Residents who signed the demo campaigns online: (name, subdistrict, community, message).
DEMO_SIGNERS = [
    ("张建华", "解放路街道", "宽厚里社区", "诚信从我做起，守住钱袋子。"),
    ("李秀英", "解放路街道", "宽厚里社区", ""),
    ("王立新", "解放路街道", "解放东路社区", "天上不会掉馅饼，高息理财要当心。"),
    ("刘桂兰", "泉城路街道", "芙蓉街社区", ""),
    ("陈志强", "千佛山街道", "历山路社区", ""),
    ("赵敏", "大明湖街道", "百花洲社区", "为诚信历下点赞！"),
    ("孙丽娟", "趵突泉街道", "趵突泉社区", ""),
    ("周海涛", "解放路街道", "山大路社区", ""),
]
# Paper signatures collected at street events: (count, subdistrict, community, days ago, event).
DEMO_TALLIES = [
    (86, "解放路街道", "宽厚里社区", 3, "宽厚里“我承诺 我诚信 我文明”签名活动"),
]
# Credit-repair help requests (信用修复辅导): (contact person, days ago, [(status, editor's note)]).
DEMO_REPAIR_HELP = [
    ("孙丽", 14, []),
    ("周强", 3, [("contacted", "已电话联系，约定周三上午来区信用办。")]),
    (
        "吴芳",
        40,
        [
            ("contacted", "已电话联系，说明需提交履行完毕证明和信用承诺书。"),
            ("applied", "已在信用中国网站提交修复申请。"),
            ("repaired", "信用中国已审核通过，公示已撤下。"),
        ],
    ),
]
