"""Apache Kafka run from Maven Central jars; see cluster.py."""
