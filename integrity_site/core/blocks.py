"""StreamField blocks shared by every page type that has a body."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=255, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "core/blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, max_length=255, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "core/blocks/quote.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        required=False,
        max_length=255,
        label=_("Link text"),
        help_text=_("Leave empty to use the document's title."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "core/blocks/document_link.html"


class EmbedWithCaptionBlock(blocks.StructBlock):
    embed = EmbedBlock(label=_("Video or web page address"))
    caption = blocks.CharBlock(required=False, max_length=255, label=_("Caption"))

    class Meta:
        icon = "media"
        label = _("Embed")
        template = "core/blocks/embed.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"],
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    embed = EmbedWithCaptionBlock()
    document = DocumentLinkBlock()

    class Meta:
        label = _("Body")
