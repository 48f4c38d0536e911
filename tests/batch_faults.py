"""A per-case function for tests/test_batch.py whose worker dies on one note (spawned workers import it)."""

import os

from opnote_check.batch import check_case


def dies_on_boom(item, *args):
    if item.case_id == "boom":
        os._exit(137)  # as the OOM killer ends a process
    return check_case(item, *args)
