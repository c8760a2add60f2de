"""Spreadsheet import and export of the registry, validated and written by its services."""
from xuchang_ecom.records.importexport.columns import region_code_column
from xuchang_ecom.records.importexport.resources import Resource

from . import services
from .models import Designation, Honour


class DesignationResource(Resource):
    """One row per designation; (place, kind, year) identifies it, so re-importing updates."""

    place_code = region_code_column("place")

    class Meta:
        model = Designation
        fields = (
            "place", "place_code", "kind", "year", "source", "main_products", "online_shops",
            "online_sales", "local_model", "note",
        )
        import_id_fields = ("place", "kind", "year")
        widgets = {"source": {"field": "title"}}
        name = Designation._meta.verbose_name_plural

    def check_instance(self, instance: Designation) -> None:
        services.designation_check(user=self.user, designation=instance)

    def create(self, instance: Designation) -> Designation:
        return services.designation_create(
            user=self.user, **self.values(instance, services.DESIGNATION_FIELDS)
        )

    def update(self, instance: Designation) -> Designation:
        return services.designation_update(
            user=self.user, designation=instance,
            data=self.values(instance, services.DESIGNATION_FIELDS),
        )


class HonourResource(Resource):
    """One row per honour; (place, year, honour) identifies it."""

    place_code = region_code_column("place")

    class Meta:
        model = Honour
        fields = ("place", "place_code", "year", "title", "source")
        import_id_fields = ("place", "year", "title")
        widgets = {"source": {"field": "title"}}
        name = Honour._meta.verbose_name_plural

    def create(self, instance: Honour) -> Honour:
        return services.honour_create(
            user=self.user, **self.values(instance, ("place", "year", "title", "source"))
        )

    def update(self, instance: Honour) -> Honour:
        return services.honour_update(
            user=self.user, honour=instance, data=self.values(instance, ("source",))
        )
