"""Bank statement files read into the canonical bank_statement (camt, MT940)."""
