"""Tax deduction for gifts (skattefradrag): identifiers, yearly limits, donors'
deduction requests, yearly totals per tax unit and the RF-1310 report."""
