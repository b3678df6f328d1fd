"""Load CRM exports (CSV / XLSX, any supported dialect) into the canonical table of SPEC §3.

``load_exports`` sniffs each file, maps its headers (synonyms confirmed by values, then user
overrides), gives it a role (leads, opportunities, accounts, owners, targets, unknown) and starts
reading its records (``staging``, free of pandas); then ``assembly`` parses, joins, enriches,
validates and gates the upload. This module imports no pandas: pandas is imported while pyarrow
reads the files, so the two costs overlap (see ``load_exports``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import RevOpsInputError
from tools.ingest.options import LoadOptions, parse_mapping_overrides
from tools.ingest.problems import Problems
from tools.ingest.staging import stage_upload

if TYPE_CHECKING:
    from tools.dataset import LoadedData

__all__ = ["LoadOptions", "load_exports", "parse_mapping_overrides"]


def load_exports(paths: Iterable[Path | str], overrides: dict[str, str] | None = None, *,
                 options: LoadOptions | None = None) -> LoadedData:
    """Load one or more exports into ``LoadedData``; bad input raises ``RevOpsInputError``.

    Args:
        paths: the uploaded files.
        overrides: ``{key: column}`` mapping overrides (``--map``).
        options: roles, date orders, year window and ``force`` (proceed past the plausibility gate).
    """
    files = [Path(p) for p in paths]
    if not files:
        raise RevOpsInputError("no files given", hint="Pass at least one CSV or XLSX export")
    options = options or LoadOptions()
    problems = Problems()
    staged = stage_upload(files, dict(overrides or {}), options, problems)
    # imported here, not at the top: pandas (a third of a second) loads while pyarrow reads the files
    from tools.ingest.assembly import assemble_upload

    return assemble_upload(staged, options, problems)
