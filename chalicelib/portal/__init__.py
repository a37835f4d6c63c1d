"""The donor portal /my: sign-in by a one-time link, gifts, receipts,
statements, monthly gifts, the tax deduction request, thanks by name."""
