"""Engagement registers in an imported document (seed 002's Table 2): ``columns`` (a register
known by its header words), ``parsed`` (the results), ``groups`` (business-group rows),
``tables`` (reading them from a document's tables of cells). Saved through
``plantrack.engagement.services`` (see ``plantrack.imports.saving``)."""
