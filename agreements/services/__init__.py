"""Changes to agreements, one module per step: drafts (creating, editing, the role matrix), sending (readiness,
sending for signature, withdrawing), signatures (signing, wet-ink scans, sealing), amendments (amendments,
deleting a draft, publishing) and reminders; base holds AgreementError and the helpers they share."""
