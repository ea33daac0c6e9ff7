"""Catalogue files → the canonical content of an edition, and the content hash.

Every source of a catalogue edition (the YAML files in fixtures/schemes/, the official xlsx read by
scheme.xlsx_import) is turned into one plain, JSON-compatible dict, the *canonical content*:

    {"edition":       {code, title_ja, title_en, published_on, notice_ja, notice_en, source},
     "categories":    [{code, name_ja, name_en, csf_function}, …],
     "subcategories": [{code, category, name_ja, name_en, csf_function, csf_category}, …],
     "items":         [{code, subcategory, levels, title_*, requirement_*, identical_to, extra}, …],
     "criteria":      [{code, item, level, csf_function, statement_*, details_*, guidance_*,
                        refs, params, source_row}, …]}

Lists are in document order (their index is the row's `position`); related rows are named by
code. `edition_content()` rebuilds the same dict from the database rows, so the SHA-256 of its
canonical JSON (`content_hash`) can be compared with the hash stored on the edition at any time:
a mismatch means someone changed rows behind the loader's back.

Not part of the content (and so not hashed): the edition's status, the `supersedes` link (it is
derived from `source["supersedes"]`, which is hashed) and the correspondences between editions.

This module only reads files and rows; scheme.services writes them.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from core.exceptions import DomainError

from .models import Category, Criterion, Edition, Item, Subcategory

Content = dict[str, Any]

# libyaml's safe loader when PyYAML was built with it (several times faster), else the Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# How the YAML files spell an edition's status.
STATUS_BY_FILE = {
    "final": Edition.Status.PUBLISHED,
    "published": Edition.Status.PUBLISHED,
    "superseded": Edition.Status.RETIRED,
    "retired": Edition.Status.RETIRED,
    "draft": Edition.Status.DRAFT,
}

# Edition header keys that map to Edition columns; every other header key goes to Edition.source.
_HEADER_COLUMNS = {
    "id",
    "title_ja",
    "title_en",
    "published",
    "status",
    "wording_notice_ja",
    "wording_notice_en",
}
# Top-level sections turned into rows; any other top-level section goes to Edition.source.
_ROW_SECTIONS = {"edition", "categories", "subcategories", "items", "star3_items", "star4_items"}
_ITEM_COLUMNS = {
    "id",
    "category",
    "subcategory",
    "levels",
    "title_ja",
    "title_en",
    "requirement_ja",
    "requirement_en",
    "criteria",
}
_INTERIM_COLUMNS = {
    "category",
    "subcategory",
    "title_ja",
    "title_en",
    "summary_ja",
    "summary_en",
    "identical_to_star3",
}

INTERIM_LEVELS = (("star3", "star3_items", 3), ("star4", "star4_items", 4))


def interim_item_code(stars: int, number: int) -> str:
    """The code of an item of a per-level numbered edition: ★3 No.1 → "★3-01".

    The interim edition numbers its items per level (★3 No.1–25, ★4 No.1–44); the star keeps
    the two lists apart and the zero-padded number sorts and reads the same in both languages.
    """
    return f"★{stars}-{number:02d}"


@dataclass
class EditionData:
    """An edition as read from a file: its canonical content and the status the file declares."""

    content: Content
    status: str

    @property
    def code(self) -> str:
        return str(self.content["edition"]["code"])

    @property
    def supersedes(self) -> str | None:
        value = self.content["edition"]["source"].get("supersedes")
        return str(value) if value else None

    @property
    def content_hash(self) -> str:
        return content_hash(self.content)

    def counts(self) -> dict[str, int]:
        return content_counts(self.content)


# ------------------------------------------------------------------------------------------------
# Canonical JSON and the hash
# ------------------------------------------------------------------------------------------------


def _json_default(value: object) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {value!r}")


def canonical_json(value: object) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 text kept as is (not \\u-escaped)."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default
    )


def canonicalise(value: Any) -> Any:
    """The value as it comes back from a JSON column (dates → ISO strings, tuples → lists)."""
    return json.loads(canonical_json(value))


def content_hash(content: Content) -> str:
    """SHA-256 (hex) of the canonical JSON of an edition's content."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def content_counts(content: Content) -> dict[str, int]:
    return {key: len(content[key]) for key in ("categories", "subcategories", "items", "criteria")}


# ------------------------------------------------------------------------------------------------
# The content rebuilt from the database
# ------------------------------------------------------------------------------------------------


def edition_content(edition: Edition) -> Content:
    """The canonical content of an edition as its rows in the database say (5 queries)."""
    categories = list(edition.categories.order_by("position"))
    subcategories = list(edition.subcategories.select_related("category").order_by("position"))
    items = list(
        edition.items.select_related("subcategory", "identical_to")
        .prefetch_related("levels")
        .order_by("position")
    )
    criteria = list(edition.criteria.select_related("item", "level").order_by("position"))
    return canonicalise(
        {
            "edition": {
                "code": edition.code,
                "title_ja": edition.title_ja,
                "title_en": edition.title_en,
                "published_on": edition.published_on,
                "notice_ja": edition.notice_ja,
                "notice_en": edition.notice_en,
                "source": edition.source,
            },
            "categories": [
                {
                    "code": c.code,
                    "name_ja": c.name_ja,
                    "name_en": c.name_en,
                    "csf_function": c.csf_function,
                }
                for c in categories
            ],
            "subcategories": [
                {
                    "code": s.code,
                    "category": s.category.code,
                    "name_ja": s.name_ja,
                    "name_en": s.name_en,
                    "csf_function": s.csf_function,
                    "csf_category": s.csf_category,
                }
                for s in subcategories
            ],
            "items": [
                {
                    "code": i.code,
                    "subcategory": i.subcategory.code,
                    "levels": sorted(level.code for level in i.levels.all()),
                    "title_ja": i.title_ja,
                    "title_en": i.title_en,
                    "requirement_ja": i.requirement_ja,
                    "requirement_en": i.requirement_en,
                    "identical_to": i.identical_to.code if i.identical_to else None,
                    "extra": i.extra,
                }
                for i in items
            ],
            "criteria": [
                {
                    "code": c.code,
                    "item": c.item.code,
                    "level": c.level.code,
                    "csf_function": c.csf_function,
                    "statement_ja": c.statement_ja,
                    "statement_en": c.statement_en,
                    "details_ja": c.details_ja,
                    "details_en": c.details_en,
                    "guidance_ja": c.guidance_ja,
                    "guidance_en": c.guidance_en,
                    "refs": c.refs,
                    "params": c.params,
                    "source_row": c.source_row,
                }
                for c in criteria
            ],
        }
    )


# ------------------------------------------------------------------------------------------------
# YAML files
# ------------------------------------------------------------------------------------------------


class CatalogueFileError(DomainError):
    """A catalogue file cannot be read or is inconsistent; `problems` lists every finding."""

    code = "catalogue_file_invalid"

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__(
            _("%(file)s cannot be loaded:") % {"file": Path(path).name}
            + "".join(f"\n- {p}" for p in problems)
        )


def read_yaml(path: Path | str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueFileError(path, [str(exc)]) from exc
    if not isinstance(data, dict):
        raise CatalogueFileError(path, [_("The file does not hold a YAML mapping.")])
    return data


def parse_levels_file(path: Path | str) -> list[dict[str, Any]]:
    """The star levels declared in fixtures/schemes/levels.yaml, checked for required keys."""
    data = read_yaml(path)
    levels = data.get("levels")
    if not isinstance(levels, list) or not levels:
        raise CatalogueFileError(path, [_("The file has no “levels” list.")])
    problems = []
    required = {"code", "stars", "name_ja", "name_en", "validity_months"}
    for index, level in enumerate(levels, start=1):
        missing = sorted(required - set(level))
        if missing:
            problems.append(
                _("Level %(index)d lacks %(keys)s.") % {"index": index, "keys": ", ".join(missing)}
            )
    if problems:
        raise CatalogueFileError(path, problems)
    return [
        {
            "code": str(level["code"]),
            "stars": int(level["stars"]),
            "name_ja": str(level["name_ja"]),
            "name_en": str(level["name_en"]),
            "description_ja": str(level.get("description_ja") or "").strip(),
            "description_en": str(level.get("description_en") or "").strip(),
            "validity_months": level["validity_months"],
        }
        for level in levels
    ]


def parse_edition_file(path: Path | str) -> EditionData:
    """Read one edition file: the final-edition schema (`items`) or the interim one (per level)."""
    data = read_yaml(path)
    try:
        if "items" in data:
            data_out = _parse_hierarchical(data)
        elif "star3_items" in data:
            data_out = _parse_per_level(data)
        else:
            raise CatalogueFileError(path, [_("The file has neither “items” nor “star3_items”.")])
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogueFileError(
            path, [_("Missing or malformed entry: %(error)s") % {"error": repr(exc)}]
        ) from exc
    problems = content_problems(data_out.content)
    if problems:
        raise CatalogueFileError(path, problems)
    return data_out


def _edition_header(data: dict[str, Any]) -> tuple[Content, str]:
    header = data["edition"]
    status_text = str(header.get("status", "draft"))
    if status_text not in STATUS_BY_FILE:
        raise ValueError(f"unknown edition status {status_text!r}")
    source = {k: v for k, v in header.items() if k not in _HEADER_COLUMNS}
    source["schema_version"] = data.get("schema_version")
    source.update({k: v for k, v in data.items() if k not in _ROW_SECTIONS | {"schema_version"}})
    published = header.get("published")
    edition = {
        "code": str(header["id"]),
        "title_ja": str(header["title_ja"]),
        "title_en": str(header["title_en"]),
        "published_on": datetime.date.fromisoformat(str(published)) if published else None,
        "notice_ja": str(header.get("wording_notice_ja") or ""),
        "notice_en": str(header.get("wording_notice_en") or ""),
        "source": source,
    }
    return edition, STATUS_BY_FILE[status_text]


def _categories(data: dict[str, Any]) -> list[Content]:
    return [
        {
            "code": str(c["id"]),
            "name_ja": str(c["name_ja"]),
            "name_en": str(c.get("name_en") or ""),
            "csf_function": str(c["csf_function"]),
        }
        for c in data["categories"]
    ]


def _subcategories(data: dict[str, Any]) -> list[Content]:
    return [
        {
            "code": str(s["id"]),
            "category": str(s.get("category") or str(s["id"]).split("-")[0]),
            "name_ja": str(s["name_ja"]),
            "name_en": str(s.get("name_en") or ""),
            "csf_function": str(s["csf_function"]),
            "csf_category": str(s.get("csf_category_inferred") or ""),
        }
        for s in data["subcategories"]
    ]


def _parse_hierarchical(data: dict[str, Any]) -> EditionData:
    """The final-edition schema: items with hierarchical IDs, each with its criteria."""
    edition, status = _edition_header(data)
    items: list[Content] = []
    criteria: list[Content] = []
    for item in data["items"]:
        code = str(item["id"])
        items.append(
            {
                "code": code,
                "subcategory": str(item["subcategory"]),
                "levels": sorted(str(level) for level in item["levels"]),
                "title_ja": str(item["title_ja"]),
                "title_en": str(item["title_en"]),
                "requirement_ja": str(item.get("requirement_ja") or ""),
                "requirement_en": str(item.get("requirement_en") or ""),
                "identical_to": None,
                "extra": {k: v for k, v in item.items() if k not in _ITEM_COLUMNS},
            }
        )
        for crit in item["criteria"]:
            criteria.append(
                {
                    "code": str(crit["id"]),
                    "item": code,
                    "level": str(crit["level"]),
                    "csf_function": str(crit["csf"]),
                    "statement_ja": str(crit["statement_ja"]),
                    "statement_en": str(crit.get("statement_en") or ""),
                    "details_ja": list(crit.get("details_ja") or []),
                    "details_en": list(crit.get("details_en") or []),
                    "guidance_ja": str(crit.get("guidance_ja") or ""),
                    "guidance_en": str(crit.get("guidance_en") or ""),
                    "refs": [str(ref) for ref in crit.get("refs") or []],
                    "params": dict(crit.get("params") or {}),
                    "source_row": crit.get("xlsx_row"),
                }
            )
    content = {
        "edition": edition,
        "categories": _categories(data),
        "subcategories": _subcategories(data),
        "items": items,
        "criteria": criteria,
    }
    return EditionData(content=canonicalise(content), status=status)


def _parse_per_level(data: dict[str, Any]) -> EditionData:
    """The interim schema: ★3 and ★4 items numbered per level, criteria only counted.

    Items become "★3-01" … and "★4-01" … (see interim_item_code); a ★4 entry identical to a ★3
    entry points to it (`identical_to`); the one-line summaries become `requirement_*`; all other
    facts of an entry (table rows, criteria counts, confidence, final_items, notes) go to `extra`.
    """
    edition, status = _edition_header(data)
    subcategory_rows = {str(s["id"]): s["rows"] for s in data["subcategories"] if "rows" in s}
    if subcategory_rows:
        edition["source"]["subcategory_rows"] = subcategory_rows
    items: list[Content] = []
    for level_code, key, stars in INTERIM_LEVELS:
        for entry in data[key]:
            identical = entry.get("identical_to_star3")
            items.append(
                {
                    "code": interim_item_code(stars, int(entry["number"])),
                    "subcategory": str(entry["subcategory"]),
                    "levels": [level_code],
                    "title_ja": str(entry["title_ja"]),
                    "title_en": str(entry["title_en"]),
                    "requirement_ja": str(entry.get("summary_ja") or ""),
                    "requirement_en": str(entry.get("summary_en") or ""),
                    "identical_to": interim_item_code(3, int(identical)) if identical else None,
                    "extra": {k: v for k, v in entry.items() if k not in _INTERIM_COLUMNS},
                }
            )
    content = {
        "edition": edition,
        "categories": _categories(data),
        "subcategories": _subcategories(data),
        "items": items,
        "criteria": [],
    }
    return EditionData(content=canonicalise(content), status=status)


def content_problems(content: Content) -> list[str]:
    """Referential checks on canonical content: unique codes and links that resolve."""
    problems: list[str] = []

    def unique(kind: str, rows: list[Content]) -> set[str]:
        seen: set[str] = set()
        for row in rows:
            if row["code"] in seen:
                problems.append(
                    _("Duplicate %(kind)s code %(code)s.") % {"kind": kind, "code": row["code"]}
                )
            seen.add(row["code"])
        return seen

    categories = unique(str(Category._meta.verbose_name), content["categories"])
    subcategories = unique(str(Subcategory._meta.verbose_name), content["subcategories"])
    items = unique(str(Item._meta.verbose_name), content["items"])
    unique(str(Criterion._meta.verbose_name), content["criteria"])
    for sub in content["subcategories"]:
        if sub["category"] not in categories:
            problems.append(
                _("Subcategory %(code)s names an unknown category %(target)s.")
                % {"code": sub["code"], "target": sub["category"]}
            )
    for item in content["items"]:
        if item["subcategory"] not in subcategories:
            problems.append(
                _("Item %(code)s names an unknown subcategory %(target)s.")
                % {"code": item["code"], "target": item["subcategory"]}
            )
        if item["identical_to"] is not None and item["identical_to"] not in items:
            problems.append(
                _("Item %(code)s is identical to an unknown item %(target)s.")
                % {"code": item["code"], "target": item["identical_to"]}
            )
        if not item["levels"]:
            problems.append(_("Item %(code)s applies at no level.") % {"code": item["code"]})
    for crit in content["criteria"]:
        if crit["item"] not in items:
            problems.append(
                _("Criterion %(code)s names an unknown item %(target)s.")
                % {"code": crit["code"], "target": crit["item"]}
            )
    return problems
