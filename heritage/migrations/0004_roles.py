from django.db import migrations


def create_roles(apps, schema_editor):
    from heritage.roles import ensure_roles

    ensure_roles(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("heritage", "0003_history_versions_review_queue"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
