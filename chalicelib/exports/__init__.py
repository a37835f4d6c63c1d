"""Exports for the accountant: donations and offline gifts as CSV."""
