"""The model AllocationScenario is now AllocationPlan; its table keeps its name (a rename only)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0004_remove_job_id"),
    ]

    operations = [
        migrations.AlterModelTable(name="allocationscenario", table="territories_allocationscenario"),
        migrations.RenameModel(old_name="AllocationScenario", new_name="AllocationPlan"),
    ]
