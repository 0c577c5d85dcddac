"""Privacy work in the background: the nightly retention run, and subject access bundles made by id."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)
