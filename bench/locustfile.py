"""Locust users for bench/load.py: county staff on the dashboard, secretaries on their checklist
page and the score API (the what-if simulator). Accounts come from WUXING_LOAD_ACCOUNTS, a JSON
file bench/load.py writes."""

import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["WUXING_LOAD_ACCOUNTS"], encoding="utf-8") as accounts_file:
    ACCOUNTS = json.load(accounts_file)


def signed_in(user: HttpUser, session: str) -> None:
    """The session bench/load.py made, as the login page would have set it."""
    user.client.cookies.set("sessionid", session)


class CountyStaff(HttpUser):
    weight = 1
    wait_time = between(1, 2)

    def on_start(self) -> None:
        signed_in(self, ACCOUNTS["county"])

    @task
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="dashboard")


class Secretary(HttpUser):
    weight = 2
    wait_time = between(1, 2)

    def on_start(self) -> None:
        mine = random.choice(ACCOUNTS["secretaries"])
        self.checklist, self.catalogue = mine["checklist"], mine["catalogue"]
        signed_in(self, mine["session"])
        self.token = mine["token"]
        self.answers = mine["answers"]

    @task(2)
    def checklist_page(self) -> None:
        self.client.get(f"/checklists/{self.checklist}/", name="checklist page")

    @task(3)
    def score(self) -> None:
        answers = dict(self.answers)
        code = random.choice(list(answers))
        if isinstance(answers[code], bool):
            answers[code] = not answers[code]  # what if this one changed?
        self.client.post(
            f"/api/v1/catalogues/{self.catalogue}/score/",
            json={"answers": answers},
            headers={"Authorization": f"Token {self.token}"},
            name="score API",
        )
