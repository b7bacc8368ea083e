"""Synthetic newsletters for benchmarks: 2,000 infobrev at national scale, each with its outbox rows
(about 25 recipients each: 50,000 rows), subscribers and a few showcases. Bulk inserts only."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from newsletters.models import MailingList, Newsletter, Showcase, Subscriber
from notifications.models import OutboxMessage
from projects.models import Project

NEWSLETTERS = {"demo": 0, "county": 200, "national": 2000}
RECIPIENTS_PER_NEWSLETTER = 25
SUBSCRIBERS_PER_COUNTY = 150
BODY = "Hei alle sammen!\n\nHer er nytt fra prosjektet. **Ting tar tid**, men det går framover."


def generate(ctx) -> None:
    total = NEWSLETTERS.get(ctx.scale, 0)
    if not total:
        return
    rng = ctx.rng
    counties = list(ctx.counties)
    projects = list(getattr(ctx, "projects", None) or Project.objects.filter(county__in=counties))
    now = timezone.now()

    county_lists = {
        county.pk: MailingList(county=county, is_public=True)
        for county in counties
        if not MailingList.objects.filter(county=county, project__isnull=True).exists()
    }
    MailingList.objects.bulk_create(county_lists.values())
    county_lists = {ml.county_id: ml for ml in MailingList.objects.filter(county__in=counties, project__isnull=True)}
    chosen = rng.sample(projects, min(len(projects), max(1, total // 4)))
    project_lists = [MailingList(county_id=p.county_id, project=p, is_public=rng.random() < 0.5) for p in chosen]
    MailingList.objects.bulk_create(project_lists, batch_size=1000)
    project_lists = list(MailingList.objects.filter(project__in=chosen).select_related("project"))

    Subscriber.objects.bulk_create(
        [
            Subscriber(
                mailing_list=county_lists[county.pk],
                email=f"abonnent{i}.{county.number}@bench.example.no",
                status=rng.choice(["confirmed"] * 8 + ["pending", "unsubscribed"]),
                confirmed_at=now,
            )
            for county in counties
            for i in range(SUBSCRIBERS_PER_COUNTY)
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )

    newsletters = []
    for i in range(total):
        if project_lists and rng.random() < 0.7:
            mailing_list = rng.choice(project_lists)
        else:
            mailing_list = rng.choice(list(county_lists.values()))
        sent = rng.random() < 0.9
        sent_at = now - timedelta(days=rng.randint(1, 5 * 365), minutes=rng.randint(0, 1440)) if sent else None
        newsletters.append(
            Newsletter(
                county_id=mailing_list.county_id,
                project_id=mailing_list.project_id,
                mailing_list=mailing_list,
                subject=f"Infobrev {i + 1}: nytt fra prosjektet",
                body=BODY,
                is_public=rng.random() < 0.6,
                status=Newsletter.Status.SENT if sent else Newsletter.Status.DRAFT,
                sent_at=sent_at,
                queuing_started_at=sent_at,
                queuing_progress_at=sent_at,
                recipient_count=RECIPIENTS_PER_NEWSLETTER if sent else 0,
                created_at=(sent_at or now) - timedelta(days=2),
            )
        )
    Newsletter.objects.bulk_create(newsletters, batch_size=1000)

    content_type = ContentType.objects.get_for_model(Newsletter)
    rows = []
    for newsletter in newsletters:
        if newsletter.status != Newsletter.Status.SENT:
            continue
        for n in range(RECIPIENTS_PER_NEWSLETTER):
            email = f"mottaker{n}.{newsletter.county_id}@bench.example.no"
            rows.append(
                OutboxMessage(
                    recipient=email,
                    from_email="fylkesbiblioteket@bench.example.no",
                    subject=newsletter.subject,
                    body_text=BODY,
                    kind="newsletter",
                    county_id=newsletter.county_id,
                    content_type=content_type,
                    object_id=newsletter.pk,
                    idempotency_key=f"newsletter:{newsletter.pk}:{email}",
                    message_id=f"<nl-{newsletter.pk}-{n}@bench.fremdrift>",
                    status=OutboxMessage.Status.SENT,
                    attempts=1,
                    created_at=newsletter.sent_at,
                    next_attempt_at=newsletter.sent_at,
                    sent_at=newsletter.sent_at,
                    headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
                )
            )
        if len(rows) >= 20000:
            OutboxMessage.objects.bulk_create(rows, batch_size=5000)
            rows = []
    OutboxMessage.objects.bulk_create(rows, batch_size=5000)

    closed = [p for p in projects if p.status == Project.Status.CLOSED]
    Showcase.objects.bulk_create(
        [
            Showcase(
                county_id=p.county_id,
                project=p,
                slug=f"eksempel-{p.pk}",
                title=f"Eksempel: {p.title}",
                summary="Slik gikk det.",
                results="- Flere besøk\n- Flere arrangementer",
                published_at=now,
            )
            for p in rng.sample(closed, min(len(closed), total // 40))
        ],
        batch_size=1000,
    )
