"""The agencies' REST API, one module per resource: ``reviews`` (the queue, decisions,
claims), ``inspections`` (checks and results), ``trader`` (clearance status, answers)."""
