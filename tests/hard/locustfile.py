"""The load of ``test_load.py``: visitors on the dashboard and open data, city staff on the
staff APIs, and 50 reporters (one account each) submitting this month's report once.

The production cookies are Secure, which HTTP clients withhold over plain http on
loopback: each user sends its cookies itself. Every submission is written to
``SUBMISSIONS`` so the test can count the reports afterwards.
"""
import os
import re
from itertools import count

from locust import HttpUser, between, task

PASSWORD = os.environ["HARD_PASSWORD"]
SUBMISSIONS = os.environ["HARD_SUBMISSIONS"]
FIGURES = "sales=1200&orders=12&sessions_held=3&anchors_trained=1&brands_incubated=0"
_next_reporter = count(int(os.environ.get("HARD_FIRST_REPORTER", "50")))


class Browser(HttpUser):
    abstract = True
    wait_time = between(0.05, 0.2)

    def on_start(self):
        self.cookies: dict[str, str] = {}

    def _headers(self, extra=None):
        headers = {"Accept-Language": "zh-CN", **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        return headers

    def _keep(self, response):
        for past in [*response.history, response]:
            for cookie in past.cookies:
                self.cookies[cookie.name] = cookie.value

    def get(self, path, name=None):
        response = self.client.get(path, headers=self._headers(), name=name, allow_redirects=False)
        self._keep(response)
        return response

    def post(self, path, body: str, name=None):
        token = self.cookies.get("csrftoken", "")
        response = self.client.post(path, data=f"{body}&csrfmiddlewaretoken={token}", name=name,
                                    allow_redirects=False, headers=self._headers({
                                        "Content-Type": "application/x-www-form-urlencoded",
                                        "Origin": self.host, "Referer": self.host + path}))
        self._keep(response)
        return response

    def log_in(self, username):
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", f"username={username}&password={PASSWORD}", name="log in")
        assert response.status_code == 302, response.status_code


class Visitor(Browser):
    weight = 6

    @task(4)
    def dashboard(self):
        self.get("/")

    @task(2)
    def progress(self):
        self.get("/api/v1/progress/")

    @task(1)
    def counties(self):
        self.get("/api/v1/dashboard/counties/?format=csv")


class Staff(Browser):
    weight = 2

    def on_start(self):
        super().on_start()
        self.log_in("city_hard")

    @task
    def anchors(self):
        self.get("/api/livestream/anchors/?page_size=20", name="/api/livestream/anchors/")

    @task
    def households(self):
        self.get("/api/poverty/households/?page_size=20", name="/api/poverty/households/")


class Reporter(Browser):
    weight = 1
    fixed_count = 50  # one user per reporter account

    def on_start(self):
        super().on_start()
        self.username = f"reporter{next(_next_reporter):02d}"
        self.log_in(self.username)
        self.submitted = False

    @task
    def report(self):
        if self.submitted:
            self.get("/reports/", name="/reports/")
            return
        home = self.get("/reports/")
        period = re.search(r'action="/reports/periods/(\d+)/start/"', home.text)
        if period is None:
            return  # already started elsewhere: nothing to start
        start = self.post(f"/reports/periods/{period.group(1)}/start/", "", name="/reports/periods/[id]/start/")
        edit = start.headers["Location"]
        page = self.get(edit, name="/reports/[id]/edit/")
        version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
        response = self.post(edit, f"version={version}&action=submit&{FIGURES}", name="/reports/[id]/edit/ submit")
        if response.status_code == 302 and "/edit/" not in response.headers.get("Location", ""):
            self.submitted = True
            with open(SUBMISSIONS, "a", encoding="utf-8") as handle:
                handle.write(self.username + "\n")
