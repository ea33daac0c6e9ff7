"""Factories for the requirement catalogue.

Related objects are kept consistent: a criterion's item, a subcategory's category and an item's
subcategory all belong to the same edition. Levels are looked up by their star count and created
only when missing (`get_or_create`), so tests can mix factories with the loaded catalogue.

    edition = EditionFactory(status=Edition.Status.PUBLISHED)
    item = ItemFactory(subcategory__category__edition=edition, levels=[star3, star4])
    CriterionFactory(item=item, level=star3)
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import factory
from django.db import transaction
from factory.django import DjangoModelFactory

from scheme.models import (
    Category,
    Criterion,
    Edition,
    Item,
    ItemCorrespondence,
    Level,
    Subcategory,
)
from scheme.services import CatalogueLoadReport, catalogue_load_all

_LEVEL_NAMES = {
    3: ("ベーシック", "Basic", 12),
    4: ("スタンダード", "Standard", 36),
    5: ("★5", "Star 5", None),
}


class LevelFactory(DjangoModelFactory[Level]):
    """A star level; `LevelFactory(stars=3)` returns the existing ★3 row when there is one."""

    class Meta:
        model = Level
        django_get_or_create = ("stars",)

    stars = 3
    code = factory.LazyAttribute(lambda o: f"star{o.stars}")
    name_ja = factory.LazyAttribute(lambda o: _LEVEL_NAMES.get(o.stars, (f"★{o.stars}",))[0])
    name_en = factory.LazyAttribute(lambda o: _LEVEL_NAMES.get(o.stars, ("", f"Star {o.stars}"))[1])
    description_ja = ""
    description_en = ""
    validity_months = factory.LazyAttribute(lambda o: _LEVEL_NAMES.get(o.stars, ("", "", None))[2])


class EditionFactory(DjangoModelFactory[Edition]):
    """A catalogue edition (draft unless told otherwise)."""

    class Meta:
        model = Edition
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-edition-{n}")
    title_ja = factory.Sequence(lambda n: f"テスト版 {n}")
    title_en = factory.Sequence(lambda n: f"Test edition {n}")
    status = Edition.Status.DRAFT
    published_on = None
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    supersedes = None
    notice_ja = ""
    notice_en = ""
    source = factory.LazyFunction(dict)

    class Params:
        published = factory.Trait(
            status=Edition.Status.PUBLISHED,
            published_on=factory.Faker("date_object"),
        )
        retired = factory.Trait(status=Edition.Status.RETIRED)


class CategoryFactory(DjangoModelFactory[Category]):
    """大分類 of an edition."""

    class Meta:
        model = Category

    edition = factory.SubFactory(EditionFactory)
    position = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda o: str(o.position))
    name_ja = factory.Sequence(lambda n: f"大分類{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    csf_function = "PR"


class SubcategoryFactory(DjangoModelFactory[Subcategory]):
    """中分類 inside a category (same edition as the category)."""

    class Meta:
        model = Subcategory

    category = factory.SubFactory(CategoryFactory)
    edition = factory.SelfAttribute("category.edition")
    position = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda o: f"{o.category.code}-{o.position}")
    name_ja = factory.Sequence(lambda n: f"中分類{n}")
    name_en = factory.Sequence(lambda n: f"Subcategory {n}")
    csf_function = factory.SelfAttribute("category.csf_function")
    csf_category = ""


class ItemFactory(DjangoModelFactory[Item]):
    """要求事項 inside a subcategory; pass `levels=[...]` (default: ★3 and ★4)."""

    class Meta:
        model = Item
        skip_postgeneration_save = True

    subcategory = factory.SubFactory(SubcategoryFactory)
    edition = factory.SelfAttribute("subcategory.edition")
    position = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda o: f"{o.subcategory.code}-{o.position}")
    title_ja = factory.Sequence(lambda n: f"要求事項{n}")
    title_en = factory.Sequence(lambda n: f"Requirement {n}")
    requirement_ja = ""
    requirement_en = ""
    identical_to = None
    extra = factory.LazyFunction(dict)

    @factory.post_generation
    def levels(self, create: bool, extracted: Iterable[Level] | None, **kwargs: Any) -> None:
        if not create:
            return
        if extracted is None:
            extracted = [LevelFactory.create(stars=3), LevelFactory.create(stars=4)]
        self.levels.set(list(extracted))


class CriterionFactory(DjangoModelFactory[Criterion]):
    """評価基準 of an item (same edition as the item), ★3-tagged unless told otherwise."""

    class Meta:
        model = Criterion

    item = factory.SubFactory(ItemFactory)
    edition = factory.SelfAttribute("item.edition")
    position = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda o: f"{o.item.code}-{o.position}")
    level = factory.LazyFunction(lambda: LevelFactory.create(stars=3))
    csf_function = factory.SelfAttribute("item.subcategory.csf_function")
    statement_ja = factory.Sequence(lambda n: f"評価基準の文{n}")
    statement_en = factory.Sequence(lambda n: f"Criterion statement {n}")
    details_ja = factory.LazyFunction(list)
    details_en = factory.LazyFunction(list)
    guidance_ja = ""
    guidance_en = ""
    refs = factory.LazyFunction(list)
    params = factory.LazyFunction(dict)
    source_row = None


class ItemCorrespondenceFactory(DjangoModelFactory[ItemCorrespondence]):
    """A mapping from an item of an older edition to an item of a newer one."""

    class Meta:
        model = ItemCorrespondence

    from_item = factory.SubFactory(ItemFactory)
    to_item = factory.SubFactory(ItemFactory)
    confidence = ItemCorrespondence.Confidence.HIGH
    note_ja = ""
    note_en = ""


@contextmanager
def catalogue_loaded(django_db_blocker: Any) -> Iterator[CatalogueLoadReport]:
    """The shipped catalogue (levels and both editions), loaded inside a transaction that is rolled
    back at the end, for module-scoped fixtures (a load takes about half a second):

        @pytest.fixture(scope="module")
        def catalogue(django_db_setup, django_db_blocker):
            with catalogue_loaded(django_db_blocker) as report:
                yield report

    Tests of the module use the `db` fixture as usual; their changes are rolled back to the
    loaded state after each test, and nothing is left in the database after the module.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        report = catalogue_load_all()
        yield report
        transaction.set_rollback(True)
