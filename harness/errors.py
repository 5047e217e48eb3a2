"""The one error every command turns into exit 2: the harness could not do its job.

Its message is the whole reason, in one line, with what to do about it.
"""


class HarnessError(Exception):
    pass
