from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plantrack.accounts.models import User
from plantrack.directory import services
from plantrack.directory.areas_csv import read_areas_csv
from plantrack.directory.models import Area

pytestmark = pytest.mark.django_db

CSV = (
    "Name,Level,Code,ONS code,Parent\n"
    "Metropolitan Police District,force,,,\n"
    "Barnet,borough,SX,E09000003,Metropolitan Police District\n"
    "Burnt Oak,ward,,E05013628,E09000003\n"
    "Brent,BOCU,QK,E09000005,Metropolitan Police District\n"
)


@pytest.fixture
def admin(db):
    return User.objects.create_superuser("admin", password="pw")


def _upload(text: str, name: str = "areas.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"))


def test_import_builds_the_tree_with_paths(admin):
    added, changed = services.areas_import(actor=admin, rows=read_areas_csv(_upload(CSV)))
    assert (added, changed) == (4, 0)
    ward = Area.objects.get(name="Burnt Oak")
    barnet = Area.objects.get(code="SX")
    force = Area.objects.get(level="force")
    assert ward.parent == barnet and ward.path == f"/{force.pk}/{barnet.pk}/{ward.pk}/"
    assert Area.objects.get(name="Brent").level == "borough"
    # Again: corrections, nothing added.
    fixed = CSV.replace("Burnt Oak,ward", "Burnt Oak North,ward")
    assert services.areas_import(actor=admin, rows=read_areas_csv(_upload(fixed))) == (0, 4)
    assert Area.objects.filter(name="Burnt Oak North").exists()


def test_a_bad_line_saves_nothing_and_names_the_line(admin):
    bad = CSV + "Nowhere,ward,,,Atlantis\n"
    with pytest.raises(ValidationError) as exc:
        services.areas_import(actor=admin, rows=read_areas_csv(_upload(bad)))
    assert "Line 6" in str(exc.value) and "Atlantis" in str(exc.value)
    assert not Area.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("a,b\n1,2\n", "name and level"),
        ("name,level\n", "no areas"),
    ],
)
def test_unreadable_files(text, message):
    with pytest.raises(ValidationError) as exc:
        read_areas_csv(_upload(text))
    assert message in str(exc.value)


def test_binary_file_refused():
    with pytest.raises(ValidationError):
        read_areas_csv(SimpleUploadedFile("x.csv", b"\x00\x01PK\x03\x04"))


def test_levels_nest_downwards_and_moving_carries_the_subtree(admin):
    force = services.area_create(actor=admin, name="Force", level="force")
    a = services.area_create(actor=admin, name="A", level="borough", parent=force)
    b = services.area_create(actor=admin, name="B", level="borough", parent=force)
    ward = services.area_create(actor=admin, name="W", level="ward", parent=a)
    with pytest.raises(ValidationError):
        services.area_create(actor=admin, name="X", level="borough", parent=ward)
    with pytest.raises(ValidationError):
        services.area_create(actor=admin, name="W", level="ward", parent=a)
    other = services.area_create(actor=admin, name="Other force", level="force")
    services.area_update(actor=admin, area=a, parent=other)
    ward.refresh_from_db()
    assert ward.path.startswith(other.path) and not ward.path.startswith(force.path)
    assert b.path.startswith(force.path)


def test_who_may_add_and_edit(world, admin):
    force = services.area_create(actor=admin, name="Force", level="force", organisation=world.force)
    with pytest.raises(PermissionDenied):
        services.area_create(actor=world.manager, name="Another force", level="force")
    borough = services.area_create(actor=world.manager, name="B", level="borough", parent=force)
    assert borough.organisation == world.force
    for outsider in (world.outsider, world.viewer):
        with pytest.raises(PermissionDenied):
            services.area_update(actor=outsider, area=borough, code="ZZ")
        with pytest.raises(PermissionDenied):
            services.area_create(actor=outsider, name="W", level="ward", parent=borough)


def test_area_pages(client, world, admin):
    force = services.area_create(actor=admin, name="Force", level="force", organisation=world.force)
    borough = services.area_create(
        actor=admin, name="Barnet", level="borough", parent=force, code="SX"
    )
    client.force_login(world.manager)
    html = client.get(reverse("directory:areas")).content.decode()
    assert "Force" in html and "Add a force area" not in html
    html = client.get(reverse("directory:area", args=[borough.pk])).content.decode()
    assert ">SX<" in html and "Add a ward inside it" in html
    response = client.post(
        reverse("directory:areas_import"),
        {"file": _upload("name,level,parent\nHendon,ward,SX\n")},
    )
    assert response.status_code == 302
    assert Area.objects.get(name="Hendon").parent == borough
    response = client.post(
        reverse("directory:areas_import"), {"file": _upload("name,level,parent\nX,ward,Nope\n")}
    )
    assert response.status_code == 200 and "Line 2" in response.content.decode()
    client.force_login(world.outsider)
    assert client.get(reverse("directory:area_edit", args=[borough.pk])).status_code == 403
