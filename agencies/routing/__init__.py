"""Routing rules beyond the fan-out itself: the facts a rule looks at and the checks on a
rule (``conditions``), the history of rule changes (``history``), the preview of a rule
before it is activated (``preview``), "what do I need?" (``requirements``) and the HS code
search (``hs_search``). The fan-out is ``agencies.services.routing``."""
