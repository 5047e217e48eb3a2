"""SDK conformance: a real SDK driven through every documented answer of a real (loopback) target."""
