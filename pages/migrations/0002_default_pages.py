from django.db import migrations

from pages.defaults import ensure_default_pages


def create_pages(apps, schema_editor):
    ensure_default_pages(apps.get_model("pages", "Page"))


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
