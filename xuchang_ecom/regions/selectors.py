from .models import PATH_SEPARATOR, Level, Region


def region_find(*, value: str) -> Region | None:
    """Find a division by its 12-digit statistical code or its name path.

    The path may start at the city or at the county (``许昌市/长葛市/佛耳湖镇/岗李村`` or
    ``长葛市/佛耳湖镇/岗李村``); surrounding spaces and a trailing slash are ignored.
    Returns None when nothing matches: callers decide whether that is an error.
    """
    value = (value or "").strip().strip(PATH_SEPARATOR)
    if not value:
        return None
    if value.isdigit():
        return Region.objects.filter(code=value).first()
    parts = [part.strip() for part in value.split(PATH_SEPARATOR) if part.strip()]
    path = PATH_SEPARATOR.join(parts) + PATH_SEPARATOR
    city = Region.objects.filter(level=Level.CITY).only("path").first()
    candidates = [path]
    if city and not path.startswith(city.path):
        candidates.append(city.path + path)
    return Region.objects.filter(path__in=candidates).order_by("-level").first()
