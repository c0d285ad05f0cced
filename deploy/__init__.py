"""Local infrastructure (Kafka, PostgreSQL) for development, tests and CI."""
