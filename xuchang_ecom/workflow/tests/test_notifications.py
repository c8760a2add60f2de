"""Notifications: marking them read is the reader's own business."""
from datetime import timedelta

import pytest
from django.utils import timezone

from xuchang_ecom.workflow.models import Notification
from xuchang_ecom.workflow.notifications import notifications_mark_read, notify

pytestmark = pytest.mark.django_db


def test_marking_notifications_read_marks_only_the_readers_own_and_keeps_when_older_ones_were_read(
        reporter_user, changge_user):
    notify(users=[reporter_user, changge_user], message="示例带贫企业提交了 2021-05 的报表。")
    read_before = timezone.now() - timedelta(days=3)
    older = Notification.objects.create(user=reporter_user, message="您 2021-04 的报表已审核通过。",
                                        read_at=read_before)
    assert notifications_mark_read(user=reporter_user) == 1
    assert not reporter_user.notifications.unread().exists()
    assert changge_user.notifications.unread().count() == 1
    older.refresh_from_db()
    assert older.read_at == read_before
