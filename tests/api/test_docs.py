"""The documentation stays true: the README's demo figures are the demo's roll-up, and the
code and schema cite the project's own docs/ (not documents its users do not have)."""
from __future__ import annotations

import re

from grassroots.demo import load_demo
from grassroots.settings import ROOT

ROLLUP = "{ districts { rollup { households requiredBuildingHeads activeBuildingHeads vacancies coveragePercent workstations workstationsSetUp workstationsLate } } }"
LINE = re.compile(
    r"On the demo data the district line reads: (?P<households>\d+) households, (?P<required>\d+) building heads\s+"
    r"required,\s+(?P<active>\d+) active, (?P<vacancies>\d+) vacancies, coverage (?P<coverage>[\d.]+) %, "
    r"(?P<workstations>\d+) workstations\s+of which (?P<set_up>\d+) set up and (?P<late>\d+) late\.")


async def test_readme_demo_figures_are_the_demo_rollup(api):
    assert await load_demo() is True
    admin = await api.as_user("admin", "demo-pass-2026")
    rollup = (await admin.gql(ROLLUP))["districts"][0]["rollup"]
    found = LINE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "the README's demo figures line is missing or reworded"
    readme = {k: float(v) if k == "coverage" else int(v) for k, v in found.groupdict().items()}
    assert readme == {
        "households": rollup["households"], "required": rollup["requiredBuildingHeads"],
        "active": rollup["activeBuildingHeads"], "vacancies": rollup["vacancies"],
        "coverage": float(rollup["coveragePercent"]), "workstations": rollup["workstations"],
        "set_up": rollup["workstationsSetUp"], "late": rollup["workstationsLate"],
    }
    await admin.close()


def test_references_point_into_the_projects_own_docs():
    skip = {".git", ".venv", "node_modules", "build", ".pytest_cache", ".hypothesis", "var"}
    files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
             if p.is_file() and not skip.intersection(p.relative_to(ROOT).parts)]
    policy = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\d+)\.", policy, re.M))
    assert sections >= {str(n) for n in range(1, 15)}
    for name in files:
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".graphql", ".mjs") or not path.exists() or name == "tests/api/test_docs.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(DOMAIN|ENGINEERING)\.md", text), f"{name} cites a document users do not have"
        for cited in re.findall(r"docs/policy\.md §(\d+)", text):
            assert cited in sections, f"{name} cites docs/policy.md §{cited}, which does not exist"
