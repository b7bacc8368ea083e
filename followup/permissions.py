"""Who may do what in the follow-up: log progress, attach and delete files. Reading is decided by
the querysets' `visible_to` (see `followup.access`); these predicates decide changes (403)."""

import rules

from municipalities.permissions import is_library_head_of, is_staff_of
from projects.permissions import is_library_head_of_participant, is_open_participant, is_staff_of_participant_county


@rules.predicate
def is_head_for_milestone(user, milestone) -> bool:
    return milestone.participant_id is not None and is_library_head_of(user, milestone.participant.municipality_id)


@rules.predicate
def is_open_milestone_project(user, milestone) -> bool:
    return not milestone.project.is_closed


@rules.predicate
def is_staff_for_milestone(user, milestone) -> bool:
    return is_staff_of(user, milestone.project.county_id)


# Library heads log progress on their own municipality's milestones; county staff on any.
can_log_progress = rules.is_active & is_open_milestone_project & (is_staff_for_milestone | is_head_for_milestone)
# Files: county staff anywhere in the project; a library head on their own participant.
can_attach_to_participant = (
    rules.is_active & is_open_participant & (is_library_head_of_participant | is_staff_of_participant_county)
)


@rules.predicate
def is_uploader(user, attachment) -> bool:
    return attachment.uploaded_by_id == user.pk


@rules.predicate
def is_staff_of_attachment_county(user, attachment) -> bool:
    return is_staff_of(user, attachment.project.county_id)


@rules.predicate
def is_attachment_project_open(user, attachment) -> bool:
    return not attachment.project.is_closed


can_delete_attachment = rules.is_active & is_attachment_project_open & (is_staff_of_attachment_county | is_uploader)
