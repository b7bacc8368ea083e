"""The keyed seal's columns. Adding a column with a default updates no row, so the trigger of 0002, which
refuses every UPDATE of a seal, lets it through and protects the new columns like the others: they are
written only in the INSERT that seals. Seals made before keep them empty, which verify_agreements reports."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0002_sealed_rows_trigger'),
    ]

    operations = [
        migrations.AddField(
            model_name='seal',
            name='hmac_key_id',
            field=models.CharField(blank=True, default='', max_length=8),
        ),
        migrations.AddField(
            model_name='seal',
            name='hmac_sha256',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
    ]
