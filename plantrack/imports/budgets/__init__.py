"""Budget tables in an imported document: ``parsed`` (the results), ``tables`` (reading them
from a document's tables of cells), ``sections`` (the initiative a table's title names). Saved
by ``plantrack.budgets.services.budgets_import`` (see ``plantrack.imports.saving``)."""
