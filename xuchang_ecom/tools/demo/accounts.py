"""Demo accounts, one per role, with the password from DEMO_PASSWORD."""
import os

from xuchang_ecom.accounts.models import Organisation, Role, User
from xuchang_ecom.accounts.services import organisation_create, user_create
from xuchang_ecom.regions.models import Region

DEFAULT_DEMO_PASSWORD = "xuchang-demo-2020"

# Two organisations the report names (their codes are not public, so none is invented).
ORGANISATIONS = {
    "enterprise_a": ("长葛市豫晨庄园", "许昌市/长葛市/大周镇/"),
    "enterprise_b": ("长葛市石象镇学杰农业合作社", "许昌市/长葛市/石象镇/"),
}
ACCOUNTS = [
    ("city_admin", Role.CITY_STAFF, None),
    ("county_changge", Role.COUNTY_STAFF, "许昌市/长葛市/"),
    ("county_yuzhou", Role.COUNTY_STAFF, "许昌市/禹州市/"),
    ("enterprise_a", Role.REPORTER, None),
    ("enterprise_b", Role.REPORTER, None),
]


def load() -> list[str]:
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    lines = []
    for username, role, region_path in ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        organisation = None
        if role == Role.REPORTER:
            name, org_region = ORGANISATIONS[username]
            organisation = Organisation.objects.filter(name=name).first() or organisation_create(
                name=name, region=Region.objects.get(path=org_region)
            )
        region = Region.objects.get(path=region_path) if region_path else None
        user_create(username=username, password=password, role=role, region=region,
                    organisation=organisation)
        lines.append(f"account {username} ({role})")
    return lines


def city_account() -> User:
    return User.objects.get(username=ACCOUNTS[0][0])
