"""Addresses of the follow-up: milestones and progress, files, visits, meetings, escalation, the
dashboard, "my milestones" and the calendar feed."""

from django.urls import path

from .views import calendar, escalation, files, meetings, milestones, timeline, visits

app_name = "followup"

P = "prosjekter/<id:pk>/"

urlpatterns = [
    path(P + "milepaeler/", milestones.milestone_list, name="milestone-list"),
    path(P + "milepaeler/eksport.xlsx", milestones.milestone_export_xlsx, name="milestone-export-xlsx"),
    path(P + "milepaeler/ny/", milestones.milestone_edit, name="milestone-create"),
    path(P + "milepaeler/<id:milestone_pk>/", milestones.milestone_detail, name="milestone-detail"),
    path(P + "milepaeler/<id:milestone_pk>/rediger/", milestones.milestone_edit, name="milestone-edit"),
    path(P + "milepaeler/<id:milestone_pk>/status/", milestones.milestone_status, name="milestone-status"),
    path(P + "milepaeler/<id:milestone_pk>/fremdrift/", milestones.progress_create, name="progress-create"),
    path(P + "fremdrift/", milestones.project_progress, name="project-progress"),
    path("kommuner/<str:number>/fremdrift/", milestones.municipality_progress, name="municipality-progress"),
    path("mine-milepaeler/", milestones.my_milestones, name="my-milestones"),
    path(P + "vedlegg/", files.attachment_upload, name="attachment-upload"),
    path(P + "vedlegg/<id:attachment_pk>/", files.attachment_download, name="attachment-download"),
    path(P + "vedlegg/<id:attachment_pk>/slett/", files.attachment_delete, name="attachment-delete"),
    path(P + "besok/nytt/", visits.visit_edit, name="visit-create"),
    path(P + "besok/<id:visit_pk>/", visits.visit_edit, name="visit-edit"),
    path(P + "moter/", meetings.meeting_list, name="meeting-list"),
    path(P + "moter/nytt/", meetings.meeting_edit, name="meeting-create"),
    path(P + "moter/<id:meeting_pk>/", meetings.meeting_detail, name="meeting-detail"),
    path(P + "moter/<id:meeting_pk>/rediger/", meetings.meeting_edit, name="meeting-edit"),
    path(P + "moter/<id:meeting_pk>/inviterte/", meetings.meeting_invitees, name="meeting-invitees"),
    path(P + "moter/<id:meeting_pk>/planlegg/", meetings.meeting_schedule, name="meeting-schedule"),
    path(P + "moter/<id:meeting_pk>/avlys/", meetings.meeting_cancel, name="meeting-cancel"),
    path(P + "moter/<id:meeting_pk>/oppmote/", meetings.meeting_attendance, name="meeting-attendance"),
    path(P + "moter/<id:meeting_pk>/resultat/", meetings.meeting_outcome, name="meeting-outcome"),
    path(P + "moter/<id:meeting_pk>/invitasjon.ics", meetings.meeting_ics, name="meeting-ics"),
    path(P + "eskalering/<id:step_pk>/", escalation.escalation_review, name="escalation-review"),
    path("fylker/<str:number>/oppfolging/", escalation.followup_dashboard, name="followup-dashboard"),
    path("fylker/<str:number>/oppfolging/tidslinje/", timeline.dashboard_timeline, name="dashboard-timeline"),
    path("kommuner/<str:number>/tidslinje/", timeline.municipality_timeline_view, name="municipality-timeline"),
    path("kalender/", calendar.calendar_settings, name="calendar-settings"),
    path("kalender/<str:token>.ics", calendar.calendar_feed, name="calendar-feed"),
]
