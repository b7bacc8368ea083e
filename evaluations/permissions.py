"""Who may do what with evaluations.

Reading goes through the project (`Project.objects.visible_to`, 404 for the rest).
Results, responses of others, conclusions in the making and lessons are the county
staff's (404 for others who can read the project); answering is for the respondent
(403 for others who can read the project).
"""

import rules

from projects.permissions import is_open, is_staff_of_project_county


@rules.predicate
def is_staff_of_county(user, county) -> bool:
    return county.pk in user.access.staff_county_ids


can_manage_questionnaires = rules.is_active & is_staff_of_county
can_read_lessons = rules.is_active & is_staff_of_county
# On a project:
can_read_results = rules.is_active & is_staff_of_project_county
can_manage_evaluations = rules.is_active & is_staff_of_project_county & is_open
can_write_lessons = rules.is_active & is_staff_of_project_county


def can_record_measurement(user, project, libraries) -> bool:
    """County staff, or a library head whose municipality takes part (for its own libraries)."""
    if not user.is_active or project.is_closed:
        return False
    if project.county_id in user.access.staff_county_ids:
        return True
    return any(library.municipality_id in user.access.head_municipality_ids for library in libraries)
