"""Contract and load testing harness for Togai's event-ingestion API."""
