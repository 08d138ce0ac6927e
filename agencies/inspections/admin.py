"""Read-only admin of inspections: officers order checks and record results on their
review page; administrators and auditors read them here."""

from django.contrib import admin

from singlewindow.readonly_admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Inspection, InspectionAppointment


class InspectionInline(ReadOnlyInline):
    model = Inspection
    fields = ["task", "kind", "sample", "result", "laboratory_result", "result_at"]


@admin.register(InspectionAppointment)
class InspectionAppointmentAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "place", "starts_at", "ends_at"]
    search_fields = ["declaration__mrn", "declaration__lrn", "place"]
    date_hierarchy = "starts_at"
    inlines = [InspectionInline]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["task", "kind", "sample", "result", "laboratory_result", "ordered_at"]
    list_filter = ["kind", "result", "laboratory_result", "task__agency"]
    search_fields = ["task__declaration__mrn", "task__declaration__lrn"]
    list_select_related = ["task__agency", "task__declaration"]
