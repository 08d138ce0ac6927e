"""The access matrix: every URL pattern of the portal, the API and the admin (walked from the
URL resolver) crossed with every role, against the one table ``EXPECTED`` below.

A URL pattern without a row fails the test, so a new page or endpoint cannot ship without
someone deciding who may reach it. Each row is the status a ``GET`` answers, per role in
the order of ``ROLES``: 200 allowed, 302 sent to sign in (or to the role's own page), 401
API without credentials, 403 refused, 404 not found for that role (another company's
declaration, another agency's review), 405 allowed but the URL takes POST only.

The objects in the URLs: company A's routed declaration (coffee: customs and plant health
review it, the medicines agency does not), the customs review of it, a token of trader A,
and the first row of each admin model. Officer X is customs, officer Y the medicines agency;
supervisor X a customs officer with ``is_supervisor`` (its extra right, reassigning, is a POST);
the broker one that company A authorised, which has lodged nothing for A yet.

Officer Y's agency was disclaimed a goods item of another declaration of company A (the
``disclaimed/<pk>`` URLs), which customs reviews anyway.

To add rows for new URLs: ``ACCESS_MATRIX_PRINT=1 pytest tests/test_access_matrix.py -s``
prints what each role gets today; check every value before copying it into the table.
"""

import os
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.inspections.services import inspection_order
from agencies.models import Agency, Officer, RoutingRule, RoutingRuleChange
from agencies.rates.models import ExchangeRate, ExchangeRateChange
from agencies.risk.models import RiskProfile, RiskProfileChange
from declarations.brokers.models import BrokerAuthorisation
from declarations.documents.services import DocumentFacts, document_attach
from declarations.models import Declaration, Trader
from singlewindow.accounts import roles
from singlewindow.accounts.models import AccessEvent, AccessEventKind
from singlewindow.accounts.services import token_create
from tests.conftest import COFFEE, MakeDeclaration, review_of
from tests.disclaimed import lodge_disclaimed, medicines_may_be_required
from tests.factories import VALID_DOCUMENT, CompanyFactory, TraderFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "trader_a",
    "trader_b",
    "broker",
    "officer_x",
    "officer_y",
    "supervisor_x",
    "rules_editor",
    "agency_supervisor",
    "user_administrator",
    "auditor",
)
ADMIN_GROUPS = {
    "rules_editor": roles.ROUTING_EDITOR,
    "agency_supervisor": roles.AGENCY_SUPERVISOR,
    "user_administrator": roles.USER_ADMINISTRATOR,
    "auditor": roles.AUDITOR,
}

# fmt: off
# URL pattern -> status per role:
#   anon  tr_A tr_B  brkr off_X off_Y sup_X  rules super users audit
EXPECTED: dict[str, str] = {
    'admin/': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/login/': '200 200 200 200 200 200 200 302 302 302 302',
    'admin/logout/': '302 302 302 302 302 302 302 405 405 405 405',
    'admin/password_change/': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/password_change/done/': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/autocomplete/': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/jsi18n/': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/r/<path:content_type_id>/<path:object_id>/': '302 302 302 302 302 302 302 404 404 404 404',
    'admin/auth/group/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/auth/group/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/auth/group/<path:object_id>/history/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/auth/group/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/auth/group/<path:object_id>/change/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/auth/group/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/declarations/company/': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/declarations/company/add/': '302 302 302 302 302 302 302 403 403 200 403',
    'admin/declarations/company/<path:object_id>/history/': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/declarations/company/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/declarations/company/<path:object_id>/change/': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/declarations/company/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/declarations/trader/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/declarations/trader/add/': '302 302 302 302 302 302 302 403 403 200 403',
    'admin/declarations/trader/<path:object_id>/history/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/declarations/trader/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/declarations/trader/<path:object_id>/change/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/declarations/trader/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/declarations/declaration/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/declarations/declaration/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/declarations/declaration/<path:object_id>/history/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/declarations/declaration/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/declarations/declaration/<path:object_id>/change/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/declarations/declaration/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/declarations/routingoutbox/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/declarations/routingoutbox/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/declarations/routingoutbox/<path:object_id>/history/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/declarations/routingoutbox/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/declarations/routingoutbox/<path:object_id>/change/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/declarations/routingoutbox/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/agencies/agency/': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/agencies/agency/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/agencies/agency/<path:object_id>/history/': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/agencies/agency/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/agencies/agency/<path:object_id>/change/': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/agencies/agency/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/agencies/officer/': '302 302 302 302 302 302 302 403 200 200 200',
    'admin/agencies/officer/add/': '302 302 302 302 302 302 302 403 200 200 403',
    'admin/agencies/officer/<path:object_id>/history/': '302 302 302 302 302 302 302 403 200 200 200',
    'admin/agencies/officer/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/agencies/officer/<path:object_id>/change/': '302 302 302 302 302 302 302 403 200 200 200',
    'admin/agencies/officer/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/agencies/routingrule/<path:object_id>/preview/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/agencies/routingrule/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/agencies/routingrule/add/': '302 302 302 302 302 302 302 200 403 403 403',
    'admin/agencies/routingrule/<path:object_id>/history/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/agencies/routingrule/<path:object_id>/delete/': '302 302 302 302 302 302 302 200 403 403 403',
    'admin/agencies/routingrule/<path:object_id>/change/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/agencies/routingrule/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/agencies/routingrulechange/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/agencies/routingrulechange/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/agencies/routingrulechange/<path:object_id>/history/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/agencies/routingrulechange/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/agencies/routingrulechange/<path:object_id>/change/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/agencies/routingrulechange/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/agencies/reviewtask/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/agencies/reviewtask/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/agencies/reviewtask/<path:object_id>/history/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/agencies/reviewtask/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/agencies/reviewtask/<path:object_id>/change/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/agencies/reviewtask/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/inspections/inspectionappointment/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/inspections/inspectionappointment/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/inspections/inspectionappointment/<path:object_id>/history/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/inspections/inspectionappointment/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/inspections/inspectionappointment/<path:object_id>/change/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/inspections/inspectionappointment/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/inspections/inspection/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/inspections/inspection/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/inspections/inspection/<path:object_id>/history/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/inspections/inspection/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/inspections/inspection/<path:object_id>/change/': '302 302 302 302 302 302 302 403 200 403 200',
    'admin/inspections/inspection/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/brokers/brokerauthorisation/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/brokers/brokerauthorisation/add/': '302 302 302 302 302 302 302 403 403 200 403',
    'admin/brokers/brokerauthorisation/<path:object_id>/history/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/brokers/brokerauthorisation/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/brokers/brokerauthorisation/<path:object_id>/change/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/brokers/brokerauthorisation/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/risk/riskprofile/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/risk/riskprofile/add/': '302 302 302 302 302 302 302 200 403 403 403',
    'admin/risk/riskprofile/<path:object_id>/history/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/risk/riskprofile/<path:object_id>/delete/': '302 302 302 302 302 302 302 200 403 403 403',
    'admin/risk/riskprofile/<path:object_id>/change/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/risk/riskprofile/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/risk/riskprofilechange/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/risk/riskprofilechange/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/risk/riskprofilechange/<path:object_id>/history/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/risk/riskprofilechange/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/risk/riskprofilechange/<path:object_id>/change/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/risk/riskprofilechange/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/risk/laneassignment/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/risk/laneassignment/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/risk/laneassignment/<path:object_id>/history/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/risk/laneassignment/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/risk/laneassignment/<path:object_id>/change/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/risk/laneassignment/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/rates/exchangerate/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/rates/exchangerate/add/': '302 302 302 302 302 302 302 200 403 403 403',
    'admin/rates/exchangerate/<path:object_id>/history/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/rates/exchangerate/<path:object_id>/delete/': '302 302 302 302 302 302 302 200 403 403 403',
    'admin/rates/exchangerate/<path:object_id>/change/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/rates/exchangerate/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/rates/exchangeratechange/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/rates/exchangeratechange/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/rates/exchangeratechange/<path:object_id>/history/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/rates/exchangeratechange/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/rates/exchangeratechange/<path:object_id>/change/': '302 302 302 302 302 302 302 200 200 403 200',
    'admin/rates/exchangeratechange/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/axes/accessattempt/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/axes/accessattempt/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/axes/accessattempt/<path:object_id>/history/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/axes/accessattempt/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 200 403',
    'admin/axes/accessattempt/<path:object_id>/change/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/axes/accessattempt/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/axes/accesslog/': '302 302 302 302 302 302 302 403 403 403 200',
    'admin/axes/accesslog/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/axes/accesslog/<path:object_id>/history/': '302 302 302 302 302 302 302 403 403 403 200',
    'admin/axes/accesslog/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/axes/accesslog/<path:object_id>/change/': '302 302 302 302 302 302 302 403 403 403 200',
    'admin/axes/accesslog/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/axes/accessfailurelog/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/axes/accessfailurelog/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/axes/accessfailurelog/<path:object_id>/history/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/axes/accessfailurelog/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/axes/accessfailurelog/<path:object_id>/change/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/axes/accessfailurelog/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/accounts/accessevent/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/accounts/accessevent/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/accounts/accessevent/<path:object_id>/history/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/accounts/accessevent/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/accounts/accessevent/<path:object_id>/change/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/accounts/accessevent/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/accounts/apitoken/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/accounts/apitoken/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/accounts/apitoken/<path:object_id>/history/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/accounts/apitoken/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/accounts/apitoken/<path:object_id>/change/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/accounts/apitoken/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/auth/user/<id>/password/': '302 302 302 302 302 302 302 403 403 200 403',
    'admin/auth/user/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/auth/user/add/': '302 302 302 302 302 302 302 403 403 200 403',
    'admin/auth/user/<path:object_id>/history/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/auth/user/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/auth/user/<path:object_id>/change/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/auth/user/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/otp_totp/totpdevice/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/otp_totp/totpdevice/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/otp_totp/totpdevice/<path:object_id>/history/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/otp_totp/totpdevice/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 200 403',
    'admin/otp_totp/totpdevice/<path:object_id>/change/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/otp_totp/totpdevice/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/otp_static/staticdevice/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/otp_static/staticdevice/add/': '302 302 302 302 302 302 302 403 403 403 403',
    'admin/otp_static/staticdevice/<path:object_id>/history/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/otp_static/staticdevice/<path:object_id>/delete/': '302 302 302 302 302 302 302 403 403 200 403',
    'admin/otp_static/staticdevice/<path:object_id>/change/': '302 302 302 302 302 302 302 403 403 200 200',
    'admin/otp_static/staticdevice/<path:object_id>/': '302 302 302 302 302 302 302 302 302 302 302',
    'admin/^(?P<app_label>auth|declarations|agencies|inspections|brokers|risk|rates|axes|accounts|otp_totp|otp_static)/$': '302 302 302 302 302 302 302 200 200 200 200',
    'admin/(?P<url>.*)$': '302 302 302 302 302 302 302 404 404 404 404',
    'accounts/login/': '200 200 200 200 200 200 200 200 200 200 200',
    'accounts/logout/': '405 405 405 405 405 405 405 405 405 405 405',
    'accounts/password_change/': '302 200 200 200 200 200 200 200 200 200 200',
    'accounts/password_change/done/': '302 200 200 200 200 200 200 200 200 200 200',
    'accounts/two-factor/': '302 200 200 200 200 200 200 200 200 200 200',
    'accounts/two-factor/setup/': '302 200 200 200 200 200 200 200 200 200 200',
    'accounts/security/': '302 200 200 200 200 200 200 200 200 200 200',
    'accounts/security/recovery-codes/': '302 405 405 405 405 405 405 405 405 405 405',
    'accounts/security/sign-out-everywhere/': '302 405 405 405 405 405 405 405 405 405 405',
    'accounts/security/tokens/<int:pk>/revoke/': '302 405 405 405 405 405 405 405 405 405 405',
    'i18n/setlang/': '302 302 302 302 302 302 302 302 302 302 302',
    'api/v1/auth/token/': '405 405 405 405 405 405 405 405 405 405 405',
    'api/v1/auth/tokens/': '401 200 200 200 200 200 200 200 200 200 200',
    'api/v1/auth/tokens/<int:pk>/': '401 405 405 405 405 405 405 405 405 405 405',
    'api/v1/declarations/': '401 200 200 200 403 403 403 403 403 403 403',
    'api/v1/declarations/drafts/': '401 405 405 405 403 403 403 403 403 403 403',
    'api/v1/declarations/<int:pk>/': '401 200 404 404 403 403 403 403 403 403 403',
    'api/v1/declarations/<int:pk>/submit/': '401 405 405 405 403 403 403 403 403 403 403',
    'api/v1/declarations/<int:pk>/status/': '401 200 404 404 403 403 403 403 403 403 403',
    'api/v1/declarations/<int:pk>/response/': '401 405 405 405 403 403 403 403 403 403 403',
    'api/v1/declarations/<int:pk>/cancel/': '401 405 405 405 403 403 403 403 403 403 403',
    'api/v1/declarations/<int:pk>/amendments/': '401 405 405 405 403 403 403 403 403 403 403',
    'api/v1/declarations/<int:pk>/versions/': '401 200 404 404 403 403 403 403 403 403 403',
    'api/v1/declarations/<int:pk>/copy/': '401 405 405 405 403 403 403 403 403 403 403',
    'api/v1/declarations/<int:pk>/documents/': '401 200 404 404 200 404 200 404 404 404 404',
    'api/v1/documents/<int:pk>/file/': '401 200 404 404 200 404 200 404 404 404 404',
    'api/v1/reviews/': '401 403 403 403 200 200 200 403 403 403 403',
    'api/v1/reviews/next/': '401 403 403 403 405 405 405 403 403 403 403',
    'api/v1/reviews/<int:pk>/': '401 403 403 403 200 404 200 403 403 403 403',
    'api/v1/reviews/<int:pk>/decision/': '401 403 403 403 405 405 405 403 403 403 403',
    'api/v1/reviews/<int:pk>/claim/': '401 403 403 403 405 405 405 403 403 403 403',
    'api/v1/reviews/<int:pk>/release/': '401 403 403 403 405 405 405 403 403 403 403',
    'api/v1/reviews/<int:pk>/assign/': '401 403 403 403 405 405 405 403 403 403 403',
    'api/v1/reviews/<int:pk>/inspections/': '401 403 403 403 405 405 405 403 403 403 403',
    'api/v1/reviews/<int:pk>/lane/': '401 403 403 403 405 405 405 403 403 403 403',
    'api/v1/inspections/<int:pk>/result/': '401 403 403 403 405 405 405 403 403 403 403',
    'api/v1/disclaimed/': '401 403 403 403 200 200 200 403 403 403 403',
    'api/v1/disclaimed/<int:pk>/': '401 403 403 403 404 200 404 403 403 403 403',
    'api/v1/disclaimed/<int:pk>/call-in/': '401 403 403 403 405 405 405 403 403 403 403',
    'api/v1/requirements/': '400 400 400 400 400 400 400 400 400 400 400',
    'api/v1/hs/': '400 400 400 400 400 400 400 400 400 400 400',
    'api/v1/routing-rules/': '401 403 403 403 200 200 200 403 403 403 403',
    'api/v1/notifications/': '401 200 200 200 200 200 200 403 403 403 403',
    'api/v1/company/webhook/': '401 200 200 200 403 403 403 403 403 403 403',
    'api/v1/risk-profiles/': '401 403 403 403 200 200 200 403 403 403 403',
    'api/v1/^[\\s\\S]*$': '404 404 404 404 404 404 404 404 404 404 404',
    'api/schema/': '200 200 200 200 200 200 200 200 200 200 200',
    'api/docs/': '200 200 200 200 200 200 200 200 200 200 200',
    'agency/': '302 403 403 403 200 200 200 403 403 403 403',
    'agency/next/': '302 403 403 403 302 302 302 403 403 403 403',
    'agency/decided/': '302 403 403 403 200 200 200 403 403 403 403',
    'agency/disclaimed/': '302 403 403 403 200 200 200 403 403 403 403',
    'agency/disclaimed/<int:pk>/': '302 403 403 403 404 200 404 403 403 403 403',
    'agency/reviews/<int:pk>/': '302 403 403 403 200 404 200 403 403 403 403',
    'agency/reviews/<int:pk>/claim/': '302 403 403 403 302 302 302 403 403 403 403',
    'agency/reviews/<int:pk>/release/': '302 403 403 403 302 302 302 403 403 403 403',
    'agency/reviews/<int:pk>/assign/': '302 403 403 403 302 302 302 403 403 403 403',
    'agency/reviews/<int:pk>/inspections/': '302 403 403 403 302 302 302 403 403 403 403',
    'agency/reviews/<int:pk>/lane/': '302 403 403 403 302 302 302 403 403 403 403',
    'agency/inspections/<int:pk>/result/': '302 403 403 403 302 302 302 403 403 403 403',
    'agency/declarations/<int:pk>/respond/': '302 302 302 302 302 302 302 302 302 302 302',
    'agency/declarations/<int:pk>/cancel/': '302 302 302 302 302 302 302 302 302 302 302',
    'agency/declarations/<int:pk>/amend/': '302 200 404 404 403 403 403 403 403 403 403',
    'requirements/': '200 200 200 200 200 200 200 200 200 200 200',
    '': '302 302 302 302 302 302 302 302 302 302 302',
    'declarations/': '302 200 200 200 403 403 403 403 403 403 403',
    'declarations/new/': '302 200 200 200 403 403 403 403 403 403 403',
    'declarations/upload/': '302 302 302 302 403 403 403 403 403 403 403',
    'declarations/<int:pk>/': '302 200 404 404 403 403 403 403 403 403 403',
    'declarations/<int:pk>/edit/': '302 302 404 404 403 403 403 403 403 403 403',
    'declarations/<int:pk>/xml/': '302 200 404 404 403 403 403 403 403 403 403',
    'declarations/<int:pk>/copy/': '302 302 302 302 403 403 403 403 403 403 403',
    'declarations/<int:pk>/live/': '302 200 404 404 403 403 403 403 403 403 403',
    'notifications/': '302 200 200 200 200 200 200 403 403 403 403',
    'notifications/unread/': '302 200 200 200 200 200 200 403 403 403 403',
    'notifications/read-all/': '302 302 302 302 302 302 302 302 302 302 302',
    'declarations/<int:pk>/documents/': '302 302 302 302 302 302 302 302 302 302 302',
    'documents/<int:pk>/': '302 200 404 404 200 404 200 404 404 404 404',
}
# fmt: on


def url_patterns() -> Iterator[str]:
    """Every URL pattern, as the route strings of its resolvers joined."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    yield from walk(get_resolver().url_patterns, "")


class World:
    """The objects the URLs point at."""

    def __init__(
        self, declaration: Declaration, review_pk: int, token_pk: int, inspection_pk: int
    ) -> None:
        self.declaration = declaration
        self.review_pk = review_pk
        self.token_pk = token_pk
        self.inspection_pk = inspection_pk
        self.document_pk = 0
        self.disclaimed_pk = 0

    def path(self, pattern: str) -> str:
        """A concrete path for ``pattern``."""
        special = {
            "admin/^(?P<app_label>auth|": "admin/agencies/",
            "admin/(?P<url>.*)$": "admin/no-such-page/",
            r"api/v1/^[\s\S]*$": "api/v1/no-such-resource/",
            # Django's autocomplete answers 500 without its parameters (a KeyError).
            "admin/autocomplete/": "admin/autocomplete/?app_label=agencies&model_name=officer"
            "&field_name=agency&term=c",
            "admin/r/<path:content_type_id>/<path:object_id>/": f"admin/r/{ContentType.objects.get_for_model(Declaration).pk}/{self.declaration.pk}/",
        }
        for start, path in special.items():
            if pattern.startswith(start):
                return "/" + path
        pk = self.declaration.pk
        if "reviews/<int:pk>" in pattern:
            pk = self.review_pk
        elif "tokens/<int:pk>" in pattern:
            pk = self.token_pk
        elif "inspections/<int:pk>" in pattern:
            pk = self.inspection_pk
        elif pattern.startswith(("documents/<int:pk>", "api/v1/documents/<int:pk>")):
            pk = self.document_pk
        elif "disclaimed/<int:pk>" in pattern:
            pk = self.disclaimed_pk
        path = pattern.replace("<int:pk>", str(pk))
        parameter = re.search(r"<(?:path:object_id|id)>", path)
        if parameter:
            app_label, model = re.match(r"admin/(\w+)/(\w+)/", path).groups()
            obj = apps.get_model(app_label, model).objects.order_by("pk").first()
            assert obj is not None, f"no {app_label}.{model} row to open {pattern}"
            path = path.replace(parameter.group(), str(obj.pk))
        assert "<" not in path and "(?" not in path, f"no value for a parameter of {pattern}"
        return "/" + path


@pytest.fixture
def world(
    make_routed_declaration: MakeDeclaration,
    agencies: dict[str, Agency],
    trader_a: Trader,
    trader_b: Trader,
    officer_customs: Officer,
    officer_medicines: Officer,
    settings: Any,
    tmp_path: Any,
) -> World:
    # With its document, as a lodged declaration has (the XML download needs it).
    declaration = make_routed_declaration(trader_a, [COFFEE], document=VALID_DOCUMENT)
    token, _key = token_create(trader_a.user, name="ERP")
    # One row of every admin model, so each change page has something to open.
    AccessEvent.objects.create(kind=AccessEventKind.SIGNED_IN, username="trader.a")
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.1", failures_since_start=1)
    AccessLog.objects.create(username="x", ip_address="10.0.0.1")
    AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1", locked_out=False)
    TOTPDevice.objects.create(user=officer_customs.user, name="phone", confirmed=False)
    StaticDevice.objects.create(user=officer_customs.user, name="codes")
    rule = RoutingRule.objects.order_by("pk").first()
    RoutingRuleChange.objects.create(rule=rule, rule_label=str(rule), action="created")
    # After the routing, so the declaration keeps its default (yellow) lanes.
    profile = RiskProfile.objects.create(agency=agencies["customs"], name="Trusted", lane="green")
    RiskProfileChange.objects.create(profile=profile, profile_label="Trusted", action="created")
    rate = ExchangeRate.objects.create(
        currency="USD",
        rate=Decimal("1.5"),
        valid_from=date(2026, 12, 1),
        valid_to=date(2026, 12, 31),
        source="test figure",
    )
    ExchangeRateChange.objects.create(exchange_rate=rate, rate_label=str(rate), action="created")
    roles.roles_sync()
    review = review_of(declaration, agencies["customs"])
    inspection = inspection_order(user=officer_customs.user, review_id=review.pk, kind="physical")
    world = World(declaration, review.pk, token.pk, inspection.pk)
    # A document of the whole declaration (customs reviews it, the medicines agency not).
    settings.MEDIA_ROOT = tmp_path
    world.document_pk = document_attach(
        user=trader_a.user,
        declaration_id=declaration.pk,
        upload=SimpleUploadedFile("invoice.pdf", b"%PDF-1.7\n%%EOF\n"),
        facts=DocumentFacts(type_code="N935", reference="INV-1"),
    ).pk
    # A goods item of company A disclaimed to the medicines agency (officer Y's), which
    # customs (officer X's) reviews anyway.
    medicines_may_be_required(agencies["medicines"])
    world.disclaimed_pk = lodge_disclaimed(trader_a).items.get(sequence=2).pk
    BrokerAuthorisation.objects.create(
        client=trader_a.company,
        broker=trader_b.company,
        representation="2",
        valid_from=date(2026, 1, 1),
    )
    return world


def _broker_of(client: Any) -> Trader:
    """A customs broker that ``client`` (company A) authorised, with nothing lodged yet."""
    broker = TraderFactory(
        company=CompanyFactory(eori="GB555666777000", name="Channel Customs Brokers Ltd"),
        user=UserFactory(username="broker.x"),
    )
    BrokerAuthorisation.objects.create(
        client=client,
        broker=broker.company,
        representation="2",
        valid_from=timezone.localdate(),
    )
    return broker


@pytest.fixture
def role_users(
    trader_a: Trader,
    trader_b: Trader,
    officer_customs: Officer,
    officer_medicines: Officer,
    supervisor_customs: Officer,
) -> dict[str, AbstractBaseUser | None]:
    groups = roles.roles_sync()
    users: dict[str, AbstractBaseUser | None] = {
        "anonymous": None,
        "trader_a": trader_a.user,
        "trader_b": trader_b.user,
        "broker": _broker_of(trader_a.company).user,
        "officer_x": officer_customs.user,
        "officer_y": officer_medicines.user,
        "supervisor_x": supervisor_customs.user,
    }
    for role, group in ADMIN_GROUPS.items():
        user = UserFactory(username=f"role.{role}", is_staff=True)
        user.groups.set([groups[group]])
        users[role] = user
    return users


def answers(world: World, role_users: dict[str, AbstractBaseUser | None]) -> dict[str, str]:
    """What each role gets for each URL pattern, as rows like ``EXPECTED``'s."""
    clients = {}
    for role, user in role_users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[role] = client
    table = {}
    for pattern in url_patterns():
        path = world.path(pattern)
        table[pattern] = " ".join(
            str(clients[role].get(path, HTTP_ACCEPT="*/*").status_code) for role in ROLES
        )
    return table


def test_every_url_has_an_entry_and_every_role_gets_what_the_table_says(
    world: World, role_users: dict[str, AbstractBaseUser | None]
) -> None:
    actual = answers(world, role_users)
    if os.environ.get("ACCESS_MATRIX_PRINT"):
        for pattern, row in actual.items():
            print(f"    {pattern!r}: {row!r},")

    missing = sorted(set(actual) - set(EXPECTED))
    assert not missing, f"URL patterns without an entry in EXPECTED: {missing}"
    stale = sorted(set(EXPECTED) - set(actual))
    assert not stale, f"entries for URL patterns that no longer exist: {stale}"
    wrong = {
        pattern: f"expected {EXPECTED[pattern]!r}, got {row!r}"
        for pattern, row in actual.items()
        if " ".join(EXPECTED[pattern].split()) != row
    }
    assert not wrong, "\n".join(f"{p}: {w}" for p, w in wrong.items())
