"""Officer pages under /agency/ (``queue``: the queue and next task; ``review``: a task and
its actions) and the trader's answer to an information request (``trader``)."""
