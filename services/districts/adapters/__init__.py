"""Districts' SQL: read tables written in the handlers' transactions; nothing here commits."""
