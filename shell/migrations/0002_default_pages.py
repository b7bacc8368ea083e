from django.db import migrations

from shell.defaults import ensure_default_pages


def create_pages(apps, schema_editor):
    ensure_default_pages(apps.get_model("shell", "Page"))


class Migration(migrations.Migration):
    dependencies = [("shell", "0001_initial")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
