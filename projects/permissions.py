"""Who may do what with projects.

Reading is decided by `Project.objects.visible_to(user)` (404 for the rest).
These predicates decide changes to something the user can read (403 otherwise).
"""

import rules


@rules.predicate
def is_staff_of_project_county(user, project) -> bool:
    return project.county_id in user.access.staff_county_ids


@rules.predicate
def is_open(user, project) -> bool:
    return not project.is_closed


@rules.predicate
def is_library_head_of_participant(user, participant) -> bool:
    return participant.municipality_id in user.access.head_municipality_ids


@rules.predicate
def is_open_participant(user, participant) -> bool:
    return not participant.project.is_closed


@rules.predicate
def is_the_expert(user, assignment) -> bool:
    return assignment.user_id == user.pk


can_edit_project = rules.is_active & is_staff_of_project_county & is_open
can_change_project_status = rules.is_active & is_staff_of_project_county & is_open
can_view_history = rules.is_active & is_staff_of_project_county
can_commit = rules.is_active & is_library_head_of_participant & is_open_participant
@rules.predicate
def is_staff_of_assignment_county(user, assignment) -> bool:
    return assignment.project.county_id in user.access.staff_county_ids


can_view_expert = rules.is_active & (is_the_expert | is_staff_of_assignment_county)


# ------------------------------------------------------------------ follow-up


@rules.predicate
def is_head_for_milestone(user, milestone) -> bool:
    return milestone.participant_id is not None and milestone.participant.municipality_id in user.access.head_municipality_ids


@rules.predicate
def is_open_milestone_project(user, milestone) -> bool:
    return not milestone.project.is_closed


@rules.predicate
def is_staff_for_milestone(user, milestone) -> bool:
    return milestone.project.county_id in user.access.staff_county_ids


# Library heads log progress on their own municipality's milestones; county staff on any.
can_log_progress = rules.is_active & is_open_milestone_project & (is_staff_for_milestone | is_head_for_milestone)
# Files: county staff anywhere in the project; a library head on their own participant.
can_attach_to_participant = rules.is_active & is_open_participant & (
    is_library_head_of_participant | rules.predicate(lambda user, p: p.project.county_id in user.access.staff_county_ids)
)
