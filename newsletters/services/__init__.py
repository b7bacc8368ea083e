"""Changes in newsletters, one module per sub-domain: writing (drafts, the money draft, images), sending
(sending, scheduling, queuing the recipients), subscriptions (lists, subscribing, preferences), bounces and
showcases; base holds NewsletterError."""
