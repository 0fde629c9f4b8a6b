"""The events app takes over the venue, registration and seat pool models from ``core``. The
tables keep their names (``db_table``), so nothing moves in the database; the content types
move with the models, so permissions (``export_personal_data`` among them), snippet revisions,
translations and log entries stay attached."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ["venue", "registration", "seatpool"]


def move_content_types(apps, schema_editor, source="core", target="events"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)
    ContentType.objects.clear_cache()


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="events", target="core")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("core", "0005_sitesettings_pledge_validity_days"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Registration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role_key', models.CharField(blank=True, default='', max_length=36, verbose_name='role key')),
                        ('role_name', models.CharField(blank=True, max_length=120, verbose_name='role')),
                        ('code', models.CharField(max_length=8, unique=True, verbose_name='registration code')),
                        ('access_token', models.CharField(editable=False, max_length=43)),
                        ('submission_token', models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True)),
                        ('name', models.CharField(blank=True, max_length=50, verbose_name='name')),
                        ('mobile', models.CharField(blank=True, max_length=11, verbose_name='mobile number')),
                        ('companions', models.PositiveSmallIntegerField(default=0, verbose_name='companions')),
                        ('status', models.CharField(choices=[('confirmed', 'Confirmed'), ('waiting', 'On the waiting list'), ('cancelled', 'Cancelled')], db_index=True, max_length=10, verbose_name='status')),
                        ('language', models.CharField(blank=True, max_length=10, verbose_name='language')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registered at')),
                        ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
                        ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled at')),
                        ('attended_at', models.DateTimeField(blank=True, null=True, verbose_name='checked in at')),
                        ('anonymised_at', models.DateTimeField(blank=True, null=True, verbose_name='anonymised at')),
                        ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='registrations', to=settings.WAGTAIL_PAGE_MODEL, verbose_name='event')),
                    ],
                    options={
                        'verbose_name': 'registration',
                        'verbose_name_plural': 'registrations',
                        'db_table': 'core_registration',
                        'ordering': ['created_at', 'pk'],
                        'permissions': [('export_personal_data', 'Can see and export the personal data of registrations')],
                        'indexes': [models.Index(fields=['event', 'role_key', 'status', 'created_at'], name='registration_queue_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['confirmed', 'waiting']), models.Q(('mobile', ''), _negated=True)), fields=('event', 'mobile'), name='unique_active_registration_per_mobile')],
                    },
                ),
                migrations.CreateModel(
                    name='SeatPool',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role_key', models.CharField(blank=True, default='', max_length=36, verbose_name='role key')),
                        ('seats_taken', models.PositiveIntegerField(default=0, verbose_name='seats taken')),
                        ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='seat_pools', to=settings.WAGTAIL_PAGE_MODEL, verbose_name='event')),
                    ],
                    options={
                        'verbose_name': 'seat pool',
                        'db_table': 'core_seatpool',
                        'constraints': [models.UniqueConstraint(fields=('event', 'role_key'), name='unique_seat_pool_per_event_role'), models.CheckConstraint(condition=models.Q(('seats_taken__gte', 0)), name='seat_pool_seats_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='Venue',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('translation_key', models.UUIDField(default=uuid.uuid4, editable=False)),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('subdistrict', models.CharField(help_text='For example 解放路街道.', max_length=60, verbose_name='subdistrict')),
                        ('community', models.CharField(blank=True, help_text='For example 宽厚里社区.', max_length=60, verbose_name='community')),
                        ('address', models.CharField(max_length=255, verbose_name='address')),
                        ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='latitude')),
                        ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='longitude')),
                        ('locale', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wagtailcore.locale', verbose_name='locale')),
                    ],
                    options={
                        'verbose_name': 'venue',
                        'verbose_name_plural': 'venues',
                        'db_table': 'core_venue',
                        'ordering': ['subdistrict', 'community', 'name'],
                        'abstract': False,
                        'unique_together': {('translation_key', 'locale')},
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
