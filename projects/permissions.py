"""Who may do what with projects and their follow-up.

Reading is decided by the querysets' `visible_to(user)` (404 for the rest; see `projects.access`,
which every view fetches through). These predicates decide changes to something the user can
read (403 otherwise), and give templates their flags.
"""

import rules

from municipalities.permissions import is_library_head_of, is_member_of, is_staff_of


@rules.predicate
def is_staff_of_project_county(user, project) -> bool:
    return is_staff_of(user, project.county_id)


@rules.predicate
def is_open(user, project) -> bool:
    return not project.is_closed


@rules.predicate
def is_library_head_of_participant(user, participant) -> bool:
    return is_library_head_of(user, participant.municipality_id)


@rules.predicate
def is_member_of_participant(user, participant) -> bool:
    return is_member_of(user, participant.municipality_id)


@rules.predicate
def is_staff_of_participant_county(user, participant) -> bool:
    return is_staff_of(user, participant.project.county_id)


@rules.predicate
def is_expert_of_participant_project(user, participant) -> bool:
    return user.is_authenticated and participant.project.experts.filter(user=user).exists()


@rules.predicate
def is_open_participant(user, participant) -> bool:
    return not participant.project.is_closed


can_edit_project = rules.is_active & is_staff_of_project_county & is_open
can_change_project_status = can_edit_project
can_view_history = rules.is_active & is_staff_of_project_county
can_view_staff_parts = rules.is_active & is_staff_of_project_county  # plan, money, progress log, escalation
can_commit = rules.is_active & is_library_head_of_participant & is_open_participant
can_create_bli_ny = rules.is_active & is_staff_of_project_county  # also from a closed project: its last chance
can_save_as_kit = rules.is_active & is_staff_of_project_county

# A participant's own page, money, follow-up and files: the county's staff, the project's experts and the
# municipality's own users; co-participants see only the project page's list of names and status.
can_read_participant = rules.is_active & (
    is_staff_of_participant_county | is_member_of_participant | is_expert_of_participant_project
)
can_see_participant_money = rules.is_active & (is_staff_of_participant_county | is_member_of_participant)
can_see_escalations = rules.is_active & is_staff_of_participant_county
