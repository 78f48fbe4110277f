"""Practice: agents rehearse difficult customers, judged by the service's own tools."""
