from celery import shared_task

from .models import Invitation


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email_task(invitation_id: int) -> None:
    from .services import send_invitation_email

    invitation = Invitation.objects.select_related("user", "county").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable:
        return  # withdrawn, already accepted or expired: nothing to send
    send_invitation_email(invitation)
