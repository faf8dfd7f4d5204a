"""Loading the city's YAML: a broken file stops start-up with a message naming the field."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from flows.municipality import Municipality


class MunicipalityError(SystemExit):
    pass


def load_municipality(path: Path) -> Municipality:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise MunicipalityError(f"TOBIRA_MUNICIPALITY: no such file: {path}") from exc
    except yaml.YAMLError as exc:
        raise MunicipalityError(f"TOBIRA_MUNICIPALITY: {path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise MunicipalityError(f"TOBIRA_MUNICIPALITY: {path} must hold a mapping at the top level")
    try:
        return Municipality.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise MunicipalityError(f"TOBIRA_MUNICIPALITY: {path}: {problems}") from exc
