"""One page per client code across the areas (/staff/clients/<code>)."""
