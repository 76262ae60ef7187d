"""cadreflow service: Flask app, persistence, HTTP API and CLI around the workflow engine."""
