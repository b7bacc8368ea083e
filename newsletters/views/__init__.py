"""Newsletter pages, one module per sub-domain: newsletters (the staff's: writing, previewing, sending,
images), lists (mailing lists), showcases (the staff's), bounces (the bounce endpoint), public (archive, feeds,
showcase pages: no login, only what is published) and subscriptions (subscribing and the token links); base holds
the helpers they share."""
