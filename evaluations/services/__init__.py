"""Changes in evaluations, one module per sub-domain: questionnaires (and their versions), rounds
(opening, asking, closing, reminders), answers, conclusions, corrections (course corrections), midterm
(the closing gate), measurements (TTT) and lessons; base holds EvaluationError."""
