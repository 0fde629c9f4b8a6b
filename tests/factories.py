"""Pages for tests, made the way editors make them: added under a parent as a
draft, then published through a revision."""

import datetime

import factory
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from campaigns.models import CampaignIndexPage, CampaignPage, VolunteerEventPage, VolunteerRole
from home.models import ArticleIndexPage, ArticlePage
from honours.models import HonourEntry, HonourIndexPage, HonourListPage
from integrity_site.demo.images import draw_cover
from integrity_site.events.records import Venue
from lectures.models import LectureIndexPage, LecturePage, LectureSpeaker, Speaker
from pledges.models import PledgePage
from publicity.models import PublicityPage
from search.models import SearchPage


def body(*paragraphs):
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in paragraphs]


class PageFactory(factory.django.DjangoModelFactory):
    """``PageFactory(parent=page, **fields)``: a published child of ``parent``."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"页面 {n}")

    @classmethod
    def _create(cls, model_class, *args, parent, publish=True, user=None, **kwargs):
        page = model_class(*args, live=False, **kwargs)
        parent.add_child(instance=page)
        revision = page.save_revision(user=user)
        if publish:
            revision.publish(user=user)
            page.refresh_from_db()
        return page


class ArticleIndexPageFactory(PageFactory):
    class Meta:
        model = ArticleIndexPage

    title = "诚信动态"
    slug = "news"


class ArticlePageFactory(PageFactory):
    class Meta:
        model = ArticlePage

    date = factory.Sequence(lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(days=n))
    lead = "宽厚里街区诚信经营"
    body = factory.LazyFunction(lambda: body("诚信历下儒信大讲堂在解放路街道举办"))


def _start(n):
    return timezone.now() + datetime.timedelta(days=n + 1)


class LectureIndexPageFactory(PageFactory):
    class Meta:
        model = LectureIndexPage

    title = "儒信大讲堂"
    slug = "lectures"


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"宽厚里社区活动室 {n}")
    subdistrict = "解放路街道"
    community = "宽厚里社区"
    address = "济南市历下区宽厚里"


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"王老师{n}")
    title = "社区诚信宣讲员"
    organisation = "历下区信用办"


class LecturePageFactory(PageFactory):
    """``speakers=[Speaker, …]``; registration fields as keyword arguments."""

    class Meta:
        model = LecturePage

    start_at = factory.Sequence(_start)
    end_at = factory.LazyAttribute(lambda page: page.start_at + datetime.timedelta(hours=2))
    location = "二楼活动室"
    summary = "诚信与日常生活"

    @classmethod
    def _create(cls, model_class, *args, speakers=(), **kwargs):
        kwargs["speakers"] = [LectureSpeaker(speaker=speaker) for speaker in speakers]
        return super()._create(model_class, *args, **kwargs)


class CampaignIndexPageFactory(PageFactory):
    class Meta:
        model = CampaignIndexPage

    title = "诚信者行动"
    slug = "volunteer-action"


class CampaignPageFactory(PageFactory):
    class Meta:
        model = CampaignPage

    slogan = "我承诺 我诚信 我文明"
    start_date = datetime.date(2020, 9, 1)


class VolunteerEventPageFactory(PageFactory):
    """``roles=[("宣传员", 5), …]`` gives each role its own places."""

    class Meta:
        model = VolunteerEventPage

    business_district = "宽厚里"
    start_at = factory.Sequence(_start)
    end_at = factory.LazyAttribute(lambda page: page.start_at + datetime.timedelta(hours=3))
    location = "宽厚里南入口"

    @classmethod
    def _create(cls, model_class, *args, roles=(), **kwargs):
        kwargs["roles"] = [VolunteerRole(name=name, slots=slots) for name, slots in roles]
        return super()._create(model_class, *args, **kwargs)


class PledgePageFactory(PageFactory):
    class Meta:
        model = PledgePage

    title = "诚信经营承诺"
    slug = "integrity-pledge"
    pledge_text = factory.LazyFunction(lambda: body("本单位郑重承诺：依法诚信经营。"))


class HonourIndexPageFactory(PageFactory):
    class Meta:
        model = HonourIndexPage

    title = "诚信榜样"
    slug = "honours"


class HonourListPageFactory(PageFactory):
    class Meta:
        model = HonourListPage

    year = 2020
    category = "integrity_unit"

    @classmethod
    def _create(cls, model_class, *args, entries=(), **kwargs):
        kwargs.setdefault("parent", None)
        page_entries = [HonourEntry(**entry) for entry in entries]
        return super()._create(model_class, *args, entries=page_entries, **kwargs)


class PublicityPageFactory(PageFactory):
    class Meta:
        model = PublicityPage

    title = "双公示查询"
    slug = "publicity"


class SearchPageFactory(PageFactory):
    class Meta:
        model = SearchPage

    title = "搜索"
    slug = "search"


def make_image(title="封面"):
    from django.core.files.images import ImageFile

    return get_image_model().objects.create(
        title=title, file=ImageFile(draw_cover(title, size=(320, 180)), name="cover.jpg")
    )


# --- integrity pledges (pledges app) ------------------------------------------------------


def make_credit_code(serial):
    """A valid unified social credit code of a Lixia (370102) enterprise, one per serial."""
    from integrity_site.core.credit_code import check_character

    first_seventeen = f"91370102{serial:09d}"
    return first_seventeen + check_character(first_seventeen)


def publish_pledge_text(
    title="诚信经营承诺书",
    commitment="<ol><li>依法经营，明码标价。</li><li>不售假冒伪劣商品。</li></ol>",
    reason="为营造诚实守信的营商环境，本单位自愿作出以下承诺。",
    liability="如违背承诺，自愿接受信用惩戒并承担相应法律责任。",
    text=None,
):
    """Publish a pledge text (a new revision of ``text`` if given); returns the live revision."""
    from pledges.records import PledgeText

    if text is None:
        text = PledgeText(title=title, commitment=commitment, reason=reason, liability=liability, live=False)
        text.save()
    else:
        text.title, text.commitment, text.reason, text.liability = title, commitment, reason, liability
    revision = text.save_revision()
    revision.publish()
    text.refresh_from_db()
    return text.live_revision


def current_or_new_pledge_text():
    from pledges.texts import current_text_revision

    return current_text_revision() or publish_pledge_text()


class PledgeFactory(factory.django.DjangoModelFactory):
    """A pledge in any state; ``PledgeFactory(state="approved")`` is in the register."""

    class Meta:
        model = "pledges.Pledge"

    merchant_name = factory.Sequence(lambda n: f"历下诚信商店{n}号")
    credit_code = factory.Sequence(lambda n: make_credit_code(n + 1))
    entity_kind = "enterprise"
    industry = "retail"
    subdistrict = "解放路街道"
    address = factory.Sequence(lambda n: f"解放路{n}号")
    consent_to_publication = True
    contact_person = "张三华"
    mobile = "13812341234"
    email = factory.Sequence(lambda n: f"shop{n}@example.org")
    signatory_name = "李四明"
    state = "submitted"
    text_revision = factory.LazyFunction(lambda: current_or_new_pledge_text())

    @factory.lazy_attribute
    def confirmed_at(self):
        return timezone.now() if self.state != "submitted" else None

    @factory.lazy_attribute
    def approved_at(self):
        return timezone.now() if self.state in ("approved", "expired", "revoked") else None

    @factory.lazy_attribute
    def valid_until(self):
        if self.state == "approved":
            return timezone.localdate() + datetime.timedelta(days=365)
        if self.state == "expired":
            return timezone.localdate() - datetime.timedelta(days=1)
        return None


def signing_campaign(parent, **fields):
    """A campaign open for signing, with its initiative text published (第1版)."""
    defaults = {
        "title": "防范非法集资·争做诚信市民",
        "slug": "sign-up",
        "initiative_text": "我们倡议：树立诚实守信的观念，争做诚信市民。",
        "signing_enabled": True,
        "signature_goal": 100,
    }
    return CampaignPageFactory(parent=parent, **{**defaults, **fields})
