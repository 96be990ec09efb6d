import pytest
from django.core.exceptions import ValidationError

from villages.codes import Level, level_of, normalise, validate_code


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("419900000000", Level.CITY),
        ("419921000000", Level.COUNTY),
        ("419921100000", Level.TOWNSHIP),
        ("419921100201", Level.VILLAGE),
        ("410000000000", Level.PROVINCE),
        ("419000000000", Level.CITY),  # 省直辖县级行政区划: a city-level entry of its own
        ("419001000000", Level.COUNTY),  # 济源市, a county-level city under it
        ("410171000000", Level.COUNTY),  # a development zone
        ("000000000000", None),
        ("41992110020", None),
        ("41992110020x", None),
    ],
)
def test_the_level_is_read_from_the_code(code, level):
    assert level_of(code) == level


def test_a_code_must_have_twelve_digits():
    with pytest.raises(ValidationError, match="必须是12位数字"):
        validate_code("4199211002", level=Level.VILLAGE)


def test_a_township_code_must_end_in_three_zeros():
    with pytest.raises(ValidationError, match="不是乡镇"):
        validate_code("419921100201", level=Level.TOWNSHIP)


def test_a_township_code_must_extend_its_county():
    with pytest.raises(ValidationError, match="前6位应为419921"):
        validate_code("419922100000", level=Level.TOWNSHIP, parent_code="419921000000")


def test_a_village_code_must_extend_its_township():
    validate_code("419921100201", level=Level.VILLAGE, parent_code="419921100000")
    with pytest.raises(ValidationError, match="前9位应为419921100"):
        validate_code("419921101201", level=Level.VILLAGE, parent_code="419921100000")


def test_codes_typed_into_excel_as_numbers_are_normalised():
    assert normalise(419921100201.0) == "419921100201"
    assert normalise(" 419921100201 ") == "419921100201"


@pytest.mark.django_db
def test_the_database_refuses_a_malformed_village_code(world):
    from django.db import IntegrityError, transaction

    from villages.models import Village

    with pytest.raises(IntegrityError), transaction.atomic():
        Village.objects.create(code="419921100000", name="坏", township=world.town1, kind="rural")


@pytest.mark.django_db
def test_model_validation_names_the_parent_mismatch(world):
    from villages.models import Village

    village = Village(code="419921101299", name="错村", township=world.town1, kind="rural")
    with pytest.raises(ValidationError, match="不属于上级"):
        village.full_clean()
