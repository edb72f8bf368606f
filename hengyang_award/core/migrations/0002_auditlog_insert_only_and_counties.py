from django.db import migrations

from hengyang_award.core.insert_only import insert_only_trigger_operations

# Hengyang's 12 county-level divisions with their administrative division codes.
COUNTIES = [
    ("430405", "珠晖区"), ("430406", "雁峰区"), ("430407", "石鼓区"), ("430408", "蒸湘区"),
    ("430412", "南岳区"), ("430421", "衡阳县"), ("430422", "衡南县"), ("430423", "衡山县"),
    ("430424", "衡东县"), ("430426", "祁东县"), ("430481", "耒阳市"), ("430482", "常宁市"),
]


def seed_counties(apps, schema_editor):
    County = apps.get_model("core", "County")
    Group = apps.get_model("auth", "Group")
    for code, name in COUNTIES:
        if not County.objects.filter(code=code).exists():
            group, _ = Group.objects.get_or_create(name=f"county:{code}")
            County.objects.create(code=code, name=name, kind="division", group=group)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        *insert_only_trigger_operations("core_auditlog"),
        migrations.RunPython(seed_counties, migrations.RunPython.noop),
    ]
