"""Forms check the shape of input; the services check the rules."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from followup.models import Milestone
from municipalities.models import Theme
from projects.forms import DateInput
from projects.models import Project
from shell.forms import ModelChoiceField, form_helper
from shell.ids import parse_id

from .models import Kind, Lesson, Question, Questionnaire
from .results import scale_label
from .services.answers import question_field


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Meant for"), choices=Kind.choices)
    description = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to respondents above the questions (Markdown)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save"))


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    type = forms.ChoiceField(label=_("Type of answer"), choices=Question.Type.choices)
    help_text = forms.CharField(label=_("Help text"), max_length=500, required=False)
    is_required = forms.BooleanField(label=_("An answer is required"), required=False)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For single and multiple choice: one option per line."),
    )
    low_label = forms.CharField(
        label=_("Label for 1"), max_length=100, required=False, help_text=_("For scales, e.g. “Not at all”.")
    )
    high_label = forms.CharField(
        label=_("Label for 5"), max_length=100, required=False, help_text=_("For scales, e.g. “Very much”.")
    )
    order = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=999,
        required=False,
        help_text=_("Questions are shown in this order. Empty: last."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save the question"))

    def clean_options(self):
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    questionnaire = ModelChoiceField(label=_("Questionnaire"), queryset=Questionnaire.objects.none())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    include_experts = forms.BooleanField(label=_("Ask the attached external experts too"), required=False)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Empty: made from the kind and the project's title."),
    )

    def __init__(self, *args, questionnaires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = questionnaires
        self.helper = form_helper(_("Open the evaluation and send it"))


class AnswerForm(forms.Form):
    """One field per question of the response's version; nothing is required here, since a draft
    may be incomplete: the service demands required answers on submit."""

    def __init__(self, *args, questions, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        self.questions = questions
        for question in questions:
            name = question_field(question)
            self.fields[name] = self._field(question)
            answer = answers.get(question.pk)
            if answer is not None and not self.is_bound:
                self.initial[name] = self._initial(question, answer)

    @staticmethod
    def _field(question: Question) -> forms.Field:
        label = question.text + ("" if not question.is_required else " *")
        common = {"label": label, "required": False, "help_text": question.help_text}
        kind = question.type
        if kind == Question.Type.TEXT:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000, **common)
        if kind == Question.Type.SCALE:
            choices = [(str(v), scale_label(question, v)) for v in Question.SCALE_VALUES]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        if kind == Question.Type.SINGLE:
            return forms.ChoiceField(choices=[(o, o) for o in question.options], widget=forms.RadioSelect, **common)
        if kind == Question.Type.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(o, o) for o in question.options], widget=forms.CheckboxSelectMultiple, **common
            )
        if kind == Question.Type.NUMBER:
            return forms.DecimalField(max_digits=14, decimal_places=2, localize=True, **common)
        return forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common)

    @staticmethod
    def _initial(question, answer):
        kind = question.type
        if kind == Question.Type.SCALE:
            return str(int(answer.number))
        if kind == Question.Type.YES_NO:
            return "yes" if answer.boolean else "no"
        if kind == Question.Type.SINGLE:
            return answer.choices[0] if answer.choices else ""
        if kind == Question.Type.MULTIPLE:
            return answer.choices
        if kind == Question.Type.NUMBER:
            return answer.number
        return answer.text

    def values(self) -> dict:
        return {question.pk: self.cleaned_data.get(question_field(question)) for question in self.questions}


class ConclusionForm(forms.Form):
    text = forms.CharField(
        label=_("Conclusion"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Short and plain: what potential did the mapping find? (Markdown)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save the conclusion"))


class CorrectionForm(forms.Form):
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why: what did the evaluation show?"),
    )
    decided_by = forms.CharField(
        label=_("Decided by"), max_length=200, help_text=_("Who took the decision, e.g. the steering group.")
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Record the decision"))


class MilestoneChoiceField(ModelChoiceField):
    def label_from_instance(self, milestone):
        who = f" – {milestone.participant.municipality.name}" if milestone.participant_id else ""
        return f"{milestone.name}{who} ({date_format(milestone.planned_on, 'SHORT_DATE_FORMAT')})"


class MoveMilestoneForm(forms.Form):
    milestone = MilestoneChoiceField(label=_("Milestone"), queryset=Milestone.objects.none())
    planned_on = forms.DateField(label=_("New planned date"), widget=DateInput())

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = (
            Milestone.objects.filter(project=project)
            .exclude(status__in=[Milestone.Status.DONE, Milestone.Status.SKIPPED])
            .select_related("participant__municipality")
        )
        self.helper = form_helper(_("Move the milestone"))

    def clean_planned_on(self):
        planned_on = self.cleaned_data["planned_on"]
        if planned_on < timezone.localdate():
            raise forms.ValidationError(
                _("Choose today or a later date: a course correction cannot move a milestone into the past.")
            )
        return planned_on


class GoalChoiceField(ModelChoiceField):
    def label_from_instance(self, goal):
        return goal.text[:100]


class GoalChangeForm(forms.Form):
    goal = GoalChoiceField(label=_("Goal"), queryset=None, required=False, empty_label=_("A new goal"))
    text = forms.CharField(label=_("The goal as it now reads"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = project.goals.all()
        self.helper = form_helper(_("Change the goal"))


class TargetChangeForm(forms.Form):
    indicator = ModelChoiceField(label=_("Indicator"), queryset=None)
    target = forms.DecimalField(label=_("New target"), max_digits=14, decimal_places=2, localize=True)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = project.indicators.filter(goal__isnull=False)
        self.helper = form_helper(_("Change the target"))


class SkipMidtermForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the mid-term evaluation skipped?"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Record the reason"))


class TTTIndicatorForm(forms.Form):
    name = forms.CharField(
        label=_("What is counted"),
        max_length=200,
        help_text=_("E.g. visits per week, loans, events, hours the room is used, counted observations."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save"))


class PeriodsForm(forms.Form):
    before_starts_on = forms.DateField(label=_("Before period from"), widget=DateInput())
    before_ends_on = forms.DateField(label=_("Before period to"), widget=DateInput())
    after_starts_on = forms.DateField(label=_("After period from"), widget=DateInput())
    after_ends_on = forms.DateField(label=_("After period to"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_("Save the periods"))


class LibraryChoiceField(ModelChoiceField):
    def label_from_instance(self, library):
        return f"{library.name} ({library.municipality.name})"


class MeasurementEntryForm(forms.Form):
    indicator = ModelChoiceField(label=_("What is counted"), queryset=None)
    library = LibraryChoiceField(label=_("Library"), queryset=None)
    period = forms.ChoiceField(label=_("Period"), choices=[("before", _("Before")), ("after", _("After"))])
    measured_on = forms.DateField(label=_("Counted on"), widget=DateInput())
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, localize=True, min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, indicators, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["library"].queryset = libraries
        self.initial.setdefault("measured_on", timezone.localdate())
        self.helper = form_helper(_("Save the value"))


class LessonForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=Lesson.Section.choices)
    text = forms.CharField(label=_("Lesson"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Kind"), choices=Lesson.LessonKind.choices)
    theme = ModelChoiceField(label=_("Theme"), queryset=None, required=False, empty_label=_("None"))

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(county=county)
        self.helper = form_helper(_("Save the lesson"))


class LessonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    project = ModelChoiceField(label=_("Project"), required=False, queryset=None, empty_label=_("All"))
    theme = ModelChoiceField(label=_("Theme"), required=False, queryset=None, empty_label=_("All"))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + Lesson.LessonKind.choices)
    section = forms.ChoiceField(label=_("Section"), required=False, choices=[("", _("All"))] + Lesson.Section.choices)
    id = forms.TypedMultipleChoiceField(required=False, coerce=int, choices=[])

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            Project.objects.filter(county=county, lessons__isnull=False).distinct().order_by("title")
        )
        self.fields["theme"].queryset = Theme.objects.filter(county=county)
        for name in ("project", "theme", "kind", "section"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean_id(self):
        return self.cleaned_data["id"]

    def full_clean(self):
        # Selected ids are free integers (checked against the county by the selector); one that
        # cannot be an id (shell.ids) is "not a valid choice".
        if self.is_bound:
            self.fields["id"].choices = [
                (value, value) for value in self.data.getlist("id") if parse_id(value) is not None
            ]
        super().full_clean()
