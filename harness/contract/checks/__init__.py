"""The contract checks, one module each; every module declares its check with ``harness.contract.registry``."""
