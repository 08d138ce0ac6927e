"""The REST API, mounted under ``/api/v1/`` (namespace ``api``).

Declarations for traders live in ``declarations.api.declarations``; review tasks for
officers, inspections, the clearance status and the trader's answer to an information
request in ``agencies.api``. The OpenAPI
schema is at ``/api/schema/`` and its Swagger UI at ``/api/docs/`` (see ``singlewindow.urls``).
"""

from django.urls import path, re_path

from agencies.api import amendments as amendments_api
from agencies.api import disclaimed as disclaimed_api
from agencies.api import inspections as inspections_api
from agencies.api import messages as messages_api
from agencies.api import reviews as reviews_api
from agencies.api import risk as risk_api
from agencies.api import routing as routing_api
from agencies.api import trader as trader_api
from declarations.api import auth as auth_api
from declarations.api import declarations as declarations_api
from declarations.documents import api as documents_api
from declarations.notifications import api as notifications_api
from singlewindow.accounts import api as accounts_api

app_name = "api"

urlpatterns = [
    path("auth/token/", accounts_api.AuthTokenView.as_view(), name="auth-token"),
    path("auth/tokens/", accounts_api.TokenCollectionView.as_view(), name="token-list"),
    path("auth/tokens/<int:pk>/", accounts_api.TokenDetailView.as_view(), name="token-detail"),
    path(
        "declarations/",
        # The declarations list, and what is posted to it: an original, an amendment or a
        # cancellation by function code (the latter two are the agencies' services).
        messages_api.DeclarationMessageView.as_view(),
        name="declaration-list",
    ),
    path(
        "declarations/drafts/",
        declarations_api.DraftCollectionView.as_view(),
        name="declaration-drafts",
    ),
    path(
        "declarations/<int:pk>/",
        declarations_api.DeclarationDetailView.as_view(),
        name="declaration-detail",
    ),
    path(
        "declarations/<int:pk>/submit/",
        declarations_api.DraftSubmitView.as_view(),
        name="declaration-submit",
    ),
    path(
        "declarations/<int:pk>/status/",
        trader_api.DeclarationStatusView.as_view(),
        name="declaration-status",
    ),
    path(
        "declarations/<int:pk>/response/",
        trader_api.DeclarationResponseView.as_view(),
        name="declaration-response",
    ),
    path(
        "declarations/<int:pk>/cancel/",
        trader_api.DeclarationCancelView.as_view(),
        name="declaration-cancel",
    ),
    path(
        "declarations/<int:pk>/amendments/",
        amendments_api.DeclarationAmendmentView.as_view(),
        name="declaration-amendments",
    ),
    path(
        "declarations/<int:pk>/versions/",
        amendments_api.DeclarationVersionsView.as_view(),
        name="declaration-versions",
    ),
    path(
        "declarations/<int:pk>/copy/",
        declarations_api.DeclarationCopyView.as_view(),
        name="declaration-copy",
    ),
    path(
        "declarations/<int:pk>/documents/",
        documents_api.DocumentCollectionView.as_view(),
        name="declaration-documents",
    ),
    path(
        "documents/<int:pk>/file/", documents_api.DocumentFileView.as_view(), name="document-file"
    ),
    path("reviews/", reviews_api.ReviewCollectionView.as_view(), name="review-list"),
    path("reviews/next/", reviews_api.ReviewNextView.as_view(), name="review-next"),
    path("reviews/<int:pk>/", reviews_api.ReviewDetailView.as_view(), name="review-detail"),
    path(
        "reviews/<int:pk>/decision/",
        reviews_api.ReviewDecisionView.as_view(),
        name="review-decision",
    ),
    path("reviews/<int:pk>/claim/", reviews_api.ReviewClaimView.as_view(), name="review-claim"),
    path(
        "reviews/<int:pk>/release/",
        reviews_api.ReviewReleaseView.as_view(),
        name="review-release",
    ),
    path("reviews/<int:pk>/assign/", reviews_api.ReviewAssignView.as_view(), name="review-assign"),
    path(
        "reviews/<int:pk>/inspections/",
        inspections_api.InspectionOrderView.as_view(),
        name="review-inspections",
    ),
    path("reviews/<int:pk>/lane/", risk_api.LaneOverrideView.as_view(), name="review-lane"),
    path(
        "inspections/<int:pk>/result/",
        inspections_api.InspectionResultView.as_view(),
        name="inspection-result",
    ),
    path("disclaimed/", disclaimed_api.DisclaimedCollectionView.as_view(), name="disclaimed-list"),
    path(
        "disclaimed/<int:pk>/",
        disclaimed_api.DisclaimedDetailView.as_view(),
        name="disclaimed-detail",
    ),
    path(
        "disclaimed/<int:pk>/call-in/",
        disclaimed_api.DisclaimedCallInView.as_view(),
        name="disclaimed-call-in",
    ),
    path("requirements/", routing_api.RequirementsView.as_view(), name="requirements"),
    path("hs/", routing_api.HsSearchView.as_view(), name="hs-search"),
    path("routing-rules/", routing_api.RoutingRuleListView.as_view(), name="routing-rules"),
    path(
        "notifications/",
        notifications_api.NotificationListView.as_view(),
        name="notification-list",
    ),
    path(
        "company/webhook/",
        notifications_api.CompanyWebhookView.as_view(),
        name="company-webhook",
    ),
    path("risk-profiles/", risk_api.RiskProfileListView.as_view(), name="risk-profiles"),
    # Anything else under the API: a 404 in the API's error shape, not an HTML page.
    # [\s\S], not ".": a path holding a newline is no exception.
    re_path(r"^[\s\S]*$", auth_api.api_not_found, name="not-found"),
]
