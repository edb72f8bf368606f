from django.db import migrations

from hengyang_award.core.insert_only import insert_only_trigger_operations


class Migration(migrations.Migration):
    dependencies = [("applications", "0006_application_form")]

    operations = insert_only_trigger_operations("applications_applicationsnapshot")
