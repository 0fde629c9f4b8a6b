"""Pages for tests, made the way editors make them: added under a parent as a
draft, then published through a revision."""

import datetime

import factory
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from campaigns.models import CampaignIndexPage, CampaignPage, PledgePage, VolunteerEventPage
from home.models import ArticleIndexPage, ArticlePage
from honours.models import HonourEntry, HonourIndexPage, HonourListPage
from integrity_site.demo.images import draw_cover
from lectures.models import LectureIndexPage, LecturePage
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


class LecturePageFactory(PageFactory):
    class Meta:
        model = LecturePage

    speaker_name = "王老师"
    start_at = factory.Sequence(_start)
    end_at = factory.LazyAttribute(lambda page: page.start_at + datetime.timedelta(hours=2))
    location = "宽厚里社区活动室"
    summary = "诚信与日常生活"


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
    class Meta:
        model = VolunteerEventPage

    business_district = "宽厚里"
    start_at = factory.Sequence(_start)
    end_at = factory.LazyAttribute(lambda page: page.start_at + datetime.timedelta(hours=3))
    location = "宽厚里南入口"


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
