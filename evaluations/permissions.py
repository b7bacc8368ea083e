"""Who may do what with evaluations.

Reading goes through the project (`Project.objects.visible_to`, 404 for the rest).
Results, responses of others, conclusions in the making and lessons are the county
staff's (404 for others who can read the project); answering is for the respondent
(403 for others who can read the project).
"""

import rules

from municipalities.permissions import is_library_head_of, is_staff_of
from projects.models import Participant
from projects.permissions import is_open, is_staff_of_project_county


@rules.predicate
def is_staff_of_county(user, county) -> bool:
    return is_staff_of(user, county)


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
    if is_staff_of(user, project.county_id):
        return True
    return any(is_library_head_of(user, library.municipality_id) for library in libraries)


def can_answer(user, response) -> bool:
    """The municipality's library head for a participant's response, the expert for their own."""
    if not user.is_authenticated or not user.is_active:
        return False
    if response.user_id:
        return response.user_id == user.pk
    return (
        is_library_head_of(user, response.participant.municipality_id)
        and response.participant.status != Participant.Status.WITHDRAWN
    )
