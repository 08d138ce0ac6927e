"""The trader's browser forms.

- ``choices``: code lists as select options, labelled in the active language;
- ``base``: ``PortalForm`` and its field helpers;
- ``entry``: the declaration form (header + goods items) and its one mapping table to the
  canonical WCO DM document;
- ``response``: the trader's answer to an information request;
- ``display``: a document as labelled values for reading;
- ``upload``: the WCO DM XML upload form.
"""
