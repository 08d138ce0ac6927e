"""Notifications: one stored event per business event the trader (or an agency) must know
of, delivered on the portal, by e-mail and by a signed webhook, and pulled over the API."""
