"""One page of every type the public sees, in both languages, each in the states residents meet
(an empty query and one with results, a form before and after an invalid submit, …), made the way
editors and visitors make them. The accessibility and HTML checks walk this list."""

import dataclasses
import datetime

from django.utils import timezone
from wagtail.models import Locale, Site

from integrity_site.core.translation import translate_object
from integrity_site.events import services as registrations
from integrity_site.events.views import private_link
from publicity import repair_help, repair_help_views
from tests import factories
from tests.publicity_feeds import make_record

CODE = "91350100M000100Y43"


@dataclasses.dataclass(frozen=True)
class Visit:
    """A page to look at: ``path``; with ``submit``, after the form matching that CSS selector was
    sent empty (every required field then shows its error)."""

    name: str
    path: str
    submit: str = ""
    status: int = 200

    def __str__(self):
        return f"{self.name} ({self.path}{', submitted empty' if self.submit else ''})"


def build():
    """Builds the pages (call it inside the test's database) and returns every ``Visit``."""
    home = Site.objects.get(is_default_site=True).root_page.specific
    now = timezone.now()
    cover = factories.make_image("宽厚里信用示范街区")
    news = factories.ArticleIndexPageFactory(parent=home, show_in_menus=True)
    article = factories.ArticlePageFactory(
        parent=news, title="宽厚里成为首个信用示范街区", slug="kuanhouli", cover_image=cover
    )
    factories.ArticlePageFactory(parent=news, title="解放路街道开展诚信街道建设试点", slug="jiefanglu")
    lectures = factories.LectureIndexPageFactory(parent=home, show_in_menus=True)
    speaker = factories.SpeakerFactory(name="王老师")
    venue = factories.VenueFactory(name="宽厚里社区活动室")
    lecture = factories.LecturePageFactory(
        parent=lectures,
        title="诚信与日常生活",
        slug="daily-life",
        venue=venue,
        speakers=[speaker],
        registration_enabled=True,
        capacity=30,
    )
    factories.LecturePageFactory(  # a past one: its card is shown dimmed
        parent=lectures,
        title="儒家诚信思想",
        slug="confucian",
        start_at=now - datetime.timedelta(days=30),
        end_at=now - datetime.timedelta(days=30, hours=-2),
        speakers=[speaker],
    )
    campaigns = factories.CampaignIndexPageFactory(parent=home, show_in_menus=True)
    campaign = factories.CampaignPageFactory(parent=campaigns, title="我承诺 我诚信 我文明", slug="i-pledge")
    event = factories.VolunteerEventPageFactory(
        parent=campaigns, title="宽厚里诚信宣传", slug="kuanhouli-promotion", roles=[("宣传员", 5)]
    )
    factories.VolunteerEventPageFactory(
        parent=campaigns,
        title="芙蓉街诚信巡访",
        slug="furong",
        start_at=now - datetime.timedelta(days=20),
        end_at=now - datetime.timedelta(days=20, hours=-3),
    )
    factories.publish_pledge_text()
    pledge_page = factories.PledgePageFactory(parent=home, show_in_menus=True)
    pledge = factories.PledgeFactory(state="approved", merchant_name="泉城示范餐饮有限公司", credit_code=CODE)
    honours = factories.HonourIndexPageFactory(parent=home, show_in_menus=True)
    honour_list = factories.HonourListPageFactory(
        parent=honours,
        title="2020年度诚信单位",
        slug="units-2020",
        entries=[
            {"name": "泉城示范餐饮有限公司", "credit_code": CODE, "citation": "明码标价，诚信经营。"},
            {"name": "宽厚里老字号茶庄", "organisation": "宽厚里街区"},
        ],
    )
    publicity = factories.PublicityPageFactory(parent=home, show_in_menus=True)
    search = factories.SearchPageFactory(parent=home)

    english = Locale.objects.get(language_code="en")
    translate_object(home, english, {"诚信历下": "Integrity Lixia"})
    for page in (
        news,
        article,
        lectures,
        lecture,
        campaigns,
        campaign,
        event,
        pledge_page,
        honours,
        honour_list,
    ):
        translate_object(page, english, {})
    translate_object(publicity, english, {"双公示查询": "Publicity query"})
    translate_object(search, english, {"搜索": "Search"})

    # The publicity query before any import says there is no data: look at it first.
    visits = {"zh-hans": [], "en": []}
    for language, prefix in (("zh-hans", ""), ("en", "/en")):
        visits[language].append(Visit("publicity query before any import", prefix + publicity.url))
    make_record(document_number="济历市监罚字〔2020〕101号", credit_code=CODE)
    make_record(
        document_number="济历市监许字〔2020〕7号", kind="licence", credit_code=CODE, publicity_until=None
    )
    registration = registrations.register(lecture, name="张三华", mobile="13800138000").registration
    help_request = repair_help.submit(
        merchant_name="泉城示范餐饮有限公司",
        credit_code=CODE,
        document_number="济历市监罚字〔2020〕101号",
        contact_name="王伟",
        mobile="13800138000",
        preferred_time="morning",
    ).request

    for language, prefix in (("zh-hans", ""), ("en", "/en")):
        pledge_url = prefix + pledge_page.url
        visits[language] += [
            Visit("home", prefix + "/"),
            Visit("article index", prefix + news.url),
            Visit("article", prefix + article.url),
            Visit("lecture index", prefix + lectures.url),
            Visit("lecture with its registration form", prefix + lecture.url),
            Visit(
                "registration form after an invalid submit", prefix + lecture.url, submit=".registration-form"
            ),
            Visit("a registration's private page", prefix + private_link(registration)),
            Visit("campaign and volunteer event index", prefix + campaigns.url),
            Visit("campaign", prefix + campaign.url),
            Visit("volunteer event", prefix + event.url),
            Visit("honour index", prefix + honours.url),
            Visit("honour list", prefix + honour_list.url),
            Visit("pledge page and signing form", pledge_url),
            Visit("pledge signing form after an invalid submit", pledge_url, submit=".pledge-form"),
            Visit("pledge register", pledge_url + "register/"),
            Visit("pledge certificate", pledge_url + f"certificate/{pledge.number}/"),
            Visit("pledge verification", prefix + pledge.verification_path),
            Visit("publicity query", prefix + publicity.url),
            Visit("publicity query with results", prefix + publicity.url + f"?q={CODE}"),
            Visit("credit profile", prefix + publicity.url + f"credit/{CODE}/"),
            Visit("publicity statistics", prefix + publicity.url + "statistics/"),
            Visit("credit-repair help form", prefix + publicity.url + "repair-help/"),
            Visit(
                "credit-repair help form after an invalid submit",
                prefix + publicity.url + "repair-help/",
                submit=".repair-help-form",
            ),
            Visit(
                "credit-repair help confirmation",
                prefix + repair_help_views.confirmation_url(publicity, help_request),
            ),
            Visit("search without a query", prefix + search.url),
            Visit("search with results", prefix + search.url + "?q=诚信"),
            Visit("search with a merchant", prefix + search.url + f"?q={CODE}"),
            Visit("search without results", prefix + search.url + "?q=查无此词"),
            Visit("missing page", prefix + "/no-such-page/", status=404),
        ]
    return visits["zh-hans"] + visits["en"]
