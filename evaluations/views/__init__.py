"""Pages for evaluations, one module per sub-domain: questionnaires, rounds (and answering a response),
conclusions (and their public pages), corrections (course corrections, skipping the mid-term), measurements
(TTT) and lessons; base holds the helpers they share."""
