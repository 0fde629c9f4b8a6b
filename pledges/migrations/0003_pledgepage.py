"""The pledge page moves from ``campaigns`` to ``pledges``, the app that owns everything else about
pledges. Its table keeps its name (``db_table``); the content type moves with the model, so the
pages, their revisions, translations and search entries stay attached."""

import django.db.models.deletion
import wagtail.contrib.routable_page.models
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="campaigns", target="pledges"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="pledgepage").exists():
        ContentType.objects.filter(app_label=source, model="pledgepage").update(app_label=target)
    ContentType.objects.clear_cache()


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="pledges", target="campaigns")


class Migration(migrations.Migration):

    dependencies = [
        ('pledges', '0002_pledge_editor_permissions'),
        ("campaigns", "0004_event_venue_and_pledge_page_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PledgePage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                        ('intro', wagtail.fields.RichTextField(blank=True, verbose_name='introduction')),
                        ('pledge_text', wagtail.fields.StreamField([('paragraph', 0), ('image', 3), ('quote', 6), ('embed', 8), ('document', 11)], block_lookup={0: ('wagtail.blocks.RichTextBlock', (), {'features': ['h2', 'h3', 'bold', 'italic', 'ol', 'ul', 'link', 'document-link', 'hr'], 'label': 'Rich text'}), 1: ('wagtail.images.blocks.ImageBlock', [], {'label': 'Image'}), 2: ('wagtail.blocks.CharBlock', (), {'label': 'Caption', 'max_length': 255, 'required': False}), 3: ('wagtail.blocks.StructBlock', [[('image', 1), ('caption', 2)]], {}), 4: ('wagtail.blocks.TextBlock', (), {'label': 'Quote'}), 5: ('wagtail.blocks.CharBlock', (), {'label': 'Attribution', 'max_length': 255, 'required': False}), 6: ('wagtail.blocks.StructBlock', [[('text', 4), ('attribution', 5)]], {}), 7: ('wagtail.embeds.blocks.EmbedBlock', (), {'label': 'Video or web page address'}), 8: ('wagtail.blocks.StructBlock', [[('embed', 7), ('caption', 2)]], {}), 9: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': 'Document'}), 10: ('wagtail.blocks.CharBlock', (), {'help_text': "Leave empty to use the document's title.", 'label': 'Link text', 'max_length': 255, 'required': False}), 11: ('wagtail.blocks.StructBlock', [[('document', 9), ('title', 10)]], {})}, verbose_name='pledge text')),
                    ],
                    options={
                        'verbose_name': 'pledge page',
                        'db_table': 'campaigns_pledgepage',
                    },
                    bases=(wagtail.contrib.routable_page.models.RoutablePageMixin, 'wagtailcore.page'),
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
