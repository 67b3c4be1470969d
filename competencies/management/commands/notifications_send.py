"""``manage.py notifications_send``: what the beat tasks do, now (for the embedded default, where no beat
runs, and for a cron job)."""

from django.core.management.base import BaseCommand

from competencies import notifications


class Command(BaseCommand):
    help = (
        "Turn new to-do items into notifications, then e-mail what is due (immediate ones, and the daily "
        "digest once its hour has passed). Celery beat does the same every few minutes in production."
    )

    def handle(self, *args, **options):
        created = notifications.notifications_collect()
        mails = notifications.notifications_send()
        self.stdout.write(f"{created} new notifications, {mails} e-mails sent.")
