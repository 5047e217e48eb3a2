"""SDK adapters: each turns the contract's events into one SDK's calls. See ``harness.sdk.adapter``."""
